/** Shared helpers for the nn / optim / data tests: fixtures, error measures and finite-difference checks. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { Generator, randn, type Tensor, tensor, tidy, valueAndGrad } from '../src/index.js';

export interface JsonArray {
  shape: number[];
  dtype: 'float32' | 'int32';
  data: number[];
}

/** nn.json, written by fixtures/gen_nn.py from PyTorch. */
export function loadFixture(): any {
  return JSON.parse(readFileSync(new URL('./fixtures/nn.json', import.meta.url), 'utf8')).cases;
}

export function fromJson(a: JsonArray): Tensor {
  return a.dtype === 'int32'
    ? tensor(Int32Array.from(a.data), a.shape)
    : tensor(Float32Array.from(a.data), a.shape);
}

export function values(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

/** max|a − b| / max(1e-6, max|b|): error relative to the expected tensor's scale. */
export function relErr(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    diff = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / Math.max(1e-6, scale);
}

/** Asserts `actual` matches the fixture array in shape and values within `tol` (relative, see relErr). */
export function expectClose(actual: Tensor, expected: JsonArray, tol: number, what = ''): void {
  expect(actual.shape, `${what} shape`).toEqual(expected.shape);
  const err = relErr(values(actual), expected.data);
  expect(err, `${what} relative error ${err}`).toBeLessThan(tol);
}

export interface GradCheckOptions {
  /** Step of the central difference (float32: 1e-2..1e-3 on O(1) inputs). */
  eps?: number;
  rtol?: number;
  atol?: number;
  /** Indices of the inputs to check (default: all). */
  wrt?: number[];
}

/**
 * Compares autograd's gradient of fn with central finite differences. Non-scalar outputs are
 * projected onto a fixed random direction R (L = Σ fn(x)·R), which checks the whole Jacobian–vector
 * product rather than only the gradient of a sum (where many errors cancel).
 */
export function gradCheck(
  fn: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  opts: GradCheckOptions = {},
): void {
  const eps = opts.eps ?? 1e-2;
  const rtol = opts.rtol ?? 1e-2;
  const atol = opts.atol ?? 1e-3;
  const wrt = opts.wrt ?? inputs.map((_, i) => i);
  const outShape = tidy(() => fn(...inputs).shape);
  const r = randn([...outShape], { generator: new Generator(12345) }).keep();
  const scalarFn = (...xs: Tensor[]) =>
    fn(...xs)
      .mul(r)
      .sum();
  const evalAt = (xs: Tensor[]) => tidy(() => scalarFn(...xs).item());
  // Differentiate only w.r.t. the checked inputs; others (int targets) are closed over.
  const { grads } = valueAndGrad((...ws: Tensor[]) =>
    scalarFn(...inputs.map((x, i) => (wrt.includes(i) ? ws[wrt.indexOf(i)]! : x))),
  )(...wrt.map((i) => inputs[i]!));
  wrt.forEach((inputIndex, k) => {
    const base = Float32Array.from(inputs[inputIndex]!.dataSync());
    const shape = inputs[inputIndex]!.shape;
    const analytic = values(grads[k]!);
    const numeric: number[] = [];
    for (let j = 0; j < base.length; j++) {
      const at = (delta: number) => {
        const v = Float32Array.from(base);
        v[j] = v[j]! + delta;
        const xs = [...inputs];
        xs[inputIndex] = tensor(v, shape);
        const out = evalAt(xs);
        xs[inputIndex]!.dispose();
        return out;
      };
      numeric.push((at(eps) - at(-eps)) / (2 * eps));
    }
    const scale = Math.max(...numeric.map(Math.abs), ...analytic.map(Math.abs));
    const worst = Math.max(...numeric.map((n, j) => Math.abs(n - analytic[j]!)));
    expect(
      worst,
      `input ${inputIndex}: analytic ${analytic.map((v) => v.toFixed(4))} vs numeric ${numeric.map((v) => v.toFixed(4))}`,
    ).toBeLessThanOrEqual(atol + rtol * scale);
  });
  r.dispose();
}

/** Runs fn and returns the ErlangenError message it throws (fails the test if it does not throw one). */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect((e as Error).name).toBe('ErlangenError');
    return (e as Error).message;
  }
  throw new Error('expected an ErlangenError, but nothing was thrown');
}
