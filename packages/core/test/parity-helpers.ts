/**
 * Helpers shared by the backend parity suites (webgpu.test.ts, webgpu.grad.test.ts, wasm.test.ts,
 * wasm-threads.test.ts and the gpujs suite in browser/gpujs-parity.ts): deterministic random inputs and an element-by-element
 * comparison against the CPU reference that names the first offending element. Framework-free and
 * without Node imports, because the gpujs suite is also bundled with esbuild for a browser page.
 */
import type { Conv2dGeometry } from '../src/backend/kernels.js';
import {
  conv2d,
  Generator,
  gradients,
  indexAdd,
  indexSelect,
  maxPool2d,
  nn,
  randn,
  type Tensor,
  type TypedArray,
  tensor,
} from '../src/index.js';

/** 'exact', or |actual − cpu| ≤ atol + rtol·|cpu| elementwise. */
export type Tol = 'exact' | { rtol: number; atol: number };

/** Thrown by `compareWithCpu` (and the gpujs suite's own checks) on a mismatch. */
export class ParityError extends Error {}

/** Deterministic uniform [lo, hi) values (mulberry32). */
export function uniformValues(size: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * (hi - lo);
  }
  return out;
}

/** A source of CPU float32 tensors of any shape with uniform values, each drawn from the next seed. */
export function randomTensors(firstSeed = 1): (shape: readonly number[], lo?: number, hi?: number) => Tensor {
  let seed = firstSeed;
  return (shape, lo = -1, hi = 1) =>
    tensor(
      uniformValues(
        shape.reduce((p, c) => p * c, 1),
        seed++,
        lo,
        hi,
      ),
      [...shape],
    );
}

/**
 * Throws a `ParityError` unless `actual` (read from the backend named `backend`) has the same array
 * type and length as the CPU's `expected` and matches it within `tol` (NaN matches NaN only).
 */
export function compareWithCpu(
  actual: TypedArray,
  expected: TypedArray,
  tol: Tol,
  what: string,
  backend: string,
): void {
  const fail = (msg: string): never => {
    throw new ParityError(msg);
  };
  if (actual.constructor !== expected.constructor)
    fail(`${what}: type ${actual.constructor.name}, cpu ${expected.constructor.name}`);
  if (actual.length !== expected.length) fail(`${what}: length ${actual.length}, cpu ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) fail(`${what}[${i}]: ${backend} ${a}, cpu ${e}`);
      continue;
    }
    const ok = tol === 'exact' ? a === e : a === e || Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
    if (!ok) fail(`${what}[${i}]: ${backend} ${a}, cpu ${e} (tolerance ${JSON.stringify(tol)})`);
  }
}

/**
 * Gradients of a small MLP (x [21, 13] → 32 → 5 classes, cross-entropy) and of a small conv net
 * (x [3, 2, 7, 7], conv 3×3 → tanh → 2×2 max-pool → linear, squared error) on the backend that
 * `toDevice` moves tensors to, against the CPU: the loss and every parameter gradient, within `tol`.
 * `randT` draws the inputs, `compare(actual, expected, tol, what)` is the suite's comparison.
 */
export async function trainingGradientsParity(
  randT: (shape: number[]) => Tensor,
  toDevice: (t: Tensor) => Tensor,
  compare: (actual: TypedArray, expected: TypedArray, tol: Tol, what: string) => void,
  tol: Tol,
): Promise<void> {
  const gw = new Generator(7);
  const mlp = [
    randn([13, 32], { generator: gw }).mul(0.3),
    randn([32], { generator: gw }).mul(0.1),
    randn([32, 5], { generator: gw }).mul(0.3),
    randn([5], { generator: gw }).mul(0.1),
  ];
  const xIn = randT([21, 13]);
  const labels = tensor(Int32Array.from(Array.from({ length: 21 }, (_, i) => i % 5)), [21]);
  const runMlp = async (params: Tensor[], x: Tensor, t: Tensor) => {
    for (const p of params) p.requiresGrad = true;
    const [w1, b1, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
    const h = x.matmul(w1).add(b1).relu();
    const loss = nn.functional.crossEntropy(h.matmul(w2).add(b2), t);
    loss.backward();
    return [await loss.data(), ...(await Promise.all(params.map((p) => p.grad!.data())))];
  };
  const c = await runMlp(
    mlp.map((p) => p.clone()),
    xIn,
    labels,
  );
  const g = await runMlp(mlp.map(toDevice), toDevice(xIn), toDevice(labels));
  for (const [k, v] of c.entries()) compare(g[k]!, v, tol, `mlp grad ${k}`);

  const conv = [
    randn([4, 2, 3, 3], { generator: gw }).mul(0.3),
    randn([4 * 3 * 3, 3], { generator: gw }).mul(0.2),
  ];
  const img = randT([3, 2, 7, 7]);
  const runConv = async (params: Tensor[], x: Tensor) => {
    for (const p of params) p.requiresGrad = true;
    const [k, w] = params as [Tensor, Tensor];
    const h = maxPool2d(conv2d(x, k, null, { padding: 1 }).tanh(), 2);
    const out = h.reshape([3, 36]).matmul(w);
    const loss = out.sub(0.5).square().mean();
    loss.backward();
    return [await loss.data(), ...(await Promise.all(params.map((p) => p.grad!.data())))];
  };
  const cc = await runConv(
    conv.map((p) => p.clone()),
    img,
  );
  const gc = await runConv(conv.map(toDevice), toDevice(img));
  for (const [k, v] of cc.entries()) compare(gc[k]!, v, tol, `conv net grad ${k}`);
}

/**
 * [loss, ...parameter gradients] as host arrays of a small conv net built on backend `name` from
 * fixed seeded parameters and inputs, for comparing a backend with the CPU: x [4, 3, 11, 11] → conv
 * 3×3 (pad 1) → relu → 2×2 max-pool → conv 3×3 (stride 2, pad 1, groups 2) → tanh → flatten [4, 72]
 * (→ with `indexMixing`, + indexAdd(indexSelect(·)) over a repeating index) → linear → cross-entropy.
 */
export function convNetLossAndGrads(name: string, opts: { indexMixing?: boolean } = {}): TypedArray[] {
  const shapes = [[6, 3, 3, 3], [6], [8, 3, 3, 3], [8 * 3 * 3, 5], [5]];
  const params = shapes.map((s, i) =>
    tensor(
      uniformValues(
        s.reduce((p, c) => p * c, 1),
        20 + i,
      ).map((v) => v * 0.5),
      s,
    )
      .to(name)
      .requireGrad(),
  );
  const [w1, b1, w2, w3, b3] = params as [Tensor, Tensor, Tensor, Tensor, Tensor];
  const x = tensor(uniformValues(4 * 3 * 11 * 11, 30), [4, 3, 11, 11]).to(name);
  const target = tensor(new Int32Array([0, 3, 4, 1]), [4], 'int32').to(name);
  let h = conv2d(x, w1, b1, { padding: 1 }).relu();
  h = maxPool2d(h, 2);
  h = conv2d(h, w2, null, { stride: 2, padding: 1, groups: 2 }).tanh();
  let flat = h.reshape([h.shape[0]!, -1]);
  if (opts.indexMixing) {
    const index = tensor(new Int32Array([1, 3, 3, 0, 2, 1]), [6], 'int32').to(name);
    flat = indexAdd(indexSelect(flat, 0, index), 0, index, flat.shape[0]!).add(flat);
  }
  const loss = nn.functional.crossEntropy(flat.matmul(w3).add(b3), target);
  return [loss, ...gradients(loss, params)].map((t) => t.dataSync());
}

/** The kernel-level geometry of a conv2d of x [N, C, H, W] with w [O, C/groups, KH, KW]. */
export function convGeometry(
  [N, C, H, W]: number[],
  [O, KH, KW]: number[],
  { stride = [1, 1], pad = [0, 0], dil = [1, 1], groups = 1 } = {},
): Conv2dGeometry {
  const outHeight = Math.floor((H! + 2 * pad[0]! - dil[0]! * (KH! - 1) - 1) / stride[0]!) + 1;
  const outWidth = Math.floor((W! + 2 * pad[1]! - dil[1]! * (KW! - 1) - 1) / stride[1]!) + 1;
  return {
    batch: N!,
    inChannels: C!,
    inHeight: H!,
    inWidth: W!,
    outChannels: O!,
    kernelHeight: KH!,
    kernelWidth: KW!,
    strideH: stride[0]!,
    strideW: stride[1]!,
    padTop: pad[0]!,
    padLeft: pad[1]!,
    dilationH: dil[0]!,
    dilationW: dil[1]!,
    groups,
    outHeight,
    outWidth,
  };
}
