import type { Tensor } from '../tensor.js';
import { loadSafetensors, type SafetensorsContents, saveSafetensorsAsync } from './safetensors.js';

/**
 * Node-only file helpers. `node:fs/promises` is imported lazily, through a variable, so that
 * browser bundlers neither try to resolve it nor fail on it: the rest of the package stays
 * browser-safe and only calling these functions outside Node fails (with the import error).
 */
type Fs = typeof import('node:fs/promises');
const FS_MODULE = 'node:fs/promises';

async function nodeFs(): Promise<Fs> {
  return (await import(/* @vite-ignore */ /* webpackIgnore: true */ FS_MODULE)) as Fs;
}

/** Writes `tensors` (any backend) as a safetensors file at `path`. Node only. */
export async function saveFile(
  path: string,
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Promise<void> {
  const bytes = await saveSafetensorsAsync(tensors, metadata);
  const fs = await nodeFs();
  await fs.writeFile(path, bytes);
}

/** Reads a safetensors file into tensors on the current backend. Node only. */
export async function loadFile(path: string): Promise<SafetensorsContents> {
  const fs = await nodeFs();
  return loadSafetensors(await fs.readFile(path));
}
