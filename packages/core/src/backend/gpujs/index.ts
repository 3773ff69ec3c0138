/**
 * The 'gpujs' backend (BACKENDS.md): `registerGpuJsBackend(); await setBackend('gpujs')`. Kernels
 * are gpu.js kernels (./sources.ts) on WebGL2/WebGL textures, or on whatever gpu.js falls back to
 * (WebAssembly, plain JavaScript); design notes in ./backend.ts.
 */
import { registerBackend } from '../../backends.js';
import { ErlangenError } from '../../errors.js';
import { GpuJsBackend, type GpuJsInstance, type GpuJsMode } from './backend.js';

export { GjData, GpuJsBackend, type GpuJsMode, MAX_ELEMENTS as GPUJS_MAX_ELEMENTS } from './backend.js';

/** Options of `registerGpuJsBackend` / `createGpuJsBackend`. */
export interface GpuJsBackendOptions {
  /**
   * The gpu.js mode to ask for (default 'gpu': gpu.js picks WebGL2, then WebGL, then headless GL,
   * then WebAssembly). 'webgpu' in Node installs `navigator.gpu` from the optional `webgpu` package.
   */
  mode?: GpuJsMode;
  /**
   * The gpu.js module, or its `GPU` constructor (the browser build's global). Defaults to
   * `globalThis.GPU` when that is gpu.js, else `import('gpu.js')`: pass it where a bundler cannot
   * resolve that dynamic import.
   */
  gpujs?: unknown;
  /** Name to register under (default 'gpujs'); lets a test register several modes side by side. */
  name?: string;
  /** Suppresses the one-time console note saying which gpu.js mode runs. */
  quiet?: boolean;
}

interface GpuJsLibrary {
  GPU: (new (
    settings: Record<string, unknown>,
  ) => GpuJsInstance & { Kernel: unknown }) & {
    isWebGPUAvailable?: () => Promise<boolean>;
  };
  [kernelClass: string]: unknown;
}

const isGpuJsConstructor = (x: unknown): boolean =>
  typeof x === 'function' &&
  typeof (x as { prototype?: { createKernel?: unknown } }).prototype?.createKernel === 'function';

/** Finds gpu.js: the option, the browser build's global, or the optional dependency. */
async function loadGpuJs(given: unknown): Promise<GpuJsLibrary> {
  const asLibrary = (x: unknown): GpuJsLibrary | null => {
    if (isGpuJsConstructor(x)) return { ...(x as object), GPU: x } as GpuJsLibrary;
    const m = x as { GPU?: unknown; default?: { GPU?: unknown } } | null;
    if (m && isGpuJsConstructor(m.GPU)) return m as GpuJsLibrary;
    if (m?.default && isGpuJsConstructor(m.default.GPU)) return m.default as GpuJsLibrary;
    return null;
  };
  if (given !== undefined) {
    const lib = asLibrary(given);
    if (!lib)
      throw new ErlangenError(
        "registerGpuJsBackend: argument 'gpujs' expected the gpu.js module or its GPU constructor",
      );
    return lib;
  }
  const fromGlobal = asLibrary((globalThis as { GPU?: unknown }).GPU);
  if (fromGlobal) return fromGlobal;
  // A variable specifier, so bundlers leave the optional dependency out.
  const specifier = 'gpu.js';
  try {
    const mod = await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
    const lib = asLibrary(mod);
    if (lib) return lib;
    throw new Error('the module has no GPU export');
  } catch (e) {
    throw new ErlangenError(
      `gpujs backend: the optional 'gpu.js' package could not be loaded (${(e as Error).message}); install it, or pass the module as registerGpuJsBackend({ gpujs })`,
    );
  }
}

/** gpu.js's webgpu mode looks for `navigator.gpu`; Node gets it from the optional `webgpu` package (Dawn). */
async function ensureNavigatorGpu(): Promise<void> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return;
  const specifier = 'webgpu';
  let mod: { create(flags: string[]): unknown; globals: Record<string, unknown> };
  try {
    mod = await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
  } catch (e) {
    throw new ErlangenError(
      `gpujs backend: mode 'webgpu' needs navigator.gpu, and the optional 'webgpu' package could not be loaded (${(e as Error).message})`,
    );
  }
  const globals = globalThis as Record<string, unknown>;
  for (const [k, v] of Object.entries(mod.globals)) if (!(k in globals)) globals[k] = v;
  const gpu = mod.create([]);
  try {
    // Node ≥ 21 has a `navigator` (without gpu); Node 20 has none.
    if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    else
      Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } catch (e) {
    throw new ErlangenError(
      `gpujs backend: mode 'webgpu' could not install navigator.gpu (${(e as Error).message})`,
    );
  }
}

/** The mode gpu.js actually chose, from its kernel class (GL kernels all report 'gpu'). */
function modeOf(lib: GpuJsLibrary, kernelClass: unknown): string {
  const classes: [string, string][] = [
    ['WebGL2Kernel', 'webgl2'],
    ['WebGLKernel', 'webgl'],
    ['HeadlessGLKernel', 'headlessgl'],
    ['WebGPUKernel', 'webgpu'],
    ['WebAssemblyKernel', 'webasm'],
    ['CPUKernel', 'cpu'],
  ];
  for (const [cls, mode] of classes) if (lib[cls] !== undefined && lib[cls] === kernelClass) return mode;
  return String((kernelClass as { mode?: string } | null)?.mode ?? 'unknown');
}

const noted = new Set<string>();

/**
 * Loads gpu.js, creates its `GPU` in the requested mode and returns a ready backend. Throws an
 * ErlangenError when gpu.js is missing or the mode is unavailable (e.g. 'webgl2' without WebGL2).
 */
export async function createGpuJsBackend(options: GpuJsBackendOptions = {}): Promise<GpuJsBackend> {
  const requested = options.mode ?? 'gpu';
  const lib = await loadGpuJs(options.gpujs);
  if (requested === 'webgpu') {
    await ensureNavigatorGpu();
    const available = (await lib.GPU.isWebGPUAvailable?.()) ?? false;
    if (!available) throw new ErlangenError("gpujs backend: mode 'webgpu' found no WebGPU adapter");
  }
  let gpu: GpuJsInstance & { Kernel: unknown };
  try {
    gpu = new lib.GPU({ mode: requested });
  } catch (e) {
    throw new ErlangenError(
      `gpujs backend: gpu.js cannot run in mode '${requested}' here (${(e as Error).message})`,
    );
  }
  const mode = modeOf(lib, gpu.Kernel);
  // gpu.js shares one WebGPU device among all its instances; Dawn's threads must stop before Node exits.
  const teardown = () => {
    if (mode === 'webgpu')
      void (lib.WebGPUContext as { destroy?: () => Promise<void> } | undefined)?.destroy?.();
  };
  const backend = await new GpuJsBackend(gpu, mode, options.name ?? 'gpujs', teardown).init();
  const key = `${requested}→${mode}`;
  if (!options.quiet && !noted.has(key)) {
    noted.add(key);
    const fellBack =
      (requested === 'gpu' && (mode === 'webasm' || mode === 'cpu')) ||
      (requested !== 'gpu' && requested !== mode);
    console.info(
      fellBack
        ? `gpujs backend: no WebGL here, gpu.js runs its '${mode}' mode (asked for '${requested}')`
        : `gpujs backend: gpu.js runs its '${mode}' mode`,
    );
  }
  return backend;
}

/**
 * Registers the gpu.js backend under 'gpujs' (or `options.name`); `await setBackend('gpujs')` then
 * loads gpu.js. The backend's `mode` says which gpu.js mode runs. Reads are asynchronous only.
 */
export function registerGpuJsBackend(options: GpuJsBackendOptions = {}): void {
  registerBackend(options.name ?? 'gpujs', () => createGpuJsBackend(options));
}
