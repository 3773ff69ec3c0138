/**
 * Shared by the webgpu parity suites (webgpu.test.ts, webgpu.grad.test.ts): acquiring the backend
 * (skip with the reason locally, fail under CI=true), deterministic random inputs, and an
 * element-by-element comparison that names the first offending element.
 */
import type { WebGPUBackend } from '../src/backend/webgpu/index.js';
import { registerWebGPUBackend, setBackend, type TypedArray } from '../src/index.js';
import { compareWithCpu, type Tol } from './parity-helpers.js';

export interface WebGPUSetup {
  /** The backend, or null when no adapter was found. */
  backend: WebGPUBackend | null;
  /** Why there is no backend (null when there is one). */
  unavailable: string | null;
  /** True when the suite must run (and fail) even without an adapter: CI=true. */
  requireGpu: boolean;
  /** True when the suite should be skipped. */
  skip: boolean;
}

/** Registers 'webgpu', requests its device once and returns to 'cpu'. */
export async function setUpWebGPU(): Promise<WebGPUSetup> {
  registerWebGPUBackend();
  let unavailable: string | null = null;
  let backend: WebGPUBackend | null = null;
  try {
    backend = (await setBackend('webgpu')) as WebGPUBackend;
  } catch (e) {
    unavailable = (e as Error).message;
  } finally {
    await setBackend('cpu');
  }
  const requireGpu = process.env.CI === 'true';
  if (unavailable && !requireGpu) console.warn(`webgpu tests skipped: ${unavailable}`);
  return { backend, unavailable, requireGpu, skip: unavailable !== null && !requireGpu };
}

export { randomTensors, type Tol, uniformValues } from './parity-helpers.js';

/** |webgpu − cpu| ≤ atol + rtol·|cpu| elementwise (NaN matches NaN); fails naming the element. */
export function compareArrays(actual: TypedArray, expected: TypedArray, tol: Tol, what: string): void {
  compareWithCpu(actual, expected, tol, what, 'webgpu');
}
