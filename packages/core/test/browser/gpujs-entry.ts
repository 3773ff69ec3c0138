/**
 * Browser entry of the gpujs parity suite, bundled by test/gpujs.browser.test.ts with esbuild and run
 * in headless Chromium after gpu.js's browser build (which defines `window.GPU`) and after a census
 * of WebGL textures (`window.__textures`, counted by wrapping createTexture/deleteTexture).
 */
import {
  conv2d,
  createGpuJsBackend,
  Generator,
  type GpuJsBackend,
  type GpuJsMode,
  keep,
  matmul,
  memory,
  noGrad,
  randn,
  registerBackend,
  setBackend,
  tidy,
  zeros,
} from '../../src/index.js';
import { runGpuJsParity } from './gpujs-parity.js';

interface LeakReport {
  /** Live WebGL textures after each training step. */
  textures: number[];
  /** memory().numTensors after each step. */
  tensors: number[];
  losses: number[];
}

declare global {
  interface Window {
    __textures: { live: number };
    runGpuJsParity(mode: GpuJsMode): Promise<{
      mode: string;
      ran: number;
      failures: { name: string; message: string }[];
      names: string[];
      ms: number;
    }>;
    runGpuJsLeakCheck(mode: GpuJsMode): Promise<LeakReport>;
  }
}

const backends = new Map<GpuJsMode, GpuJsBackend>();

async function backendFor(mode: GpuJsMode): Promise<string> {
  const name = `gpujs-${mode}`;
  if (!backends.has(mode)) {
    const backend = await createGpuJsBackend({
      mode,
      name,
      gpujs: (window as unknown as { GPU: unknown }).GPU,
    });
    registerBackend(name, () => backend);
    backends.set(mode, backend);
  }
  return name;
}

window.runGpuJsParity = async (mode) => {
  const start = performance.now();
  const name = await backendFor(mode);
  const result = await runGpuJsParity({ backend: name });
  return { mode: backends.get(mode)!.mode, ...result, ms: performance.now() - start };
};

/** 30 steps of a small conv net's training loop under tidy: live textures must stay flat. */
window.runGpuJsLeakCheck = async (mode) => {
  const name = await backendFor(mode);
  await setBackend(name);
  const report: LeakReport = { textures: [], tensors: [], losses: [] };
  try {
    const g = new Generator(0);
    const w1 = randn([2, 3, 3, 3], { generator: g }).mul(0.3).requireGrad();
    const b1 = zeros([2]).requireGrad();
    const w2 = randn([8, 1], { generator: g }).mul(0.3).requireGrad();
    const x = randn([4, 3, 4, 4], { generator: g });
    const target = randn([4, 1], { generator: g });
    const params = [w1, b1, w2];
    for (let step = 0; step < 30; step++) {
      const loss = tidy(() => {
        const h = conv2d(x, w1, b1, { stride: 2, padding: 1 }).relu();
        const pred = matmul(h.reshape([4, 8]), w2);
        const l = pred.sub(target).square().mean();
        l.backward();
        noGrad(() => {
          for (const p of params) p.assign(p.sub(p.grad!.mul(0.05)));
        });
        for (const p of params) p.zeroGrad();
        return keep(l);
      });
      report.losses.push((await loss.data())[0]!);
      loss.dispose();
      report.textures.push(window.__textures.live);
      report.tensors.push(memory().numTensors);
    }
  } finally {
    await setBackend('cpu');
  }
  return report;
};
