/**
 * Shared by the webgpu parity suites (webgpu.test.ts, webgpu.grad.test.ts): acquiring the backend
 * (skip with the reason locally, fail under CI=true), deterministic random inputs, and an
 * element-by-element comparison that names the first offending element.
 */
import type { WebGPUBackend } from '../src/backend/webgpu/index.js';
import type { TypedArray } from '../src/index.js';
import { probeWebGPU } from '../src/testing/index.js';
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
  const probe = await probeWebGPU('webgpu tests');
  return { ...probe, backend: probe.backend as WebGPUBackend | null };
}

export { randomTensors, type Tol, uniformValues } from './parity-helpers.js';

/** |webgpu − cpu| ≤ atol + rtol·|cpu| elementwise (NaN matches NaN); fails naming the element. */
export function compareArrays(actual: TypedArray, expected: TypedArray, tol: Tol, what: string): void {
  compareWithCpu(actual, expected, tol, what, 'webgpu');
}
