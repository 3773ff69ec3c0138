/**
 * Backend choice for gallery workers: WebGPU where the browser exposes an adapter, the CPU
 * backend otherwise (or when the page URL says `?backend=cpu`). The reason for a fallback is
 * returned so the page can show it.
 */
import { getBackend, registerWebGPUBackend, setBackend } from '@erlangen/core';

export interface BackendChoice {
  backend: string;
  /** Why WebGPU is not used, when it is not. */
  note: string | null;
  /** The WebGPU adapter's vendor and architecture (e.g. 'google swiftshader'); null on the CPU backend. */
  adapter?: string | null;
}

export { isSoftwareAdapter } from './adapter.js';

export async function chooseBackend(requested: string | null): Promise<BackendChoice> {
  if (requested === 'cpu') {
    await setBackend('cpu');
    return { backend: getBackend(), note: 'CPU backend requested in the URL' };
  }
  registerWebGPUBackend();
  try {
    const b = await setBackend('webgpu');
    const adapter = (b as { adapterName?: string }).adapterName ?? null;
    return { backend: 'webgpu', note: null, adapter };
  } catch (e) {
    await setBackend('cpu');
    return { backend: getBackend(), note: `WebGPU unavailable: ${(e as Error).message}` };
  }
}
