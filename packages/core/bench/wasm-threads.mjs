/**
 * Thread scaling of Erlangen's 'wasm' backend: the same kernels on 1 thread and on N threads
 * (worker threads over one shared memory), in one process, float32, interleaved runs (harness.mjs),
 * medians. Issue #3's target: ≥ 1.7× from 1 to 2 threads on GEMM 1024 and conv2d batch 16.
 *
 *   cd packages/core && npx tsup && node bench/wasm-threads.mjs [--threads N] [--quick] [--full]
 *     [--budget SECONDS] [--only matmul|conv2d|elementwise|scatter]
 *
 * --threads N: the multi-threaded side (default 2). --full: the scatter row at the issue's size
 * (10⁶ edges × 64 features, ~0.5 GB of wasm memory per side) instead of 2·10⁵ edges.
 * Prints a Markdown table on stdout (progress on stderr). Each timed run computes and reads the
 * result back (dataSync) inside the clock. Only ratios are meaningful on a shared machine; a ratio
 * near the thread count needs that many idle cores.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { compare } from './harness.mjs';
import { indices, maxRelDiff, values } from './lcg.mjs';
import { loadErlangen } from './libs.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const quick = flag('--quick');
const full = flag('--full');
const threads = Number(option('--threads', '2'));
const only = option('--only', null);
const budgetMs = Number(option('--budget', quick ? '0.6' : '2')) * 1000;
const opts = { warmupRuns: 2, minRuns: quick ? 3 : 7, maxRuns: quick ? 10 : 40, budgetMs };
if (!Number.isInteger(threads) || threads < 2)
  throw new Error(`--threads expects an integer ≥ 2, got ${threads}`);

const E = await loadErlangen();
const one = E.createWasmBackend({ threads: 1 });
const many = E.createWasmBackend({ threads });
if (!(one instanceof E.WasmBackend) || !(many instanceof E.WasmBackend) || many.threads !== threads) {
  throw new Error('this engine runs no threaded wasm backend (no SIMD or no shared memory)');
}
await many.whenThreadsReady();
const ONE = 'wasm-1-thread';
const MANY = `wasm-${threads}-threads`;
E.registerBackend(ONE, () => one);
E.registerBackend(MANY, () => many);
await E.setBackend(ONE);

/** The same values as a tensor on each side. */
function input(v, shape, dtype = 'float32') {
  const t = E.tensor(v, shape, dtype);
  return { one: t.to(ONE), many: t.to(MANY) };
}
/** One timed run: build the result from `side`'s inputs, read it, free it. */
const timed = (make, side) => () => {
  const y = make(side);
  const v = Array.isArray(y) ? y.map((t) => t.dataSync()) : y.dataSync();
  for (const t of Array.isArray(y) ? y : [y]) t.dispose();
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Calibration: the speed-up that `threads` fully independent workers get over one on this machine
 * right now (median of 5), the ceiling for every row: near `threads` on idle cores, near 1 when
 * other processes hold them. Two probes: an integer loop (latency-bound), and a single-threaded
 * Erlangen wasm GEMM 128³ in each worker (L2-resident, SIMD-throughput-bound: it does not scale
 * on two hyperthreads of one core even when the integer loop does).
 */
async function calibrate() {
  const dist = new URL('../dist/index.js', import.meta.url).href;
  const code = `const { parentPort } = require('node:worker_threads');
  let gemm = null;
  parentPort.on('message', async ({ kind, n }) => {
    let s = 1;
    if (kind === 'int') for (let i = 0; i < n; i++) s = (Math.imul(s, 1664525) + 1013904223) | 0;
    else {
      if (!gemm) {
        const E = await import(${JSON.stringify(dist)});
        const b = E.createWasmBackend({ threads: 1 });
        const x = { id: b.upload(new Float32Array(128 * 128).fill(0.5), 'float32'), shape: [128, 128], dtype: 'float32' };
        const g = { batch: 1, batchA: 1, batchB: 1, m: 128, k: 128, n: 128, transA: false, transB: false };
        gemm = () => b.release(b.matmul(x, x, g));
      }
      for (let i = 0; i < n; i++) gemm();
    }
    parentPort.postMessage(s);
  });`;
  const workers = Array.from({ length: threads }, () => new Worker(code, { eval: true }));
  const run = (w, kind, n) =>
    new Promise((resolve) => {
      w.once('message', resolve);
      w.postMessage({ kind, n });
    });
  const time = async (ws, kind, n) => {
    const t0 = performance.now();
    await Promise.all(ws.map((w) => run(w, kind, n)));
    return performance.now() - t0;
  };
  const probe = async (kind, n) => {
    await time(workers, kind, n / 10);
    const ratios = [];
    for (let i = 0; i < 5; i++) {
      ratios.push((threads * (await time(workers.slice(0, 1), kind, n))) / (await time(workers, kind, n)));
    }
    return ratios.sort((a, b) => a - b)[2];
  };
  const result = { int: await probe('int', 1e8), gemm: await probe('gemm', 400) };
  for (const w of workers) await w.terminate();
  return result;
}
const fmtCalibration = (c) =>
  `integer loop ×${c.int.toFixed(2)}, independent wasm GEMMs ×${c.gemm.toFixed(2)}`;
const before = await calibrate();
console.error(`calibration before (1 → ${threads} independent workers): ${fmtCalibration(before)}`);

const rows = [];
function row(group, id, description, work, make) {
  if (only && only !== group) return;
  const impls = { [ONE]: timed(make, 'one'), [MANY]: timed(make, 'many') };
  const diff = maxRelDiff(impls[MANY](), impls[ONE]());
  const stats = compare(impls, opts);
  const r = { id, description, ...work, diff, one: stats[ONE].medianMs, many: stats[MANY].medianMs };
  rows.push(r);
  console.error(
    `${id}: 1 thread ${r.one.toFixed(2)} ms, ${threads} threads ${r.many.toFixed(2)} ms, ×${(r.one / r.many).toFixed(2)}` +
      `  (max rel diff ${diff.toExponential(1)})`,
  );
  if (!(diff < 1e-4)) console.error(`  WARNING: outputs disagree (max relative difference ${diff})`);
}

for (const n of [256, 512, 1024]) {
  if (only && only !== 'matmul') break;
  const a = input(values(n * n, 1), [n, n]);
  const b = input(values(n * n, 2), [n, n]);
  row('matmul', `matmul-${n}`, `[${n}, ${n}] @ [${n}, ${n}]`, { flops: 2 * n ** 3 }, (s) =>
    a[s].matmul(b[s]),
  );
}

if (!only || only === 'conv2d') {
  const [N, C, H, W, O, K] = [16, 32, 28, 28, 32, 3];
  const x = input(values(N * C * H * W, 3), [N, C, H, W]);
  const w = input(values(O * C * K * K, 4), [O, C, K, K]);
  const flops = 2 * N * O * H * W * C * K * K;
  const desc = `x [${N}, ${C}, ${H}, ${W}], w [${O}, ${C}, ${K}, ${K}], pad 1`;
  row('conv2d', 'conv2d', desc, { flops }, (s) => E.conv2d(x[s], w[s], null, { padding: 1 }));
  const grad = E.grad((p, q) => E.conv2d(p, q, null, { padding: 1 }).sum());
  row('conv2d', 'conv2d-backward', `${desc}; forward + grad-input + grad-filter`, { flops: 3 * flops }, (s) =>
    grad(x[s], w[s]),
  );
}

if (!only || only === 'elementwise') {
  const n = 1_000_000;
  const a = input(values(n, 5), [n]);
  const b = input(values(n, 6), [n]);
  row('elementwise', 'add-1e6', `[${n}] + [${n}]`, { bytes: 12 * n }, (s) => a[s].add(b[s]));
}

if (!only || only === 'scatter') {
  const [edges, nodes, features] = [full ? 1_000_000 : 200_000, full ? 100_000 : 20_000, 64];
  const src = input(values(edges * features, 7), [edges, features]);
  const index = input(indices(edges, nodes, 8), [edges], 'int32');
  row(
    'scatter',
    `indexAdd-${edges}x${features}`,
    `${edges} edges × ${features} features into ${nodes} nodes`,
    { bytes: 4 * (edges * features + edges + 2 * nodes * features) },
    (s) => E.indexAdd(src[s], 0, index[s], nodes),
  );
}

const after = await calibrate();
console.error(`calibration after: ${fmtCalibration(after)}`);

const rate = (r, ms) =>
  r.flops ? `${(r.flops / ms / 1e6).toFixed(1)} GFLOP/s` : `${(r.bytes / ms / 1e6).toFixed(1)} GB/s`;
console.log(
  `\nErlangen wasm, 1 vs ${threads} threads (${many.relaxedSimd ? 'relaxed SIMD' : 'SIMD'}), Node ${process.versions.node}, ` +
    `${availableParallelism()} cores, median of interleaved runs.\nCalibration, the ceiling for every row (1 → ${threads} ` +
    `fully independent workers): before the rows ${fmtCalibration(before)}; after ${fmtCalibration(after)}\n`,
);
console.log(`| row | shape | 1 thread | ${threads} threads | speed-up |`);
console.log('|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.id} | ${r.description} | ${r.one.toFixed(2)} ms (${rate(r, r.one)}) | ${r.many.toFixed(2)} ms (${rate(r, r.many)}) | ×${(r.one / r.many).toFixed(2)} |`,
  );
}
many.dispose();
