import { describe, expect, it } from 'vitest';
import * as E from '../src/index.js';
import {
  add,
  atan2,
  clamp,
  div,
  Generator,
  grad,
  maximum,
  minimum,
  mod,
  mul,
  pow,
  rand,
  randn,
  sub,
  type Tensor,
  tensor,
  where,
  zeros,
} from '../src/index.js';
import { assertClose, gradcheck } from './gradcheck.js';

const values = (t: Tensor) => Array.from(t.dataSync());
const rnd = (shape: number[], seed = 0) => randn(shape, { generator: new Generator(seed) });
/** Uniform values in [lo, hi). */
const uniform = (shape: number[], lo: number, hi: number, seed = 0) =>
  rand(shape, { generator: new Generator(seed) })
    .mul(hi - lo)
    .add(lo);
const f32 = Math.fround;

/** Reference broadcasting binary op over row-major arrays. */
function refBinary(
  f: (a: number, b: number) => number,
  a: Tensor,
  b: Tensor,
): { shape: number[]; values: number[] } {
  const n = Math.max(a.ndim, b.ndim);
  const pa = [...new Array(n - a.ndim).fill(1), ...a.shape];
  const pb = [...new Array(n - b.ndim).fill(1), ...b.shape];
  const shape = pa.map((d, i) => (d === 1 ? pb[i]! : d));
  const av = values(a);
  const bv = values(b);
  const total = shape.reduce((p, c) => p * c, 1);
  const out: number[] = [];
  for (let flat = 0; flat < total; flat++) {
    let rem = flat;
    let ia = 0;
    let ib = 0;
    let sa = 1;
    let sb = 1;
    for (let d = n - 1; d >= 0; d--) {
      const i = rem % shape[d]!;
      rem = Math.floor(rem / shape[d]!);
      if (pa[d] !== 1) ia += i * sa;
      if (pb[d] !== 1) ib += i * sb;
      sa *= pa[d]!;
      sb *= pb[d]!;
    }
    out.push(f(av[ia]!, bv[ib]!));
  }
  return { shape, values: out };
}

const BINARY: [string, (a: Tensor, b: Tensor) => Tensor, (a: number, b: number) => number][] = [
  ['add', add, (a, b) => a + b],
  ['sub', sub, (a, b) => a - b],
  ['mul', mul, (a, b) => a * b],
  ['div', div, (a, b) => a / b],
  ['maximum', maximum, Math.max],
  ['minimum', minimum, Math.min],
  ['atan2', atan2, Math.atan2],
  ['mod', mod, (a, b) => a - Math.floor(a / b) * b],
];

const SHAPE_PAIRS: [number[], number[]][] = [
  [
    [2, 3],
    [2, 3],
  ],
  [[2, 3], [3]],
  [
    [2, 1],
    [1, 4],
  ],
  [
    [3, 1, 2],
    [4, 1],
  ],
  [[], [2, 2]],
  [[2, 2], []],
  [[1], [3]],
  [
    [0, 3],
    [1, 3],
  ],
  [
    [2, 0],
    [2, 1],
  ],
];

describe('binary ops with broadcasting', () => {
  for (const [name, op, ref] of BINARY) {
    it(`${name}: forward matches a reference over broadcast shapes`, () => {
      for (const [sa, sb] of SHAPE_PAIRS) {
        const a = uniform(sa, 0.5, 2, 1);
        const b = uniform(sb, 0.5, 2, 2).mul(name === 'sub' || name === 'atan2' ? -1 : 1);
        const out = op(a, b);
        const expected = refBinary((x, y) => f32(ref(x, y)), a, b);
        expect(out.shape).toEqual(expected.shape);
        assertClose(out, expected.values, { rtol: 1e-6, atol: 1e-7 });
      }
    });
  }
  for (const [name, op] of BINARY.filter(([n]) => n !== 'mod')) {
    it(`${name}: gradient with broadcasting`, () => {
      for (const [sa, sb] of [
        [[2, 3], [3]],
        [
          [2, 1],
          [1, 3],
        ],
        [[], [2]],
        [
          [2, 2],
          [2, 2],
        ],
      ] as [number[], number[]][]) {
        // Distinct magnitudes keep maximum/minimum away from ties and div away from 0.
        const a = uniform(sa, 0.5, 1.5, 3);
        const b = uniform(sb, 2, 3, 4);
        gradcheck(op, [a, b]);
      }
    });
  }
  it('numbers broadcast as scalars on either side', () => {
    const x = tensor([1, 2, 3]);
    expect(values(add(x, 1))).toEqual([2, 3, 4]);
    expect(values(sub(10, x))).toEqual([9, 8, 7]);
    expect(values(x.mul(2))).toEqual([2, 4, 6]);
    expect(values(div(6, x))).toEqual([6, 3, 2]);
    expect(values(pow(2, x))).toEqual([2, 4, 8]);
  });
});

describe('dtype promotion', () => {
  const i = tensor([7, -7], undefined, 'int32');
  const f = tensor([2, 2]);
  const b = tensor([true, false]);
  it('follows bool < int32 < float32', () => {
    expect(add(i, i).dtype).toBe('int32');
    expect(add(i, f).dtype).toBe('float32');
    expect(add(b, i).dtype).toBe('int32');
    expect(add(b, b).dtype).toBe('int32');
    expect(mul(b, f).dtype).toBe('float32');
    expect(add(i, 2).dtype).toBe('int32');
    expect(add(i, 2.5).dtype).toBe('float32');
    expect(values(add(i, 2.5))).toEqual([9.5, -4.5]);
  });
  it('division is true division; mod follows the divisor sign', () => {
    expect(div(i, tensor([2, 2], undefined, 'int32')).dtype).toBe('float32');
    expect(values(div(i, 2))).toEqual([3.5, -3.5]);
    expect(values(mod(i, 3))).toEqual([1, 2]);
    expect(values(mod(tensor([5.5, -5.5]), -2))).toEqual([-0.5, -1.5]);
    expect(mod(i, 3).dtype).toBe('int32');
  });
  it('comparisons and logical ops give bool', () => {
    expect(i.gt(f).dtype).toBe('bool');
    expect(i.gt(0).arraySync()).toEqual([true, false]);
    expect(b.eq(1).arraySync()).toEqual([true, false]);
    expect(E.logicalAnd(b, tensor([true, true])).arraySync()).toEqual([true, false]);
    expect(E.logicalOr(b, tensor([0, 0])).arraySync()).toEqual([true, false]);
    expect(E.logicalNot(tensor([0, 2])).arraySync()).toEqual([true, false]);
  });
});

const UNARY: [string, (x: Tensor) => Tensor, (x: number) => number, [number, number]][] = [
  ['neg', E.neg, (x) => -x, [-3, 3]],
  ['abs', E.abs, Math.abs, [-3, 3]],
  ['exp', E.exp, Math.exp, [-3, 3]],
  ['expm1', E.expm1, Math.expm1, [-1, 1]],
  ['log', E.log, Math.log, [0.2, 3]],
  ['log1p', E.log1p, Math.log1p, [-0.5, 3]],
  ['sqrt', E.sqrt, Math.sqrt, [0.2, 3]],
  ['rsqrt', E.rsqrt, (x) => 1 / Math.sqrt(x), [0.2, 3]],
  ['square', E.square, (x) => x * x, [-3, 3]],
  ['reciprocal', E.reciprocal, (x) => 1 / x, [0.5, 3]],
  ['sin', E.sin, Math.sin, [-3, 3]],
  ['cos', E.cos, Math.cos, [-3, 3]],
  ['tan', E.tan, Math.tan, [-1, 1]],
  ['asin', E.asin, Math.asin, [-0.8, 0.8]],
  ['acos', E.acos, Math.acos, [-0.8, 0.8]],
  ['atan', E.atan, Math.atan, [-3, 3]],
  ['sinh', E.sinh, Math.sinh, [-2, 2]],
  ['cosh', E.cosh, Math.cosh, [-2, 2]],
  ['tanh', E.tanh, Math.tanh, [-3, 3]],
  ['sigmoid', E.sigmoid, (x) => 1 / (1 + Math.exp(-x)), [-5, 5]],
  ['relu', E.relu, (x) => Math.max(x, 0), [-3, 3]],
];

describe('unary math', () => {
  for (const [name, op, ref, [lo, hi]] of UNARY) {
    it(`${name}: forward and gradient`, () => {
      const x = uniform([3, 4], lo, hi, 7);
      assertClose(
        op(x),
        values(x).map((v) => f32(ref(v))),
        { rtol: 2e-6, atol: 1e-7 },
      );
      // relu and abs have kinks at 0: stay clear of them.
      const g = name === 'relu' || name === 'abs' ? tensor([-2, -0.5, 0.5, 2]) : uniform([2, 3], lo, hi, 8);
      gradcheck(op, [g]);
      expect(op(zeros([0, 2])).shape).toEqual([0, 2]);
      expect(op(tensor(0.5)).shape).toEqual([]);
    });
  }
  it('erf is accurate to float32 (series and continued-fraction branches)', () => {
    // Reference values of erf from the mpmath-verified table of Abramowitz & Stegun are avoided:
    // compare with the identity erf(x) = 1 − erfc(x) ≈ 1 for large x and the Taylor series near 0.
    const small = [-0.1, 0.05, 0.2];
    const taylor = (x: number) =>
      (2 / Math.sqrt(Math.PI)) * (x - x ** 3 / 3 + x ** 5 / 10 - x ** 7 / 42 + x ** 9 / 216);
    assertClose(E.erf(tensor(small)), small.map(taylor), { rtol: 1e-6 });
    assertClose(E.erf(tensor([-6, 6, 0])), [-1, 1, 0]);
    // Odd symmetry and monotonicity across the 2.5 branch switch.
    const xs = E.linspace(2.3, 2.7, 41);
    const ys = values(E.erf(xs));
    for (let k = 1; k < ys.length; k++) expect(ys[k]!).toBeGreaterThanOrEqual(ys[k - 1]!);
    assertClose(
      E.erf(xs.neg()),
      ys.map((v) => -v),
    );
    gradcheck(E.erf, [uniform([5], -2, 2)]);
  });
  it('rounding: floor, ceil, round half to even; integer tensors pass unchanged', () => {
    const x = tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 1.2, -1.7]);
    expect(values(E.round(x))).toEqual([-2, -2, -0, 0, 2, 2, 1, -2]);
    expect(values(E.floor(x))).toEqual([-3, -2, -1, 0, 1, 2, 1, -2]);
    expect(values(E.ceil(x))).toEqual([-2, -1, -0, 1, 2, 3, 2, -1]);
    const i = tensor([3, -4], undefined, 'int32');
    expect(E.floor(i).dtype).toBe('int32');
    expect(values(E.round(i))).toEqual([3, -4]);
  });
  it('sign, isNaN, isFinite', () => {
    const x = tensor([-2, 0, 3, Number.NaN, Number.POSITIVE_INFINITY]);
    expect(values(E.sign(x))).toEqual([-1, 0, 1, Number.NaN, 1]);
    expect(E.isNaN(x).arraySync()).toEqual([false, false, false, true, false]);
    expect(E.isFinite(x).arraySync()).toEqual([true, true, true, false, false]);
    // relu propagates NaN as PyTorch does (a `v > 0 ? v : 0` kernel would return 0).
    expect(values(E.relu(tensor([Number.NaN, -1, 2])))).toEqual([Number.NaN, 0, 2]);
  });
  it('integer inputs of float functions compute in float32', () => {
    const i = tensor([1, 4], undefined, 'int32');
    expect(E.sqrt(i).dtype).toBe('float32');
    expect(values(E.sqrt(i))).toEqual([1, 2]);
    expect(E.abs(i).dtype).toBe('int32');
    expect(E.neg(i).dtype).toBe('int32');
  });
  it('sigmoid is stable at large |x| and tanh saturates', () => {
    const x = tensor([-1e4, -100, 0, 100, 1e4]);
    expect(values(E.sigmoid(x))).toEqual([0, f32(1 / (1 + Math.exp(100))), 0.5, 1, 1]);
    expect(values(E.tanh(x))).toEqual([-1, -1, 0, 1, 1]);
    const g = grad((t: Tensor) => E.sigmoid(t).sum())(x)[0]!;
    expect(values(g).every(Number.isFinite)).toBe(true);
    expect(g.dataSync()[2]).toBeCloseTo(0.25, 7);
  });
});

describe('pow', () => {
  it('forward, including integer powers of negatives and 0^0 = 1', () => {
    expect(values(pow(tensor([-2, 0, 3]), 2))).toEqual([4, 0, 9]);
    expect(values(pow(tensor([0]), 0))).toEqual([1]);
    expect(values(pow(tensor([-8]), 1 / 3))).toEqual([Number.NaN]);
  });
  it('gradients w.r.t. both operands', () => {
    gradcheck(pow, [uniform([2, 3], 0.5, 2, 1), uniform([3], -1.5, 2, 2)]);
  });
  it('gradient at 0 is 0 where PyTorch defines it so, never NaN', () => {
    const x = tensor([0, 0, 0]);
    const [dx, de] = grad((b: Tensor, e: Tensor) => pow(b, e).sum())(x, tensor([0, 1, 2]));
    expect(values(dx!)).toEqual([0, 1, 0]);
    expect(values(de!)).toEqual([0, 0, 0]);
    const [dsq] = grad((b: Tensor) => b.pow(2).sum())(tensor([0, -1]));
    expect(values(dsq!)).toEqual([0, -2]);
  });
});

describe('maximum and minimum', () => {
  it('propagate NaN', () => {
    const a = tensor([1, Number.NaN, 3]);
    const b = tensor([Number.NaN, 2, 1]);
    expect(values(maximum(a, b))).toEqual([Number.NaN, Number.NaN, 3]);
    expect(values(minimum(a, b))).toEqual([Number.NaN, Number.NaN, 1]);
  });
  it('split the gradient evenly on ties', () => {
    const [da, db] = grad((a: Tensor, b: Tensor) => maximum(a, b).sum())(
      tensor([1, 2, 3]),
      tensor([1, 5, 0]),
    );
    expect(values(da!)).toEqual([0.5, 0, 1]);
    expect(values(db!)).toEqual([0.5, 1, 0]);
    const [dm] = grad((a: Tensor) => minimum(a, 2).sum())(tensor([2, 1, 3]));
    expect(values(dm!)).toEqual([0.5, 1, 0]);
  });
});

describe('comparisons, where, clamp', () => {
  it('comparisons broadcast', () => {
    const a = tensor([[1], [2]]);
    const b = tensor([1, 2, 3]);
    expect(a.lt(b).arraySync()).toEqual([
      [false, true, true],
      [false, false, true],
    ]);
    expect(a.ge(b).arraySync()).toEqual([
      [true, false, false],
      [true, true, false],
    ]);
    expect(a.eq(b).shape).toEqual([2, 3]);
    expect(a.ne(2).arraySync()).toEqual([[true], [false]]);
    expect(a.le(1).arraySync()).toEqual([[true], [false]]);
    expect(tensor(Number.NaN).eq(Number.NaN).item()).toBe(0);
  });
  it('where broadcasts cond, a and b, promotes dtypes and routes gradients', () => {
    const cond = tensor([true, false, true]);
    expect(values(where(cond, tensor([[1], [2]]), 0))).toEqual([1, 0, 1, 2, 0, 2]);
    expect(where(cond, 1, 0).dtype).toBe('float32');
    expect(where(cond, tensor([1, 2, 3], undefined, 'int32'), 0).dtype).toBe('int32');
    expect(where(cond, tensor([1, 2, 3], undefined, 'int32'), 0.5).dtype).toBe('float32');
    expect(values(where(tensor([1, 0, 2]), 5, 6))).toEqual([5, 6, 5]);
    const mask = tensor([
      [true, false, true],
      [false, true, false],
    ]);
    gradcheck((a, b) => where(mask, a, b), [rnd([2, 3]), rnd([3], 1)]);
    gradcheck((a) => where(mask, a, 0), [rnd([2, 1])]);
  });
  it('clamp limits values and passes gradient inside [min, max] (PyTorch convention)', () => {
    const x = tensor([-2, -1, 0, 1, 2, Number.NaN]);
    expect(values(clamp(x, -1, 1))).toEqual([-1, -1, 0, 1, 1, Number.NaN]);
    expect(values(clamp(x, 0))).toEqual([0, 0, 0, 1, 2, Number.NaN]);
    expect(values(x.clamp(undefined, 0))).toEqual([-2, -1, 0, 0, 0, Number.NaN]);
    const [g] = grad((t: Tensor) => clamp(t, -1, 1).sum())(tensor([-2, -1, 0, 1, 2]));
    expect(values(g!)).toEqual([0, 1, 1, 1, 0]);
    gradcheck((t) => clamp(t, -0.5, 0.5), [tensor([-1, -0.3, 0.2, 0.9])]);
  });
});
