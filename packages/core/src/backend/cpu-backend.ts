/**
 * Which kernels the default 'cpu' backend runs: the WebAssembly SIMD kernels (the wasm backend's
 * engine under the name 'cpu', multi-threaded where the platform allows) where the engine has
 * WebAssembly SIMD, else the pure TypeScript kernels (CpuBackend). Both give the same results
 * (parity-tested: bit-identical for copies, gathers and elementwise kernels, to float32 rounding for
 * GEMM and convolution, whose sums run in a different order).
 */
import { engine } from '../engine.js';
import { ErlangenError } from '../errors.js';
import { CpuBackend } from './cpu/index.js';
import type { Backend } from './kernels.js';
import { createWasmBackend, type WasmBackendOptions, wasmSimdSupported } from './wasm/index.js';

export interface CpuBackendOptions
  extends Pick<WasmBackendOptions, 'threads' | 'relaxedSimd' | 'initialPages'> {
  /**
   * 'auto' (default): WebAssembly SIMD kernels where supported, else TypeScript. 'typescript': the
   * pure TypeScript kernels (tensors in ordinary typed arrays, one thread). 'wasm': the WebAssembly
   * kernels, throwing where the engine has no WebAssembly SIMD.
   */
  kernels?: 'auto' | 'wasm' | 'typescript';
}

const KERNEL_CHOICES = ['auto', 'wasm', 'typescript'];

function checkKernels(op: string, kernels: unknown): void {
  if (!KERNEL_CHOICES.includes(kernels as string)) {
    throw new ErlangenError(
      `${op}: option 'kernels' expected 'auto', 'wasm' or 'typescript' but received ${JSON.stringify(kernels)}`,
    );
  }
}

/** The 'cpu' backend as `options` ask (see `CpuBackendOptions`); the engine's default uses no options. */
export function createCpuBackend(options: CpuBackendOptions = {}): Backend {
  const kernels = options.kernels ?? 'auto';
  checkKernels('createCpuBackend', kernels);
  if (kernels === 'typescript') return new CpuBackend();
  if (!wasmSimdSupported()) {
    if (kernels === 'wasm') {
      throw new ErlangenError(
        "createCpuBackend: option 'kernels' expected an engine with WebAssembly SIMD for 'wasm' but this one has none",
      );
    }
    return new CpuBackend();
  }
  return createWasmBackend({ ...options, simd: true, name: 'cpu' });
}

/**
 * Chooses the 'cpu' backend's kernels and threads, e.g. `registerCpuBackend({ kernels: 'typescript' })`
 * or `registerCpuBackend({ threads: 1 })`. Call it before the first tensor is created: the backend is
 * created once, on first use, and its tensors live in its memory.
 */
export function registerCpuBackend(options: CpuBackendOptions = {}): void {
  if (engine.hasInstance('cpu')) {
    throw new ErlangenError(
      "registerCpuBackend: the 'cpu' backend is already in use (a tensor was created); call registerCpuBackend before creating any tensor",
    );
  }
  checkKernels('registerCpuBackend', options.kernels ?? 'auto');
  engine.registerBackend('cpu', () => createCpuBackend(options));
}
