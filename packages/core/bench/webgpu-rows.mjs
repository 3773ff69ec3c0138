/**
 * Rows of the GPU benchmarks (bench/webgpu.mjs, bench/gpu/bench.mjs): one computation each, set up
 * identically in Erlangen ('webgpu') and tfjs-backend-webgpu. `flops` (compute-bound rows) or
 * `bytes` (memory-bound rows: bytes read + written by an ideal kernel) give the throughput column.
 */

// The same deterministic inputs and conv setup as the CPU benchmark (rows.mjs).
import {
  CONV_FLOPS,
  conv2dBackwardDesc,
  conv2dBackwardSetup,
  conv2dSetup,
  convDesc,
  input,
  matmulSetup,
} from './rows.mjs';
import { gpuRow, intInput } from './webgpu-lib.mjs';

const F32 = 4;

export function matmulRow(n) {
  return gpuRow(
    `matmul-${n}`,
    'matmul',
    `[${n}, ${n}] @ [${n}, ${n}]`,
    { flops: 2 * n ** 3 },
    matmulSetup(n),
  );
}

/** Batched matmul with a transposed right operand (attention scores, linear-layer backward). */
export function bmmTransBRow(batch, m, k, n) {
  return gpuRow(
    `bmm-transB-${batch}x${m}`,
    'matmul',
    `[${batch}, ${m}, ${k}] @ [${batch}, ${n}, ${k}]ᵀ`,
    { flops: 2 * batch * m * k * n },
    (E, tf) => {
      const a = input(E, tf, [batch, m, k], 11);
      const b = input(E, tf, [batch, n, k], 12);
      return {
        inputs: [a, b],
        erlangen: () => E.bmm(a.e, b.e, { transB: true }),
        tfjs: () => tf.matMul(a.t, b.t, false, true),
      };
    },
  );
}

// conv2d: the CPU benchmark's setup (rows.mjs): batch 16, 32 → 32 channels, 28 × 28, 3 × 3 kernel,
// stride 1, zero padding 1; each library in its native layout (Erlangen NCHW / OIHW, tfjs NHWC / HWIO).
export const conv2dRow = gpuRow('conv2d', 'conv2d', convDesc, { flops: CONV_FLOPS }, conv2dSetup);

export const conv2dBackwardRow = gpuRow(
  'conv2d-backward',
  'conv2d',
  conv2dBackwardDesc,
  { flops: 3 * CONV_FLOPS },
  conv2dBackwardSetup,
);

/** A device-to-device copy: Erlangen's clone of a contiguous tensor is one copyBufferToBuffer. */
export function copyRow(n) {
  return gpuRow(`copy-${n}`, 'copy', `clone([${n}])`, { bytes: 2 * n * F32 }, (E) => {
    const a = { e: E.tensor(new Float32Array(n).fill(1.5), [n]) };
    return { inputs: [a], erlangen: () => E.clone(a.e), tfjs: null };
  });
}

/** A strided copy through a compute shader (copyStrided): the transpose of a matrix. */
export function transposeRow(rows, cols) {
  return gpuRow(
    `transpose-${rows}x${cols}`,
    'copy',
    `transpose([${rows}, ${cols}])`,
    { bytes: 2 * rows * cols * F32 },
    (E, tf) => {
      const a = input(E, tf, [rows, cols], 20);
      return {
        inputs: [a],
        erlangen: () => E.transpose(a.e, 0, 1),
        tfjs: () => tf.transpose(a.t, [1, 0]),
      };
    },
  );
}

export function addRow(n) {
  return gpuRow(`add-${n}`, 'elementwise', `[${n}] + [${n}]`, { bytes: 3 * n * F32 }, (E, tf) => {
    const a = input(E, tf, [n], 5);
    const b = input(E, tf, [n], 6);
    return { inputs: [a, b], erlangen: () => E.add(a.e, b.e), tfjs: () => tf.add(a.t, b.t) };
  });
}

export function addBroadcastRow(rows, cols) {
  return gpuRow(
    `add-broadcast-${rows}x${cols}`,
    'elementwise',
    `[${rows}, ${cols}] + [${cols}]`,
    { bytes: (2 * rows * cols + cols) * F32 },
    (E, tf) => {
      const a = input(E, tf, [rows, cols], 7);
      const b = input(E, tf, [cols], 8);
      return { inputs: [a, b], erlangen: () => E.add(a.e, b.e), tfjs: () => tf.add(a.t, b.t) };
    },
  );
}

export function expRow(n) {
  return gpuRow(`exp-${n}`, 'elementwise', `exp([${n}])`, { bytes: 2 * n * F32 }, (E, tf) => {
    const a = input(E, tf, [n], 13);
    return { inputs: [a], erlangen: () => E.exp(a.e), tfjs: () => tf.exp(a.t) };
  });
}

export function sumLastAxisRow(rows, cols) {
  return gpuRow(
    `sum-rows-${rows}x${cols}`,
    'reduce',
    `sum([${rows}, ${cols}], axis -1)`,
    { bytes: (rows * cols + rows) * F32 },
    (E, tf) => {
      const a = input(E, tf, [rows, cols], 9);
      return { inputs: [a], erlangen: () => E.sum(a.e, -1), tfjs: () => tf.sum(a.t, -1) };
    },
  );
}

export function sumAllRow(n) {
  return gpuRow(`sum-all-${n}`, 'reduce', `sum([${n}])`, { bytes: n * F32 }, (E, tf) => {
    const a = input(E, tf, [n], 14);
    return { inputs: [a], erlangen: () => E.sum(a.e), tfjs: () => tf.sum(a.t) };
  });
}

export function maxColumnsRow(rows, cols) {
  return gpuRow(
    `max-cols-${rows}x${cols}`,
    'reduce',
    `max([${rows}, ${cols}], axis 0)`,
    { bytes: (rows * cols + cols) * F32 },
    (E, tf) => {
      const a = input(E, tf, [rows, cols], 15);
      return { inputs: [a], erlangen: () => E.max(a.e, 0), tfjs: () => tf.max(a.t, 0) };
    },
  );
}

export function softmaxRow(rows, cols) {
  return gpuRow(
    `softmax-${rows}x${cols}`,
    'reduce',
    `softmax([${rows}, ${cols}], axis -1)`,
    { bytes: 2 * rows * cols * F32 },
    (E, tf) => {
      const a = input(E, tf, [rows, cols], 10);
      return { inputs: [a], erlangen: () => E.softmax(a.e, -1), tfjs: () => tf.softmax(a.t, -1) };
    },
  );
}

/**
 * Scatter-add of edge messages onto nodes, the aggregation of a GNN: out[index[e], :] += src[e, :].
 * Erlangen `indexAdd` (float CAS loop on atomic<u32>) against tfjs `unsortedSegmentSum`.
 */
export function indexAddRow(edges, features, nodes) {
  return gpuRow(
    `scatter-add-${edges}x${features}`,
    'scatter',
    `indexAdd([${edges}, ${features}] → [${nodes}, ${features}])`,
    { bytes: (2 * edges * features + edges + nodes * features) * F32 },
    (E, tf) => {
      const src = input(E, tf, [edges, features], 16);
      const index = intInput(E, tf, [edges], nodes, 17);
      return {
        inputs: [src, index],
        erlangen: () => E.indexAdd(src.e, 0, index.e, nodes),
        tfjs: () => tf.unsortedSegmentSum(src.t, index.t, nodes),
      };
    },
  );
}

/** Erlangen's `scatterAdd` (torch.scatter_add: an index per element) on the same aggregation. */
export function scatterAddRow(edges, features, nodes) {
  return gpuRow(
    `scatterAdd-${edges}x${features}`,
    'scatter',
    `scatterAdd([${edges}, ${features}], index [${edges}, ${features}] → [${nodes}, ${features}])`,
    { bytes: (3 * edges * features + nodes * features) * F32 },
    (E, tf) => {
      const src = input(E, tf, [edges, features], 18);
      const index = intInput(E, tf, [edges], nodes, 19);
      const full = { e: index.e.reshape([edges, 1]).expand([edges, features]).clone(), t: index.t };
      index.e.dispose();
      return {
        inputs: [src, full],
        erlangen: () => E.scatterAdd(src.e, full.e, 0, nodes),
        tfjs: () => tf.unsortedSegmentSum(src.t, full.t, nodes),
      };
    },
  );
}

/**
 * The rows of `npm run bench -- --backend webgpu`. Matmuls run 256–4096, or up to `maxMatmul`
 * (on a software adapter a 4096² product takes minutes a run).
 */
export function webgpuRows({ maxMatmul = 4096 } = {}) {
  return [
    ...[256, 512, 1024, 2048, 4096].filter((n) => n <= maxMatmul).map(matmulRow),
    bmmTransBRow(8, 256, 64, 256),
    conv2dRow,
    conv2dBackwardRow,
    addRow(1 << 20),
    addBroadcastRow(1000, 1000),
    expRow(1 << 20),
    sumLastAxisRow(1000, 1000),
    sumAllRow(1 << 20),
    maxColumnsRow(1000, 1000),
    softmaxRow(1000, 1000),
    indexAddRow(50_000, 32, 5_000),
    scatterAddRow(50_000, 32, 5_000),
  ];
}
