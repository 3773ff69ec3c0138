#!/usr/bin/env node
/**
 * Erlangen's 'wasm' backend (AssemblyScript SIMD kernels) vs tfjs-backend-wasm (XNNPACK, SIMD,
 * single thread) vs Erlangen's TypeScript kernels ('cpu' backend), in one process, float32.
 *
 *   cd packages/core && npx tsup && node bench/wasm.mjs [--quick] [--rows matmul,scatter] [--budget S]
 *   npm run bench -- --backend wasm [same options]            (from the repository root)
 *
 * Each timed run computes and reads the result back (dataSync) inside the clock; the three
 * implementations are interleaved run by run (ABBA, harness.mjs), and the median per-run time is
 * reported with the GFLOP/s (compute-bound rows) or GB/s (memory-bound rows) it implies. Only
 * ratios are meaningful on a noisy machine. Writes results/wasm-<ISO time>.json and
 * results/latest-wasm.json unless --no-write.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { compare } from './harness.mjs';
import { indices, maxRelDiff, values } from './lcg.mjs';
import { loadErlangen } from './libs.mjs';
import { writeResults } from './report.mjs';

const GROUPS = ['matmul', 'conv2d', 'scatter', 'elementwise', 'reduce'];
const USAGE = `usage: node bench/wasm.mjs [options]
  --quick            fewer runs (smoke test of the benchmark itself)
  --rows LIST        comma-separated groups or row ids: ${GROUPS.join(', ')}, e.g. matmul-512
  --budget SECONDS   measured time per implementation per row (default 2, quick 0.6)
  --threads N        threads for Erlangen wasm and tfjs-wasm alike (default 1: issue #3's single-thread table)
  --no-write         print only; do not write bench/results
  --backend wasm     accepted (how \`npm run bench -- --backend wasm\` reaches this script)`;

const { values: cli } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rows: { type: 'string' },
    only: { type: 'string' }, // the old name of --rows
    budget: { type: 'string' },
    threads: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'wasm' },
    'no-write': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (cli.help) {
  console.log(USAGE);
  process.exit(0);
}
const quick = cli.quick;
const threadCount = Number(cli.threads);
if (!(Number.isInteger(threadCount) && threadCount >= 1)) {
  throw new Error(`--threads expects a positive integer, got ${cli.threads}`);
}
const budgetMs = (cli.budget === undefined ? (quick ? 0.6 : 2) : Number(cli.budget)) * 1000;
if (!(budgetMs > 0)) throw new Error(`--budget expects a positive number of seconds, got ${cli.budget}`);
const filter = (cli.rows ?? cli.only ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const wanted = (group, id) => filter.length === 0 || filter.some((t) => t === group || t === id);
const opts = { warmupRuns: 2, minRuns: quick ? 3 : 7, maxRuns: quick ? 10 : 40, budgetMs };

async function loadTfjsWasm() {
  const warn = console.warn;
  console.warn = () => {}; // the "install tfjs-node" banner
  try {
    const tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // The same thread count as Erlangen's backend (1 by default: the single-threaded comparison).
    wasm.setThreadsCount?.(threadCount);
    await tf.setBackend('wasm');
    await tf.ready();
    tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)).dataSync());
    return {
      tf,
      threads: wasm.getThreadsCount?.() ?? 1,
      simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    };
  } finally {
    console.warn = warn;
  }
}

const E = await loadErlangen();
// The third column is Erlangen's pure TypeScript kernels: where the 'cpu' backend can run the
// WebAssembly kernels itself (registerCpuBackend), ask it for TypeScript before any tensor exists.
E.registerCpuBackend?.({ kernels: 'typescript' });
E.registerWasmBackend({ threads: threadCount });
await E.setBackend('wasm');
/** The backend instance (getBackend() gives its name), to report which kernel build it picked. */
const backend = E.tensor([0]).backend;
const { tf, threads, simd } = await loadTfjsWasm();

/**
 * One timed run: `make()` (returning an Erlangen or tfjs tensor) inside a tidy scope that frees its
 * intermediates (composite ops such as softmax make several), the result read inside the scope.
 * Without the scope, Erlangen's intermediates wait for finalizers that never run inside a
 * synchronous loop, and every run writes to fresh memory.
 */
const runE = (make) => () => {
  let v;
  E.tidy(() => {
    v = make().dataSync();
  });
  return v;
};
const runT = (make) => () => {
  let v;
  tf.tidy(() => {
    v = make().dataSync();
  });
  return v;
};

const rows = [];

/**
 * One row: `impls` maps 'wasm' / 'tfjs-wasm' / 'cpu' to zero-argument timed runs; `check()` gives
 * the max relative difference of Erlangen wasm's output against the reference (tfjs-wasm where it
 * has the op, else Erlangen cpu). `work` is { flops } or { bytes }.
 */
function row(group, id, description, work, impls, check) {
  if (!wanted(group, id)) return;
  const diff = check();
  const stats = compare(impls, opts);
  const r = { id, group, description, ...work, maxRelDiff: diff };
  for (const [name, s] of Object.entries(stats)) r[name] = s;
  r.ratioTfjsWasm = r['tfjs-wasm'] ? r['tfjs-wasm'].medianMs / r.wasm.medianMs : null;
  r.ratioCpu = r.cpu.medianMs / r.wasm.medianMs;
  rows.push(r);
  console.error(
    `${id}: wasm ${cell(r, r.wasm)}, tfjs-wasm ${cell(r, r['tfjs-wasm'])}, cpu ${cell(r, r.cpu)}` +
      (r.ratioTfjsWasm === null ? '' : `  ×${r.ratioTfjsWasm.toFixed(2)} vs tfjs-wasm`) +
      `  (max rel diff ${diff.toExponential(1)})`,
  );
  if (!(diff < 1e-3)) console.error(`  WARNING: outputs disagree (max relative difference ${diff})`);
}

function cell(r, s) {
  if (s === undefined) return '—';
  const ms = s.medianMs;
  const rate = r.flops
    ? `${(r.flops / ms / 1e6).toFixed(1)} GFLOP/s`
    : `${(r.bytes / ms / 1e6).toFixed(1)} GB/s`;
  return `${ms.toFixed(2)} ms (${rate})`;
}

/** An input on Erlangen wasm, Erlangen cpu and tfjs-wasm with the same values. */
function input(v, shape, dtype = 'float32') {
  const e = E.tensor(v, shape, dtype);
  return { e, c: e.to('cpu'), t: tf.tensor(v, shape, dtype) };
}

// ---- GEMM

for (const n of [256, 512, 1024]) {
  if (!wanted('matmul', `matmul-${n}`)) continue;
  const a = input(values(n * n, 1), [n, n]);
  const b = input(values(n * n, 2), [n, n]);
  const impls = {
    wasm: runE(() => a.e.matmul(b.e)),
    'tfjs-wasm': runT(() => tf.matMul(a.t, b.t)),
    cpu: runE(() => a.c.matmul(b.c)),
  };
  row('matmul', `matmul-${n}`, `[${n}, ${n}] @ [${n}, ${n}]`, { flops: 2 * n ** 3 }, impls, () =>
    maxRelDiff(impls.wasm(), impls['tfjs-wasm']()),
  );
}

// ---- conv2d: x [16, 32, 28, 28] (NCHW; tfjs NHWC), w [32, 32, 3, 3] (OIHW; tfjs HWIO), stride 1, pad 1

if (wanted('conv2d', 'conv2d') || wanted('conv2d', 'conv2d-backward')) {
  const [N, C, H, W, O, K] = [16, 32, 28, 28, 32, 3];
  const x = input(values(N * C * H * W, 3), [N, C, H, W]);
  const w = input(values(O * C * K * K, 4), [O, C, K, K]);
  const xt = tf.transpose(x.t, [0, 2, 3, 1]);
  const wt = tf.transpose(w.t, [2, 3, 1, 0]);
  const flops = 2 * N * O * H * W * C * K * K;
  const desc = `x [${N}, ${C}, ${H}, ${W}], w [${O}, ${C}, ${K}, ${K}], pad 1`;
  const impls = {
    wasm: runE(() => E.conv2d(x.e, w.e, null, { padding: 1 })),
    'tfjs-wasm': runT(() => tf.conv2d(xt, wt, 1, 'same')),
    cpu: runE(() => E.conv2d(x.c, w.c, null, { padding: 1 })),
  };
  row('conv2d', 'conv2d', desc, { flops }, impls, () => {
    const yt = tf.transpose(tf.conv2d(xt, wt, 1, 'same'), [0, 3, 1, 2]);
    const d = maxRelDiff(impls.wasm(), yt.dataSync());
    yt.dispose();
    return d;
  });

  // Backward (grad-input + grad-filter of sum(conv2d)), forward included: 3× the forward FLOPs.
  // Erlangen only: tfjs-backend-wasm has no Conv2DBackpropFilter kernel.
  const runG = (xx, ww) => {
    const g = E.grad((p, q) => E.conv2d(p, q, null, { padding: 1 }).sum());
    return () => {
      let v;
      E.tidy(() => {
        const [dx, dw] = g(xx, ww);
        v = dx.dataSync();
        dw.dataSync();
      });
      return v;
    };
  };
  const gw = runG(x.e, w.e);
  const gc = runG(x.c, w.c);
  row(
    'conv2d',
    'conv2d-backward',
    `d sum(conv2d) / d(x, w), forward included; ${desc}`,
    { flops: 3 * flops },
    { wasm: gw, cpu: gc },
    () => maxRelDiff(gw(), gc()),
  );
}

// ---- message passing: 10⁶ edges × 64 features onto 10⁵ nodes (random edges)

if (wanted('scatter', 'scatter-add') || wanted('scatter', 'gather')) {
  const [edges, nodes, F] = [1_000_000, 100_000, 64];
  const idx = indices(edges, nodes, 7);
  const index = input(idx, [edges], 'int32');
  // tfjs-wasm has no UnsortedSegmentSum kernel; ScatterNd with [edges, 1] indices sums duplicates.
  const idxT = tf.tensor2d(idx, [edges, 1], 'int32');
  if (wanted('scatter', 'scatter-add')) {
    const src = input(values(edges * F, 8), [edges, F]);
    const impls = {
      wasm: runE(() => E.scatterAdd(src.e, index.e, 0, nodes)),
      'tfjs-wasm': runT(() => tf.scatterND(idxT, src.t, [nodes, F])),
      cpu: runE(() => E.scatterAdd(src.c, index.c, 0, nodes)),
    };
    row(
      'scatter',
      'scatter-add',
      `scatterAdd(src [${edges}, ${F}], index [${edges}] → [${nodes}, ${F}]); tfjs scatterND`,
      { bytes: (edges * F + edges + nodes * F) * 4 },
      impls,
      () => maxRelDiff(impls.wasm(), impls['tfjs-wasm']()),
    );
    for (const t of [src.e, src.c, src.t]) t.dispose();
  }
  if (wanted('scatter', 'gather')) {
    const x = input(values(nodes * F, 9), [nodes, F]);
    const impls = {
      wasm: runE(() => E.indexSelect(x.e, 0, index.e)),
      'tfjs-wasm': runT(() => tf.gather(x.t, index.t, 0)),
      cpu: runE(() => E.indexSelect(x.c, 0, index.c)),
    };
    row(
      'scatter',
      'gather',
      `indexSelect(x [${nodes}, ${F}], 0, index [${edges}]) → [${edges}, ${F}]; tfjs gather`,
      { bytes: (2 * edges * F + edges) * 4 },
      impls,
      () => maxRelDiff(impls.wasm(), impls['tfjs-wasm']()),
    );
  }
}

// ---- elementwise and reductions over 10⁶ floats: memory-bound, so GB/s (bytes read + written)

{
  const M = 1000;
  const a = input(values(M * M, 5), [M, M]);
  const b = input(values(M * M, 6), [M, M]);
  const r = input(values(M, 7), [M]);
  const cases = [
    [
      'elementwise',
      'add',
      `[${M}, ${M}] + [${M}, ${M}]`,
      3 * M * M,
      (p, q) => p.add(q),
      (p, q) => tf.add(p, q),
      [a, b],
    ],
    [
      'elementwise',
      'mul-broadcast',
      `[${M}, ${M}] · [${M}]`,
      2 * M * M + M,
      (p, q) => p.mul(q),
      (p, q) => tf.mul(p, q),
      [a, r],
    ],
    ['elementwise', 'relu', `relu([${M}, ${M}])`, 2 * M * M, (p) => p.relu(), (p) => tf.relu(p), [a]],
    ['elementwise', 'exp', `exp([${M}, ${M}])`, 2 * M * M, (p) => p.exp(), (p) => tf.exp(p), [a]],
    [
      'elementwise',
      'sigmoid',
      `sigmoid([${M}, ${M}])`,
      2 * M * M,
      (p) => p.sigmoid(),
      (p) => tf.sigmoid(p),
      [a],
    ],
    [
      'reduce',
      'sum-last-axis',
      `sum([${M}, ${M}], -1)`,
      M * M + M,
      (p) => p.sum(-1),
      (p) => tf.sum(p, -1),
      [a],
    ],
    [
      'reduce',
      'sum-first-axis',
      `sum([${M}, ${M}], 0)`,
      M * M + M,
      (p) => p.sum(0),
      (p) => tf.sum(p, 0),
      [a],
    ],
    [
      'reduce',
      'max-last-axis',
      `max([${M}, ${M}], -1)`,
      M * M + M,
      (p) => p.max(-1),
      (p) => tf.max(p, -1),
      [a],
    ],
    [
      'reduce',
      'softmax',
      `softmax([${M}, ${M}], -1)`,
      2 * M * M,
      (p) => E.softmax(p, -1),
      (p) => tf.softmax(p, -1),
      [a],
    ],
  ];
  for (const [group, id, desc, floats, fe, ft, args] of cases) {
    const impls = {
      wasm: runE(() => fe(...args.map((x) => x.e))),
      'tfjs-wasm': runT(() => ft(...args.map((x) => x.t))),
      cpu: runE(() => fe(...args.map((x) => x.c))),
    };
    row(group, id, desc, { bytes: floats * 4 }, impls, () => maxRelDiff(impls.wasm(), impls['tfjs-wasm']()));
  }
}

const kernels = backend.relaxedSimd ? 'relaxed SIMD (FMA)' : 'SIMD';
console.log(
  `\nfloat32, ${threadCount} thread(s); erlangen wasm kernels: ${kernels}; tfjs-backend-wasm ${tf.version_core} ` +
    `(XNNPACK, SIMD ${simd}, threads ${threads}); node ${process.version}; median ms (GFLOP/s or GB/s)\n`,
);
console.log(
  '| row | erlangen wasm | tfjs-wasm | erlangen cpu | wasm / tfjs-wasm | wasm / cpu | max rel diff |',
);
console.log('|---|--:|--:|--:|--:|--:|--:|');
for (const r of rows) {
  const vsT = r.ratioTfjsWasm === null ? '—' : `${r.ratioTfjsWasm.toFixed(2)}×`;
  console.log(
    `| ${r.id} | ${cell(r, r.wasm)} | ${cell(r, r['tfjs-wasm'])} | ${cell(r, r.cpu)} | ${vsT} | ${r.ratioCpu.toFixed(1)}× | ${r.maxRelDiff.toExponential(1)} |`,
  );
}
console.log('\nratio = other median / erlangen wasm median (> 1: erlangen wasm faster).');

if (!cli['no-write']) {
  const cpus = os.cpus();
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const report = {
    date: new Date().toISOString(),
    versions: {
      erlangen: require('../package.json').version,
      tfjsCore: tf.version_core,
      tfjsBackendWasm: require('@tensorflow/tfjs-backend-wasm/package.json').version,
    },
    erlangenKernels: kernels,
    threads: threadCount,
    tfjsWasm: { simd, threads },
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: { count: cpus.length, model: cpus[0]?.model ?? null },
    options: { quick, timing: opts },
    rows,
  };
  const path = await writeResults(new URL('./results/', import.meta.url), report, 'wasm');
  console.log(`wrote ${path.pathname} and latest-wasm.json`);
}
