/**
 * Browser entry of test/wasm-threads.browser.test.ts, bundled by esbuild (IIFE). Run inside a Web
 * Worker, it builds a 3-thread wasm backend (Web Workers from a blob: URL, shared memory),
 * compares its matmul, conv2d (+ gradients), binary and indexAdd with the TypeScript kernels and
 * posts a report; run on a page's main thread, it reports how the backend falls back.
 */
// Only the modules under test (not the package index), so the bundle does not depend on the GPU backends.
import { CpuBackend } from '../../src/backend/cpu/index.js';
import type { Conv2dGeometry, DataId } from '../../src/backend/kernels.js';
import { createWasmBackend, WasmBackend } from '../../src/backend/wasm/index.js';
import { threadsUnavailableReason } from '../../src/backend/wasm/threads.js';
import type { TypedArray } from '../../src/dtype.js';

export interface ThreadsReport {
  /** threadsUnavailableReason() here (null: threads possible). */
  reason: string | null;
  /** Threads of createWasmBackend({ threads: 3 }). */
  threads: number;
  /** Per kernel: max |threaded − TypeScript|. */
  diffs: Record<string, number>;
  /** Jobs given to workers. */
  jobs: number;
  workerShares: number;
  error?: string;
}

function rand(size: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function maxDiff(a: TypedArray, b: TypedArray): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

async function run(): Promise<ThreadsReport> {
  const reason = threadsUnavailableReason();
  const backend = createWasmBackend({ threads: 3 });
  const threads = backend instanceof WasmBackend ? backend.threads : 1;
  const report: ThreadsReport = { reason, threads, diffs: {}, jobs: 0, workerShares: 0 };
  if (!(backend instanceof WasmBackend) || threads === 1) return report;
  backend.splitThresholds.flops = 1;
  backend.splitThresholds.elements = 1;
  await backend.whenThreadsReady();
  const cpu = new CpuBackend();
  const both = (v: TypedArray, shape: number[], dtype: 'float32' | 'int32' = 'float32') =>
    [cpu, backend].map((b) => ({ id: b.upload(v, dtype), shape, dtype }));
  const compare = (name: string, n: number, op: (b: CpuBackend | WasmBackend, i: number) => DataId) => {
    const [c, w] = [cpu, backend].map((b, i) => b.readSync(op(b, i), 'float32', n));
    report.diffs[name] = maxDiff(w!, c!);
  };
  const [m, k, n] = [67, 45, 31];
  const a = both(rand(m * k, 1), [m, k]);
  const b = both(rand(k * n, 2), [k, n]);
  compare('matmul', m * n, (be, i) =>
    be.matmul(a[i]!, b[i]!, { batch: 1, batchA: 1, batchB: 1, m, k, n, transA: false, transB: false }),
  );
  const g: Conv2dGeometry = {
    batch: 3,
    inChannels: 4,
    inHeight: 9,
    inWidth: 7,
    outChannels: 5,
    kernelHeight: 3,
    kernelWidth: 3,
    strideH: 1,
    strideW: 1,
    padTop: 1,
    padLeft: 1,
    dilationH: 1,
    dilationW: 1,
    groups: 1,
    outHeight: 9,
    outWidth: 7,
  };
  const x = both(rand(3 * 4 * 63, 3), [3, 4, 9, 7]);
  const w = both(rand(5 * 4 * 9, 4), [5, 4, 3, 3]);
  const dy = both(rand(3 * 5 * 63, 5), [3, 5, 9, 7]);
  compare('conv2d', 3 * 5 * 63, (be, i) => be.conv2d(x[i]!, w[i]!, g));
  compare('conv2dGradInput', 3 * 4 * 63, (be, i) => be.conv2dGradInput(dy[i]!, w[i]!, g));
  compare('conv2dGradFilter', 5 * 4 * 9, (be, i) => be.conv2dGradFilter(x[i]!, dy[i]!, g));
  const e = both(rand(1001, 6), [1001]);
  compare('binary', 1001, (be, i) => be.binary('mul', e[i]!, e[i]!, [1001], 'float32'));
  const src = both(rand(40 * 8, 7), [40, 8]);
  const idx = both(
    Int32Array.from({ length: 40 }, (_, j) => (j * 7) % 9),
    [40],
    'int32',
  );
  compare('indexAdd', 9 * 8, (be, i) => be.indexAdd(src[i]!, idx[i]!, 0, 9));
  report.jobs = backend.pool!.stats.jobs;
  report.workerShares = backend.pool!.stats.workerShares;
  backend.dispose();
  return report;
}

const scope = globalThis as unknown as {
  postMessage?: (m: unknown) => void;
  document?: unknown;
  runWasmThreads?: () => Promise<ThreadsReport>;
};
if (scope.document === undefined && typeof scope.postMessage === 'function') {
  // In a Worker: run once and post the report.
  run().then(
    (r) => scope.postMessage!(r),
    (e: Error) => scope.postMessage!({ error: String(e?.stack ?? e) }),
  );
} else {
  scope.runWasmThreads = run;
}
