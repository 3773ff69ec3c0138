/**
 * @erlangen/core/testing: finite-difference gradient checks and closeness assertions for the test
 * suites of core and of packages built on it (graph, grid), and `probeWebGPU`, the shared acquisition
 * of the 'webgpu' backend (skip with the reason locally, fail under CI=true). Test-only; not part of
 * the main entry.
 *
 *   import { gradcheck } from '@erlangen/core/testing';
 *   gradcheck((x, w) => conv2d(x, w), [x, w], { eps: 1e-3, rtol: 1e-2, atol: 1e-3 });
 *
 * `gradcheck(fn, inputs)` takes inputs of any shape (float32 inputs are differentiated, other
 * dtypes such as int32 indices pass through) and `fn` returning one tensor or a list of tensors of
 * any shape. It compares the analytic gradient of L = Σ fn(inputs) ⊙ W (W fixed random weights of
 * each output's shape, drawn from `seed`) with central differences (L(x + h) − L(x − h)) / (2h),
 * element by element; an element passes when |analytic − numeric| ≤ atol + rtol·|numeric|
 * (defaults eps 1e-3, rtol 1e-2, atol 1e-3). Kernels run in float32, so each L is summed in
 * float64 from the float32 outputs and h is the step actually taken after rounding x ± eps to
 * float32: outputs a perturbation does not touch are bit-identical in both evaluations and cancel
 * exactly, leaving mostly the rounding of the touched outputs (≈ 6e-8·|y|/eps).
 *
 * Throws an Error listing the worst mismatches (default), or returns the result with
 * `throwOnFailure: false`.
 */
import {
  enableGrad,
  Generator,
  getBackend,
  gradients,
  randn,
  setBackend,
  type Tensor,
  tensor,
  tidy,
} from '../index.js';

export { probeWebGPU, type WebGPUProbe } from './webgpu.js';

export interface GradcheckOptions {
  /** Step of the central difference (default 1e-3). */
  eps?: number;
  /** Relative tolerance against the numeric gradient (default 1e-2). */
  rtol?: number;
  /** Absolute tolerance (default 1e-3). */
  atol?: number;
  /** Seed of the random output weights (default 0). */
  seed?: number;
  /** Throw on mismatch (default true); otherwise inspect `ok`. */
  throwOnFailure?: boolean;
}

export interface GradcheckMismatch {
  input: number;
  index: number;
  analytic: number;
  numeric: number;
}

export interface GradcheckResult {
  ok: boolean;
  /** Number of input elements compared. */
  checked: number;
  /** max |analytic − numeric| over all compared elements. */
  maxAbsError: number;
  /** The worst mismatches (at most 10), worst first; empty when ok. */
  mismatches: GradcheckMismatch[];
}

type Fn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

const asList = (out: Tensor | readonly Tensor[]): readonly Tensor[] =>
  Array.isArray(out) ? out : [out as Tensor];

export function gradcheck(fn: Fn, inputs: readonly Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const eps = opts.eps ?? 1e-3;
  const rtol = opts.rtol ?? 1e-2;
  const atol = opts.atol ?? 1e-3;
  const differentiable = inputs.map((x) => x.dtype === 'float32');
  const values = inputs.map((x) => Float32Array.from(x.dataSync()));

  // Fixed random weights, one tensor per output, drawn from a private generator.
  // Inputs are evaluated as grad-requiring leaves even for the numeric pass, so that functions
  // which differentiate internally (gradients(..., { createGraph: true })) see the same graph.
  const asLeaves = (args: readonly Tensor[]) =>
    args.map((x, i) => (differentiable[i] ? x.detach().requireGrad() : x));
  const outShapes = tidy(() => enableGrad(() => asList(fn(...asLeaves(inputs))).map((o) => [...o.shape])));
  const gen = new Generator(opts.seed ?? 0);
  const weights = outShapes.map((s) => randn(s, { generator: gen }));
  const weightValues = weights.map((w) => Float64Array.from(w.dataSync()));

  // Analytic: dL/dx with the weights as the output cotangents.
  const analytic = tidy(() => {
    const leaves = asLeaves(inputs);
    const outs = enableGrad(() => asList(fn(...leaves)));
    const wanted = leaves.filter((_, i) => differentiable[i]);
    const live = outs.map((o, j) => ({ o, w: weights[j]! })).filter(({ o }) => o.requiresGrad);
    const grads = live.length
      ? gradients(
          live.map(({ o }) => o),
          wanted,
          { gradOutputs: live.map(({ w }) => w) },
        )
      : wanted.map((x) => x.zerosLike());
    let k = 0;
    return inputs.map((_, i) => (differentiable[i] ? Float64Array.from(grads[k++]!.dataSync()) : null));
  });

  // L(inputs) in float64 from the float32 outputs.
  const loss = (args: Tensor[]): number =>
    tidy(() =>
      enableGrad(() => {
        let total = 0;
        asList(fn(...asLeaves(args))).forEach((o, j) => {
          const y = o.dataSync();
          const w = weightValues[j]!;
          for (let e = 0; e < y.length; e++) total += y[e]! * w[e]!;
        });
        return total;
      }),
    );

  const mismatches: GradcheckMismatch[] = [];
  let maxAbsError = 0;
  let checked = 0;
  inputs.forEach((x, i) => {
    const a = analytic[i];
    if (!a) return;
    const base = values[i]!;
    for (let e = 0; e < base.length; e++) {
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[e] = base[e]! + eps;
      minus[e] = base[e]! - eps;
      const h = plus[e]! - minus[e]!;
      const at = (vals: Float32Array) =>
        loss(inputs.map((t, j) => (j === i ? tensor(vals, [...x.shape], 'float32') : t)));
      const numeric = (at(plus) - at(minus)) / h;
      const err = Math.abs(a[e]! - numeric);
      maxAbsError = Math.max(maxAbsError, err);
      checked++;
      if (!(err <= atol + rtol * Math.abs(numeric)))
        mismatches.push({ input: i, index: e, analytic: a[e]!, numeric });
    }
  });
  for (const w of weights) w.dispose();
  const badness = (m: GradcheckMismatch) => {
    const d = Math.abs(m.analytic - m.numeric);
    return Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  };
  mismatches.sort((p, q) => badness(q) - badness(p));
  const result: GradcheckResult = {
    ok: mismatches.length === 0,
    checked,
    maxAbsError,
    mismatches: mismatches.slice(0, 10),
  };
  if (!result.ok && (opts.throwOnFailure ?? true)) {
    const lines = result.mismatches.map(
      (m) => `  input ${m.input} element ${m.index}: analytic ${m.analytic} vs numeric ${m.numeric}`,
    );
    throw new Error(
      `gradcheck: ${mismatches.length} of ${checked} gradient elements differ (eps ${eps}, rtol ${rtol}, atol ${atol}); worst:\n${lines.join('\n')}`,
    );
  }
  return result;
}

/**
 * Throws unless |actual − expected| ≤ atol + rtol·|expected| elementwise (NaN matches NaN, ±∞ must
 * match exactly), naming the first offending element.
 */
export function assertClose(
  actual: Tensor | ArrayLike<number>,
  expected: ArrayLike<number>,
  opts: { rtol?: number; atol?: number } = {},
): void {
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-6;
  const got = 'dataSync' in actual ? (actual as Tensor).dataSync() : (actual as ArrayLike<number>);
  if (got.length !== expected.length)
    throw new Error(`assertClose: length ${got.length} vs expected ${expected.length}`);
  for (let i = 0; i < got.length; i++) {
    const a = Number(got[i]);
    const e = Number(expected[i]);
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (!Number.isFinite(e) && a === e) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`assertClose: element ${i} is ${a}, expected ${e} (rtol ${rtol}, atol ${atol})`);
    }
  }
}

/** max |a[i] − b[i]| over two equally long arrays (throws on a length mismatch). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(Number(a[i]) - Number(b[i])));
  return m;
}

/** max |a[i] − b[i]| / max |b[i]|: a backend's error relative to the reference's scale. */
export function relativeMaxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let d = 0;
  let s = 1e-12;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(Number(a[i]) - Number(b[i])));
    s = Math.max(s, Math.abs(Number(b[i])));
  }
  return d / s;
}

/**
 * Runs `fn` on `backend` (switching back afterwards) with an input of `shape` drawn from
 * `inputSeed`, and back-propagates a cotangent drawn from `cotangentSeed`: returns the output and
 * the input gradient, for backend parity tests. `fn` runs after the switch, so layers it builds
 * live on that backend.
 */
export async function outputAndInputGradient(
  backend: string,
  shape: readonly number[],
  fn: (x: Tensor) => Tensor,
  seeds: { inputSeed: number; cotangentSeed: number },
): Promise<[Float32Array, Float32Array]> {
  const previous = getBackend();
  await setBackend(backend);
  try {
    const x = randn([...shape], { generator: new Generator(seeds.inputSeed) }).requireGrad();
    const y = fn(x);
    if (y.backend.name !== backend)
      throw new Error(`outputAndInputGradient: output lives on '${y.backend.name}', not '${backend}'`);
    const w = randn(y.shape, { generator: new Generator(seeds.cotangentSeed) });
    y.mul(w).sum().backward();
    return [Float32Array.from(await y.data()), Float32Array.from(await x.grad!.data())];
  } finally {
    await setBackend(previous);
  }
}
