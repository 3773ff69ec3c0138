import { afterAll, describe, expect, it, vi } from 'vitest';
import { createGpuJsBackend, type GpuJsBackend, type GpuJsMode } from '../src/backend/gpujs/index.js';
import { registerBackend, setBackend } from '../src/index.js';
import { gpujsParityCases } from './browser/gpujs-parity.js';

// Parity of the 'gpujs' backend with the CPU reference under every gpu.js mode Node offers without
// WebGL: 'cpu' (the kernel sources transpiled to JavaScript), 'webasm' (what gpu.js's default
// 'gpu' mode picks in Node) and 'webgpu' (WGSL through Dawn and lavapipe, where an adapter exists),
// plus 'headlessgl' where the optional native `gl` package happens to be installed.
// WebGL2/WebGL run in a real browser: test/gpujs.browser.test.ts.

const modes: GpuJsMode[] = ['cpu', 'webasm', 'webgpu', 'headlessgl'];
const backends = new Map<GpuJsMode, GpuJsBackend>();
const unavailable = new Map<GpuJsMode, string>();
for (const mode of modes) {
  try {
    const b = await createGpuJsBackend({ mode, name: `gpujs-${mode}`, quiet: true });
    registerBackend(`gpujs-${mode}`, () => b);
    await setBackend(`gpujs-${mode}`);
    backends.set(mode, b);
  } catch (e) {
    unavailable.set(mode, (e as Error).message);
  } finally {
    await setBackend('cpu');
  }
}
// The webgpu mode needs an adapter (lavapipe in CI): it is required under CI=true, like the webgpu backend.
const requireGpu = process.env.CI === 'true';
for (const [mode, why] of unavailable)
  if (!(mode === 'webgpu' && requireGpu)) console.warn(`gpujs ${mode} tests skipped: ${why}`);

afterAll(async () => {
  await setBackend('cpu');
  for (const b of backends.values()) b.destroy();
});

describe('gpujs backend', () => {
  it('runs the cpu mode everywhere and reports the mode it runs', () => {
    expect(backends.get('cpu')?.mode).toBe('cpu');
    expect(backends.get('webasm')?.mode).toBe('webasm');
    if (requireGpu) expect(unavailable.get('webgpu')).toBeUndefined();
    if (backends.has('webgpu')) expect(backends.get('webgpu')!.mode).toBe('webgpu');
    for (const b of backends.values()) expect(b.canReadSync).toBe(false);
  });

  it("mode 'gpu' picks what gpu.js offers here (no WebGL in Node: webasm) and says which", async () => {
    const b = await createGpuJsBackend({ quiet: true });
    expect(['headlessgl', 'webasm', 'cpu']).toContain(b.mode);
    if (!backends.has('headlessgl')) expect(b.mode).toBe('webasm');
    b.destroy();
  });

  it('notes once which gpu.js mode runs', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    try {
      for (let i = 0; i < 2; i++) (await createGpuJsBackend({ mode: 'cpu' })).destroy();
      const notes = info.mock.calls.filter((c) => String(c[0]).includes("gpu.js runs its 'cpu' mode"));
      expect(notes).toHaveLength(1);
    } finally {
      info.mockRestore();
    }
  });

  it('explains a mode gpu.js cannot run here', async () => {
    await expect(createGpuJsBackend({ mode: 'webgl2', quiet: true })).rejects.toThrow(
      /cannot run in mode 'webgl2'/,
    );
  });
});

for (const mode of modes) {
  const skip = !backends.has(mode) && !(mode === 'webgpu' && requireGpu);
  describe.skipIf(skip)(`gpujs parity, gpu.js mode '${mode}'`, () => {
    const cases = gpujsParityCases({ backend: `gpujs-${mode}` });
    for (const c of cases) it(c.name, c.run, 30_000);
  });
}
