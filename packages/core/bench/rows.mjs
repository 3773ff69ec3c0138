/**
 * The benchmark rows: one computation each, set up identically in Erlangen and tfjs-cpu.
 *
 * `setup(E, tf)` builds the inputs once (same values on both sides, outside the clock) and returns
 * `{ erlangen, tfjs, outputs, dispose }`: two zero-argument runs that compute AND read the result
 * (dataSync), and `outputs()`, both results as flat NCHW-ordered arrays to check they agree.
 * `flops` (compute-bound rows) or `bytes` (memory-bound rows: inputs read + output written) give
 * the throughput column.
 */

/** Deterministic inputs: uniform in [-1, 1) from a small xorshift generator (the GPU rows use them too). */
export function values(n, seed) {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

export const prod = (shape) => shape.reduce((a, b) => a * b, 1);

/** Both sides' versions of one input (on whatever backends E and tf are set to). */
export function input(E, tf, shape, seed) {
  const v = values(prod(shape), seed);
  return { e: E.tensor(v, shape), t: tf.tensor(v, shape) };
}

/** Runs `fn` in a scope that frees its intermediates, reading every returned tensor inside it. */
const erlangenRun = (E, fn) => () =>
  E.tidy(() => {
    for (const t of [fn()].flat()) t.dataSync();
  });
const tfjsRun = (tf, fn) => () =>
  tf.tidy(() => {
    for (const t of [fn()].flat()) t.dataSync();
  });

/** One-off (untimed) evaluation of both sides for the agreement check. */
function outputsOf(E, tf, fe, ft, toNchw = (t, _k) => t) {
  return () => {
    const e = E.tidy(() => [fe()].flat().map((t) => t.dataSync()));
    const t = tf.tidy(() => [ft()].flat().map((x, k) => toNchw(x, k).dataSync()));
    return { erlangen: e, tfjs: t };
  };
}

function simpleRow(id, group, description, measure, make) {
  return {
    id,
    group,
    description,
    ...measure,
    setup(E, tf) {
      const { erlangen: fe, tfjs: ft, inputs, toNchw } = make(E, tf);
      return {
        erlangen: erlangenRun(E, fe),
        tfjs: tfjsRun(tf, ft),
        outputs: outputsOf(E, tf, fe, ft, toNchw),
        dispose() {
          for (const x of inputs) {
            x.e.dispose();
            x.t.dispose();
          }
        },
      };
    },
  };
}

/** An [n, n] @ [n, n] product's inputs and both runs (also the GPU benchmark's matmul rows). */
export const matmulSetup = (n) => (E, tf) => {
  const a = input(E, tf, [n, n], 1);
  const b = input(E, tf, [n, n], 2);
  return { inputs: [a, b], erlangen: () => E.matmul(a.e, b.e), tfjs: () => tf.matMul(a.t, b.t) };
};

function matmulRow(n) {
  return simpleRow(
    `matmul-${n}`,
    'matmul',
    `[${n}, ${n}] @ [${n}, ${n}]`,
    { flops: 2 * n ** 3 },
    matmulSetup(n),
  );
}

// conv2d: batch 16, 32 → 32 channels, 28 × 28, 3 × 3 kernel, stride 1, zero padding 1 ('same').
// Each library in its native layout: Erlangen NCHW with [out, in, kh, kw] filters, tfjs NHWC with
// [kh, kw, in, out] filters. Same values, same arithmetic.
const CONV = { n: 16, c: 32, o: 32, h: 28, w: 28, k: 3 };
export const CONV_FLOPS = 2 * CONV.n * CONV.o * CONV.h * CONV.w * CONV.c * CONV.k * CONV.k;

function convInputs(E, tf) {
  const x = input(E, tf, [CONV.n, CONV.c, CONV.h, CONV.w], 3);
  const w = input(E, tf, [CONV.o, CONV.c, CONV.k, CONV.k], 4);
  const xt = tf.transpose(x.t, [0, 2, 3, 1]);
  const wt = tf.transpose(w.t, [2, 3, 1, 0]);
  x.t.dispose();
  w.t.dispose();
  x.t = xt;
  w.t = wt;
  return { x, w };
}

export const convDesc = `x [${CONV.n}, ${CONV.c}, ${CONV.h}, ${CONV.w}], w [${CONV.o}, ${CONV.c}, ${CONV.k}, ${CONV.k}], pad 1`;

/** The conv2d row's inputs and both runs (also the GPU benchmark's conv2d row). */
export function conv2dSetup(E, tf) {
  const { x, w } = convInputs(E, tf);
  return {
    inputs: [x, w],
    erlangen: () => E.conv2d(x.e, w.e, null, { padding: 1 }),
    tfjs: () => tf.conv2d(x.t, w.t, 1, 'same'),
    toNchw: (t) => tf.transpose(t, [0, 3, 1, 2]),
  };
}

const conv2dRow = simpleRow('conv2d', 'conv2d', convDesc, { flops: CONV_FLOPS }, conv2dSetup);

// Backward: gradients of sum(conv2d(x, w)) with respect to x and w, forward pass included, as a
// training step computes them: forward + input gradient + filter gradient ≈ 3 × forward FLOPs.
export const conv2dBackwardDesc = `d sum(conv2d) / d(x, w), forward included; ${convDesc}`;

/** The conv2d-backward row's inputs and both runs (also the GPU benchmark's). */
export function conv2dBackwardSetup(E, tf) {
  const { x, w } = convInputs(E, tf);
  const ge = E.grad((a, b) => E.conv2d(a, b, null, { padding: 1 }).sum());
  const gt = tf.grads((a, b) => tf.sum(tf.conv2d(a, b, 1, 'same')));
  return {
    inputs: [x, w],
    erlangen: () => ge(x.e, w.e),
    tfjs: () => gt([x.t, w.t]),
    // Bring tfjs's NHWC input gradient and HWIO filter gradient to Erlangen's layouts.
    toNchw: (t, k) => tf.transpose(t, k === 0 ? [0, 3, 1, 2] : [3, 2, 0, 1]),
  };
}

const conv2dBackwardRow = simpleRow(
  'conv2d-backward',
  'conv2d',
  conv2dBackwardDesc,
  { flops: 3 * CONV_FLOPS },
  conv2dBackwardSetup,
);

const M = 1000;
const F32 = 4;

const addRow = simpleRow(
  'add',
  'elementwise',
  `[${M * M}] + [${M * M}]`,
  { bytes: 3 * M * M * F32 },
  (E, tf) => {
    const a = input(E, tf, [M * M], 5);
    const b = input(E, tf, [M * M], 6);
    return { inputs: [a, b], erlangen: () => E.add(a.e, b.e), tfjs: () => tf.add(a.t, b.t) };
  },
);

const addBroadcastRow = simpleRow(
  'add-broadcast',
  'elementwise',
  `[${M}, ${M}] + [${M}]`,
  { bytes: (2 * M * M + M) * F32 },
  (E, tf) => {
    const a = input(E, tf, [M, M], 7);
    const b = input(E, tf, [M], 8);
    return { inputs: [a, b], erlangen: () => E.add(a.e, b.e), tfjs: () => tf.add(a.t, b.t) };
  },
);

const sumRow = simpleRow(
  'sum-last-axis',
  'reduce',
  `sum([${M}, ${M}], axis -1)`,
  { bytes: (M * M + M) * F32 },
  (E, tf) => {
    const a = input(E, tf, [M, M], 9);
    return { inputs: [a], erlangen: () => E.sum(a.e, -1), tfjs: () => tf.sum(a.t, -1) };
  },
);

const softmaxRow = simpleRow(
  'softmax',
  'softmax',
  `softmax([${M}, ${M}], axis -1)`,
  { bytes: 2 * M * M * F32 },
  (E, tf) => {
    const a = input(E, tf, [M, M], 10);
    return { inputs: [a], erlangen: () => E.softmax(a.e, -1), tfjs: () => tf.softmax(a.t, -1) };
  },
);

export const ROWS = [
  matmulRow(256),
  matmulRow(512),
  matmulRow(1024),
  conv2dRow,
  conv2dBackwardRow,
  addRow,
  addBroadcastRow,
  sumRow,
  softmaxRow,
];

/** `--rows matmul,conv2d`: a token selects rows by group, by id, or by id prefix (`matmul-1024`). */
export function selectRows(filter) {
  if (!filter) return ROWS;
  const tokens = filter
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known = new Set(ROWS.flatMap((r) => [r.id, r.group]));
  const unknown = tokens.filter((t) => !known.has(t) && !ROWS.some((r) => r.id.startsWith(`${t}-`)));
  if (unknown.length) {
    throw new Error(`unknown row(s) ${unknown.join(', ')}; choose from ${[...known].join(', ')}`);
  }
  return ROWS.filter((r) => tokens.some((t) => r.id === t || r.group === t || r.id.startsWith(`${t}-`)));
}

/** Largest |a − b| relative to the largest |b|: the outputs must agree to float32 rounding. */
export function maxRelDiff({ erlangen, tfjs }) {
  let diff = 0;
  let scale = 0;
  for (let k = 0; k < erlangen.length; k++) {
    const a = erlangen[k];
    const b = tfjs[k];
    if (a.length !== b.length) return Number.POSITIVE_INFINITY;
    for (let i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(b[i]));
    }
  }
  return diff / Math.max(scale, 1e-30);
}
