/**
 * Erlangen's 'wasm' backend (AssemblyScript SIMD kernels) vs tfjs-backend-wasm (XNNPACK, SIMD,
 * single thread) vs Erlangen's 'cpu' backend (TypeScript), in one process, float32.
 *
 *   cd packages/core && npx tsup && node bench/wasm.mjs [--quick] [--budget SECONDS] [--only matmul|conv2d|elementwise]
 *
 * Each timed run computes and reads the result back (dataSync) inside the clock; runs of the three
 * implementations are interleaved (harness.mjs), and the median per-run time is reported with the
 * GFLOP/s it implies. Only ratios are meaningful on a noisy machine.
 */
import { compare } from './harness.mjs';
import { loadErlangen } from './libs.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const budgetArg = args.indexOf('--budget');
const budgetMs = budgetArg >= 0 ? Number(args[budgetArg + 1]) * 1000 : quick ? 600 : 2000;
// --only matmul|conv2d|elementwise: one group of rows.
const onlyArg = args.indexOf('--only');
const only = onlyArg >= 0 ? args[onlyArg + 1] : null;
const opts = { warmupRuns: 2, minRuns: quick ? 3 : 7, maxRuns: quick ? 10 : 40, budgetMs };

async function loadTfjsWasm() {
  const warn = console.warn;
  console.warn = () => {}; // the "install tfjs-node" banner
  try {
    const tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // One thread, like Erlangen's backend at this stage (threads are issue #3's next step).
    wasm.setThreadsCount?.(1);
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
E.registerWasmBackend();
await E.setBackend('wasm');
const { tf, threads, simd } = await loadTfjsWasm();

function values(n, seed) {
  let s = seed;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function maxRelDiff(a, b) {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / (den || 1);
}

const rows = [];

function row(id, flops, impls, check) {
  const diff = check();
  const stats = compare(impls, opts);
  const r = { id, flops, diff };
  for (const [name, s] of Object.entries(stats)) r[name] = s.medianMs;
  rows.push(r);
  const fmt = (ms) => (ms === undefined ? '—' : `${ms.toFixed(2)} ms (${(flops / ms / 1e6).toFixed(1)})`);
  console.error(`${id}: wasm ${fmt(r.wasm)}, tfjs-wasm ${fmt(r['tfjs-wasm'])}, cpu ${fmt(r.cpu)}`);
}

for (const n of only === null || only === 'matmul' ? [256, 512, 1024] : []) {
  const av = values(n * n, 1);
  const bv = values(n * n, 2);
  const ew = E.tensor(av, [n, n]);
  const fw = E.tensor(bv, [n, n]);
  const ec = ew.to('cpu');
  const fc = fw.to('cpu');
  const at = tf.tensor2d(av, [n, n]);
  const bt = tf.tensor2d(bv, [n, n]);
  const runE = (a, b) => () => {
    const y = a.matmul(b);
    const v = y.dataSync();
    y.dispose();
    return v;
  };
  const runT = () => {
    const y = tf.matMul(at, bt);
    const v = y.dataSync();
    y.dispose();
    return v;
  };
  row(`matmul ${n}³`, 2 * n ** 3, { wasm: runE(ew, fw), 'tfjs-wasm': runT, cpu: runE(ec, fc) }, () =>
    maxRelDiff(runE(ew, fw)(), runT()),
  );
}

if (only === null || only === 'conv2d') {
  // conv2d: x [16, 32, 28, 28] (NCHW; tfjs NHWC), w [32, 32, 3, 3] (OIHW; tfjs HWIO), stride 1, pad 1.
  const [N, C, H, W, O, K] = [16, 32, 28, 28, 32, 3];
  const xv = values(N * C * H * W, 3);
  const wv = values(O * C * K * K, 4);
  const xw = E.tensor(xv, [N, C, H, W]);
  const ww = E.tensor(wv, [O, C, K, K]);
  const xc = xw.to('cpu');
  const wc = ww.to('cpu');
  const xt = tf.transpose(tf.tensor4d(xv, [N, C, H, W]), [0, 2, 3, 1]);
  const wt = tf.transpose(tf.tensor4d(wv, [O, C, K, K]), [2, 3, 1, 0]);
  const flops = 2 * N * O * H * W * C * K * K;
  const runE = (x, w) => () => {
    const y = E.conv2d(x, w, null, { padding: 1 });
    const v = y.dataSync();
    y.dispose();
    return v;
  };
  const runT = () => {
    const y = tf.conv2d(xt, wt, 1, 'same');
    const v = y.dataSync();
    y.dispose();
    return v;
  };
  row(
    'conv2d 16×32×28×28 · 32×32×3×3',
    flops,
    { wasm: runE(xw, ww), 'tfjs-wasm': runT, cpu: runE(xc, wc) },
    () => {
      const yt = tf.transpose(tf.conv2d(xt, wt, 1, 'same'), [0, 3, 1, 2]);
      const d = maxRelDiff(runE(xw, ww)(), yt.dataSync());
      yt.dispose();
      return d;
    },
  );

  // Backward (grad-input + grad-filter of sum(conv2d)), forward included: 3× the forward FLOPs.
  // Erlangen only: tfjs-backend-wasm has no Conv2DBackpropFilter kernel.
  const runG = (x, w) => {
    const g = E.grad((a, b) => E.conv2d(a, b, null, { padding: 1 }).sum());
    return () => {
      const [dx, dw] = g(x, w);
      const v = dx.dataSync();
      dw.dataSync();
      dx.dispose();
      dw.dispose();
      return v;
    };
  };
  const gw = runG(xw, ww);
  const gc = runG(xc, wc);
  row('conv2d backward (fwd + dx + dw)', 3 * flops, { wasm: gw, cpu: gc }, () => maxRelDiff(gw(), gc()));
}

if (only === null || only === 'elementwise') {
  // Memory-bound rows: GB/s matter more than FLOP/s here (one flop per 12 bytes moved).
  const n = 1 << 20;
  const cases = [
    ['add 1M same shape', [1024, 1024], [1024, 1024]],
    ['mul 1M by trailing row', [1024, 1024], [1024]],
  ];
  for (const [id, as, bs] of cases) {
    const av = values(n, 5);
    const bv = values(
      bs.reduce((p, c) => p * c, 1),
      6,
    );
    const ew = E.tensor(av, as);
    const fw = E.tensor(bv, bs);
    const ec = ew.to('cpu');
    const fc = fw.to('cpu');
    const at = tf.tensor(av, as);
    const bt = tf.tensor(bv, bs);
    const op = id.startsWith('add') ? 'add' : 'mul';
    const runE = (a, b) => () => {
      const y = a[op](b);
      const v = y.dataSync();
      y.dispose();
      return v;
    };
    const runT = () => {
      const y = tf[op](at, bt);
      const v = y.dataSync();
      y.dispose();
      return v;
    };
    row(id, n, { wasm: runE(ew, fw), 'tfjs-wasm': runT, cpu: runE(ec, fc) }, () =>
      maxRelDiff(runE(ew, fw)(), runT()),
    );
  }
}

console.log(
  `\nfloat32, single thread; tfjs-backend-wasm ${tf.version_core} (SIMD ${simd}, threads ${threads}); median ms (GFLOP/s)\n`,
);
console.log(
  '| row | erlangen wasm | tfjs-wasm | erlangen cpu | wasm / tfjs-wasm | wasm / cpu speed-up | max rel diff |',
);
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  const cell = (ms) => (ms === undefined ? '—' : `${ms.toFixed(2)} (${(r.flops / ms / 1e6).toFixed(1)})`);
  const vsT = r['tfjs-wasm'] === undefined ? '—' : `${(r['tfjs-wasm'] / r.wasm).toFixed(2)}×`;
  console.log(
    `| ${r.id} | ${cell(r.wasm)} | ${cell(r['tfjs-wasm'])} | ${cell(r.cpu)} | ${vsT} | ${(r.cpu / r.wasm).toFixed(1)}× | ${r.diff.toExponential(1)} |`,
  );
}
