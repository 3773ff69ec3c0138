#!/usr/bin/env node
/**
 * Graph benchmarks, Erlangen (built packages, cpu or wasm backend) against TensorFlow.js's CPU
 * backend in the same process, interleaved run by run (core's bench harness):
 *
 *   npx tsup && node bench/run.mjs [--quick] [--backend cpu|wasm]
 *
 * Rows: scatter-add (Erlangen indexAdd vs tf.scatterND, which sums duplicate indices; tfjs-cpu's
 * unsortedSegmentSum is O(edges × segments), unusable at this size) at 10⁶ and 10⁷ edges, reported as
 * edges/s; the forward pass of the 2-layer GCN on Cora (sparse bag-of-words input as a gather +
 * segment sum in both libraries); and one GCN training epoch on Cora (Erlangen only: tfjs-core's
 * Node bundle ships without gradient definitions, see core/bench/libs.mjs). ratio = tfjs time /
 * Erlangen time (> 1: Erlangen faster). On a noisy shared machine, trust ratios, not times.
 */
import { parseArgs } from 'node:util';
import { compare } from '../../core/bench/harness.mjs';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    backend: { type: 'string', default: 'cpu' },
    'no-scatter': { type: 'boolean', default: false },
  },
});
const timing = values.quick
  ? { warmupRuns: 1, minRuns: 3, maxRuns: 10, budgetMs: 300 }
  : { warmupRuns: 2, minRuns: 7, maxRuns: 60, budgetMs: 2000 };

const E = await import('../../core/dist/index.js');
const G = await import('../dist/index.js');
if (values.backend === 'wasm') {
  E.registerWasmBackend();
  await E.setBackend('wasm');
} else if (values.backend === 'webgpu') {
  E.registerWebGPUBackend();
  await E.setBackend('webgpu');
  await webgpuRows();
  process.exit(0);
} else if (values.backend !== 'cpu') throw new Error(`--backend cpu|wasm|webgpu, not ${values.backend}`);

/**
 * webgpu: reads are asynchronous, so these rows time loops that end in `await t.data()` (no peer:
 * tfjs' webgpu backend would need its own harness). Median of per-iteration times.
 */
async function webgpuRows() {
  const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
  const timeAsync = async (fn, runs) => {
    for (let i = 0; i < 2; i++) await fn();
    const ms = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await fn();
      ms.push(performance.now() - t0);
    }
    return median(ms);
  };
  const runs = values.quick ? 3 : 10;
  for (const [edges, width] of [
    [1_000_000, 16],
    [10_000_000, 1],
  ]) {
    const nodes = Math.floor(edges / 10);
    const idx = new Int32Array(edges);
    for (let e = 0; e < edges; e++) idx[e] = ((e * 2654435761) % nodes) >>> 0;
    const eIdx = E.tensor(idx, [edges], 'int32');
    const eSrc = E.rand([edges, width]);
    const ms = await timeAsync(async () => {
      const out = E.indexAdd(eSrc, 0, eIdx, nodes);
      await out.data();
      out.dispose();
    }, runs);
    console.log(
      JSON.stringify({
        name: `scatter-add ${edges.toExponential(0)} edges × ${width} (webgpu)`,
        erlangenMs: ms,
        erlangenEdgesPerS: edges / (ms / 1000),
      }),
    );
    eIdx.dispose();
    eSrc.dispose();
  }
  E.manualSeed(0);
  const cora = G.loadCora({ normalizeFeatures: true, dense: false });
  const conv1 = new G.GCNConv(cora.numFeatures, 16, { cached: true });
  const conv2 = new G.GCNConv(16, cora.numClasses, { cached: true });
  const optimizer = new E.optim.Adam(
    [
      { params: conv1.parameters(), weightDecay: 5e-4 },
      { params: conv2.parameters(), weightDecay: 0 },
    ],
    { lr: 0.01 },
  );
  const train = E.tensor(cora.split.train, [cora.split.train.length], 'int32');
  const yTrain = cora.graph.y.indexSelect(0, train);
  const ms = await timeAsync(async () => {
    const loss = E.tidy(() => {
      optimizer.zeroGrad();
      const h = conv1.forward(G.sparseDropout(cora.features, 0.5, true), cora.graph).relu();
      const out = conv2.forward(E.nn.functional.dropout(h, 0.5, true), cora.graph);
      const l = E.nn.functional.crossEntropy(out.indexSelect(0, train), yTrain);
      l.backward();
      optimizer.step();
      return l;
    });
    await loss.data();
    loss.dispose();
  }, runs);
  console.log(JSON.stringify({ name: 'GCN Cora training epoch (webgpu)', erlangenMs: ms }));
}
const warn = console.warn;
console.warn = () => {};
const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-cpu');
await tf.setBackend('cpu');
await tf.ready();
tf.tidy(() => tf.add(1, 1).dataSync());
console.warn = warn;

const rows = [];
function row(name, impls, unit) {
  const r = compare(impls, timing);
  const out = {
    name,
    erlangenMs: r.erlangen.medianMs,
    tfjsMs: r.tfjs?.medianMs,
    ratio: r.tfjs ? r.tfjs.medianMs / r.erlangen.medianMs : null,
  };
  if (unit) Object.assign(out, unit(r));
  rows.push(out);
  console.log(JSON.stringify(out));
}

// --- scatter-add throughput
for (const [edges, width] of values['no-scatter']
  ? []
  : [
      [1_000_000, 16],
      [10_000_000, 1],
    ]) {
  const nodes = Math.floor(edges / 10);
  const idx = new Int32Array(edges);
  for (let e = 0; e < edges; e++) idx[e] = ((e * 2654435761) % nodes) >>> 0;
  const vals = new Float32Array(edges * width).map((_, i) => (i % 97) / 97);
  const eIdx = E.tensor(idx, [edges], 'int32');
  const eSrc = E.tensor(vals, [edges, width]);
  const tIdx2d = tf.tensor2d(idx, [edges, 1], 'int32');
  const tSrc = tf.tensor2d(vals, [edges, width]);
  row(
    `scatter-add ${edges.toExponential(0)} edges × ${width}`,
    {
      erlangen: () => E.tidy(() => E.indexAdd(eSrc, 0, eIdx, nodes).dataSync()),
      tfjs: () => tf.tidy(() => tf.scatterND(tIdx2d, tSrc, [nodes, width]).dataSync()),
    },
    (r) => ({
      erlangenEdgesPerS: edges / (r.erlangen.medianMs / 1000),
      tfjsEdgesPerS: edges / (r.tfjs.medianMs / 1000),
    }),
  );
  eIdx.dispose();
  eSrc.dispose();
  tIdx2d.dispose();
  tSrc.dispose();
}

// --- GCN on Cora
E.manualSeed(0);
const cora = G.loadCora({ normalizeFeatures: true, dense: false });
const x = cora.features;
const graph = cora.graph;
const conv1 = new G.GCNConv(cora.numFeatures, 16, { cached: true });
const conv2 = new G.GCNConv(16, cora.numClasses, { cached: true });
const forward = (training) => {
  const h = conv1.forward(G.sparseDropout(x, 0.5, training), graph).relu();
  return conv2.forward(E.nn.functional.dropout(h, 0.5, training), graph);
};
// The same propagation in tfjs: normalised edges (with self-loops) from our gcnNorm, feature rows as
// a gather + segment sum, the same weights.
const norm = G.gcnNorm(graph);
const nnz = x.nnz;
const tf2 = {
  rows2d: tf.tensor2d(x.rows.dataSync(), [nnz, 1], 'int32'),
  cols: tf.tensor1d(x.cols.dataSync(), 'int32'),
  vals: tf.tensor2d(x.values.dataSync(), [nnz, 1]),
  src: tf.tensor1d(norm.src, 'int32'),
  dst2d: tf.tensor2d(norm.dst, [norm.numEdges, 1], 'int32'),
  w: tf.tensor2d(norm.edgeWeight.dataSync(), [norm.numEdges, 1]),
  w1: tf.tensor2d(conv1.lin.weight.dataSync(), [16, cora.numFeatures]),
  w2: tf.tensor2d(conv2.lin.weight.dataSync(), [cora.numClasses, 16]),
};
const n = graph.numNodes;
const segmentSum = (values, index2d, rows) => tf.scatterND(index2d, values, [rows, values.shape[1]]);
const tfProp = (h) => segmentSum(tf.mul(tf.gather(h, tf2.src), tf2.w), tf2.dst2d, n);
const tfForward = () =>
  tf.tidy(() => {
    const xw = segmentSum(tf.mul(tf.gather(tf.transpose(tf2.w1), tf2.cols), tf2.vals), tf2.rows2d, n);
    const h = tf.relu(tfProp(xw));
    return tfProp(tf.matMul(h, tf2.w2, false, true)).dataSync();
  });
const ours = E.noGrad(() => forward(false).dataSync());
const theirs = tfForward();
let maxDiff = 0;
for (let i = 0; i < ours.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i] - theirs[i]));
console.log(`GCN forward parity with tfjs: max |Δ| = ${maxDiff.toExponential(2)}`);
row('GCN Cora forward (inference)', {
  erlangen: () => E.noGrad(() => E.tidy(() => forward(false).dataSync())),
  tfjs: tfForward,
});
// tfjs' segment sums (scatterND) are its slow path; the other way a tfjs user writes GCN is dense:
// X [N, 1433]·W and a normalised adjacency Â [N, N] times the features (dense matmuls).
const adjacency = new Float32Array(n * n);
const normValues = norm.edgeWeight.dataSync();
for (let e = 0; e < norm.numEdges; e++) adjacency[norm.dst[e] * n + norm.src[e]] += normValues[e];
const tfA = tf.tensor2d(adjacency, [n, n]);
const tfX = tf.tensor2d(x.toDense().dataSync(), [n, cora.numFeatures]);
const tfDenseForward = () =>
  tf.tidy(() => {
    const xw = tf.matMul(tfX, tf2.w1, false, true);
    const h = tf.relu(tf.matMul(tfA, xw));
    return tf.matMul(tfA, tf.matMul(h, tf2.w2, false, true)).dataSync();
  });
row('GCN Cora forward, tfjs with a dense adjacency', {
  erlangen: () => E.noGrad(() => E.tidy(() => forward(false).dataSync())),
  tfjs: tfDenseForward,
});

const optimizer = new E.optim.Adam(
  [
    { params: conv1.parameters(), weightDecay: 5e-4 },
    { params: conv2.parameters(), weightDecay: 0 },
  ],
  { lr: 0.01 },
);
const train = E.tensor(cora.split.train, [cora.split.train.length], 'int32');
const yTrain = graph.y.indexSelect(0, train);
row('GCN Cora training epoch', {
  erlangen: () =>
    E.tidy(() => {
      optimizer.zeroGrad();
      const loss = E.nn.functional.crossEntropy(forward(true).indexSelect(0, train), yTrain);
      loss.backward();
      optimizer.step();
      return loss.item();
    }),
});
console.log(`backend ${E.getBackend()}; ${new Date().toISOString()}`);
