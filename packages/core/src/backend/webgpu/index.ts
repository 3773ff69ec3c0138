/// <reference types="@webgpu/types" />
/**
 * The 'webgpu' backend (BACKENDS.md): `registerWebGPUBackend(); await setBackend('webgpu')`.
 * Design notes live with the code: queueing, pooling and error reporting in ./backend.ts, the
 * buffer pool in ./pool.ts, one WGSL module per kernel family in ./wgsl (scatter-add is a float
 * CAS loop on atomic<u32>, so its summation order is nondeterministic; out-of-range indices read 0
 * or are skipped instead of throwing, see ./wgsl/indexing.ts).
 */
import { registerBackend } from '../../backends.js';
import { ErlangenError } from '../../errors.js';
import { WebGPUBackend, type WebGPUBackendOptions } from './backend.js';

export { WebGPUBackend, type WebGPUBackendOptions } from './backend.js';

interface NodeWebGPU {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

/**
 * The one place Node and browsers differ: a browser (or Deno) has `navigator.gpu`; Node loads the
 * optional `webgpu` package (Dawn). The specifier is a variable so bundlers for the browser do not
 * try to pull the Node addon in.
 */
async function getGPU(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  const specifier = 'webgpu';
  let mod: NodeWebGPU;
  try {
    mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as NodeWebGPU;
  } catch (e) {
    throw new ErlangenError(
      `no WebGPU adapter: navigator.gpu is not available and the optional 'webgpu' package could not be loaded (${(e as Error).message})`,
    );
  }
  // Dawn's objects expect the WebGPU globals (GPUBufferUsage, …); install only what is missing.
  const g = globalThis as Record<string, unknown>;
  for (const [k, v] of Object.entries(mod.globals)) if (!(k in g)) g[k] = v;
  return mod.create([]);
}

/** Requests an adapter and device and returns a ready backend; throws an ErlangenError when there is none. */
export async function createWebGPUBackend(options: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
  const gpu = await getGPU();
  const adapter = await gpu.requestAdapter(
    options.powerPreference ? { powerPreference: options.powerPreference } : undefined,
  );
  if (!adapter) {
    throw new ErlangenError(
      'no WebGPU adapter: requestAdapter() returned null (no GPU, or WebGPU is disabled)',
    );
  }
  // Ask for the adapter's own limits: the defaults (128 MiB bindings) are far below most GPUs'.
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
    },
  });
  const info = (adapter as unknown as { info?: GPUAdapterInfo }).info;
  const name = [info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(' ');
  return new WebGPUBackend(device, name || 'unknown adapter', options, [gpu, adapter]);
}

/**
 * Registers the 'webgpu' backend; `await setBackend('webgpu')` then requests the device. Reads are
 * asynchronous only (`await t.data()`).
 */
export function registerWebGPUBackend(options: WebGPUBackendOptions = {}): void {
  registerBackend('webgpu', () => createWebGPUBackend(options));
}
