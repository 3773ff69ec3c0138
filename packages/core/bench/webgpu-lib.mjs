/**
 * Shared by bench/webgpu.mjs (Erlangen webgpu vs tfjs-backend-webgpu) and bench/gpu/bench.mjs (the
 * real-GPU table): getting a WebGPU implementation into Node, loading both libraries onto it, and
 * timing GPU work correctly.
 *
 * GPU timing. Both libraries queue work and return at once, so a timed run is: record `reps`
 * operations (each result disposed, as a training loop would), submit, and wait for the queue to
 * drain (`onSubmittedWorkDone`) — all inside the clock. Waiting for the queue instead of reading the
 * result back keeps a 64 MB readback of a 4096² product out of a matmul's time, and it is the same
 * wait for both libraries. Small ops repeat `reps` times per run so the fixed submit-and-wait cost
 * (~0.1 ms on a real GPU) does not swamp them; both sides use the same `reps`.
 */

import { createRequire } from 'node:module';
import { collectGarbage, samplingDone, summarize } from './harness.mjs';
import { prod, values } from './rows.mjs';

/**
 * Node has no `navigator.gpu`; the `webgpu` package (Dawn) provides one: `create([])` plus the
 * WebGPU globals (GPUBufferUsage, …). tfjs-backend-webgpu finds the GPU only through
 * `navigator.gpu`, so this must run before it is imported; Erlangen then uses the same object.
 * `dawnFlags` are passed to `create` (e.g. ['backend=vulkan'] on a machine with several).
 */
export function installNavigatorGpu(dawnFlags = []) {
  const require = createRequire(import.meta.url);
  let webgpu;
  try {
    webgpu = require('webgpu');
  } catch (e) {
    throw new Error(`the optional 'webgpu' package (Dawn for Node) is not installed: ${e.message}`);
  }
  for (const [k, v] of Object.entries(webgpu.globals)) if (!(k in globalThis)) globalThis[k] = v;
  const gpu = webgpu.create(dawnFlags);
  if (typeof globalThis.navigator === 'undefined') {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else if (!globalThis.navigator.gpu) {
    Object.defineProperty(globalThis.navigator, 'gpu', { value: gpu, configurable: true });
  }
  return globalThis.navigator.gpu;
}

/**
 * The built Erlangen package on its 'webgpu' backend (`options`: WebGPUBackendOptions, e.g.
 * `{ matmulTile: 128 }`); `sync()` submits and waits for the queue.
 */
export async function loadErlangenWebGPU(options = {}) {
  let E;
  try {
    E = await import('../dist/index.js');
  } catch (e) {
    throw new Error(
      `cannot import ../dist/index.js (${e.message}); build it first with 'npx tsup' in packages/core`,
    );
  }
  E.registerWebGPUBackend({ powerPreference: 'high-performance', ...options });
  const backend = await E.setBackend('webgpu');
  return {
    E,
    backend,
    adapter: backend.adapterName,
    sync: () => backend.sync(),
    destroy: () => backend.destroy(),
  };
}

/**
 * TensorFlow.js on tfjs-backend-webgpu. Two flags make the comparison fair: WEBGPU_CPU_FORWARD off
 * (otherwise tfjs computes small ops whose inputs are still CPU-resident on the CPU), and the
 * gradients tfjs-core's Node bundle lacks are registered (libs.mjs) for the conv2d backward row.
 */
export async function loadTfjsWebGPU() {
  const warn = console.warn;
  console.warn = () => {}; // the "install tfjs-node" banner and adapter notes
  try {
    const { loadTfjs } = await import('./libs.mjs'); // tfjs-core with its gradients registered
    const tf = await loadTfjs();
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) throw new Error('tf.setBackend("webgpu") failed');
    await tf.ready();
    tf.env().set('WEBGPU_CPU_FORWARD', false);
    tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)));
    const be = tf.backend();
    for (const m of ['ensureCommandEncoderReady', 'endComputePassEncoder', 'submitQueue']) {
      if (typeof be[m] !== 'function')
        throw new Error(`tfjs-backend-webgpu has no ${m}(): update bench/webgpu-lib.mjs`);
    }
    // tfjs keeps a compute pass open across dispatches and submits every 15; flush what it holds
    // the way its own reads do (backend_webgpu.ts getBufferData), then wait for the queue.
    const sync = async () => {
      be.ensureCommandEncoderReady();
      be.endComputePassEncoder();
      be.submitQueue();
      await be.device.queue.onSubmittedWorkDone();
    };
    const info = be.adapterInfo ?? {};
    return {
      tf,
      sync,
      adapter: [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown',
      destroy: () => be.device.destroy(),
    };
  } finally {
    console.warn = warn;
  }
}

/** One timed run: `reps` operations, then submit and wait; milliseconds per operation. */
async function timeOnce(side, reps) {
  collectGarbage();
  await side.sync();
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) side.run();
  await side.sync();
  return (performance.now() - t0) / reps;
}

/** A side slower than this many budgets per row gets only 3 samples (lavapipe's 4096² matmul). */
const SLOW_BUDGETS = 10;

/**
 * Times GPU implementations of one computation, interleaved run by run (ABBA) as harness.mjs does
 * for the CPU. `sides` maps names to `{ run, sync }`: `run()` records one operation and disposes
 * its result; `sync()` submits and waits. Returns per-name stats (ms per operation) and `reps`.
 */
export async function compareGpu(
  sides,
  { warmupRuns, minRuns, maxRuns, budgetMs, targetRunMs = 10, maxReps = 64 },
) {
  const names = Object.keys(sides);
  let fastest = Number.POSITIVE_INFINITY;
  for (const name of names) {
    // The first runs compile the pipelines (lavapipe: seconds); they are never timed.
    for (let i = 0; i < Math.max(1, warmupRuns); i++)
      fastest = Math.min(fastest, await timeOnce(sides[name], 1));
  }
  const reps = Math.max(1, Math.min(maxReps, Math.round(targetRunMs / Math.max(fastest, 1e-3))));
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  const spent = Object.fromEntries(names.map((n) => [n, 0]));
  const done = samplingDone(samples, spent, { minRuns, maxRuns, budgetMs }, SLOW_BUDGETS);
  for (let round = 0; !names.every(done); round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const ms = await timeOnce(sides[name], reps);
      samples[name].push(ms);
      spent[name] += ms * reps;
    }
  }
  return { reps, stats: Object.fromEntries(names.map((n) => [n, summarize(samples[n])])) };
}

/** Deterministic int32 values in [0, hi). */
export function intValues(n, hi, seed) {
  const v = values(n, seed);
  return Int32Array.from(v, (x) => Math.min(hi - 1, Math.floor(((x + 1) / 2) * hi)));
}

/**
 * A benchmark row: `make(E, tf, size)` builds the inputs once on both GPUs (outside the clock) and
 * returns `{ erlangen, tfjs, inputs, toNchw }`: zero-argument functions returning each library's
 * result (a tensor or a list), the input tensors to free, and tfjs's layout fix-up for the check.
 */
export function gpuRow(id, group, description, measure, make) {
  return { id, group, description, ...measure, make };
}

/** Both sides' versions of one int32 input in [0, hi). */
export function intInput(E, tf, shape, hi, seed) {
  const v = intValues(prod(shape), hi, seed);
  return { e: E.tensor(v, shape, 'int32'), t: tf.tensor(v, shape, 'int32') };
}

/**
 * Sets a row up and returns `{ sides: { erlangen, tfjs }, outputs(), dispose() }` for compareGpu.
 * `outputs()` reads both results (NCHW order) for the agreement check.
 */
export function prepare(row, E, tf, erl, tfw) {
  const { erlangen, tfjs, inputs, toNchw = (t) => t } = row.make(E, tf);
  const disposeAll = (x) => {
    for (const t of [x].flat()) t.dispose();
  };
  const sides = { erlangen: { run: () => disposeAll(E.tidy(erlangen)), sync: erl.sync } };
  // A row without a tfjs side (a raw buffer copy has no tfjs op) times Erlangen alone.
  if (tfjs) sides.tfjs = { run: () => tf.tidy(() => disposeAll(tfjs())), sync: tfw.sync };
  return {
    sides,
    /** Both results for the agreement check; null when the row has no tfjs side. */
    async outputs() {
      if (!tfjs) return null;
      const e = [E.tidy(erlangen)].flat();
      const t = tf.tidy(() => [tfjs()].flat().map((x, k) => toNchw(x, k)));
      const out = {
        erlangen: await Promise.all(e.map((x) => x.data())),
        tfjs: await Promise.all(t.map((x) => x.data())),
      };
      disposeAll(e);
      disposeAll(t);
      return out;
    },
    dispose() {
      for (const x of inputs) {
        x.e.dispose();
        x.t?.dispose();
      }
    },
  };
}
