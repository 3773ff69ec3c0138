/**
 * Acquiring the 'webgpu' backend in a test suite, the same way in every package: register it, try
 * to request a device once, and return to 'cpu'. Without an adapter the suite is skipped with the
 * reason printed, except under CI=true (where lavapipe provides one), where it must run and fail.
 *
 *   const gpu = await probeWebGPU('sphere webgpu tests');
 *   describe.skipIf(gpu.skip)('webgpu parity with cpu', () => {
 *     it('has an adapter', () => expect(gpu.unavailable).toBeNull());
 *   });
 */
import { type Backend, registerWebGPUBackend, setBackend } from '../index.js';

export interface WebGPUProbe {
  /** The backend, or null when no adapter was found. */
  backend: Backend | null;
  /** Why there is no backend (null when there is one). */
  unavailable: string | null;
  /** True when the suite must run (and fail) even without an adapter: CI=true. */
  requireGpu: boolean;
  /** True when the suite should be skipped: no adapter and not under CI. */
  skip: boolean;
}

/** Registers 'webgpu', requests its device once and returns to 'cpu'; warns "`what` skipped: reason" when skipping. */
export async function probeWebGPU(what = 'webgpu tests'): Promise<WebGPUProbe> {
  registerWebGPUBackend();
  let backend: Backend | null = null;
  let unavailable: string | null = null;
  try {
    backend = await setBackend('webgpu');
  } catch (e) {
    unavailable = (e as Error).message;
  } finally {
    await setBackend('cpu');
  }
  const requireGpu = typeof process !== 'undefined' && process.env.CI === 'true';
  if (unavailable && !requireGpu) console.warn(`${what} skipped: ${unavailable}`);
  return { backend, unavailable, requireGpu, skip: unavailable !== null && !requireGpu };
}
