import { describe, expect, it } from 'vitest';
import {
  all,
  any,
  argmax,
  argmin,
  cumsum,
  Generator,
  grad,
  logsumexp,
  max,
  mean,
  min,
  prod,
  randn,
  std,
  sum,
  type Tensor,
  tensor,
  variance,
  zeros,
} from '../src/index.js';
import { assertClose, gradcheck } from './gradcheck.js';

const values = (t: Tensor) => Array.from(t.dataSync());
const rnd = (shape: number[], seed = 0) => randn(shape, { generator: new Generator(seed) });

/**
 * Reference reduction in float64 over `axes` of a row-major array: groups elements by their
 * coordinates off the reduced axes and folds each group with `f`.
 */
function refReduce(
  x: Tensor,
  axes: number[],
  keepDims: boolean,
  f: (group: number[]) => number,
): { shape: number[]; values: number[] } {
  const shape = x.shape;
  const norm = axes.map((a) => (a < 0 ? a + shape.length : a));
  const outShape = shape.flatMap((d, i) => (norm.includes(i) ? (keepDims ? [1] : []) : [d]));
  const keptDims = shape.map((d, i) => (norm.includes(i) ? 1 : d));
  const groups = new Map<number, number[]>();
  const v = values(x);
  const idx = shape.map(() => 0);
  for (let flat = 0; flat < v.length; flat++) {
    let key = 0;
    for (let d = 0; d < shape.length; d++) key = key * keptDims[d]! + (norm.includes(d) ? 0 : idx[d]!);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(v[flat]!);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  const total = keptDims.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let k = 0; k < total; k++) out.push(f(groups.get(k) ?? []));
  return { shape: outShape, values: out };
}

const sumOf = (g: number[]) => g.reduce((a, b) => a + b, 0);
const REDUCTIONS: [
  string,
  (x: Tensor, axes: number[] | undefined, keep: boolean) => Tensor,
  (g: number[]) => number,
][] = [
  ['sum', (x, a, k) => sum(x, a, k), sumOf],
  ['mean', (x, a, k) => mean(x, a, k), (g) => sumOf(g) / g.length],
  ['max', (x, a, k) => max(x, a, k), (g) => Math.max(...g)],
  ['min', (x, a, k) => min(x, a, k), (g) => Math.min(...g)],
  ['prod', (x, a, k) => prod(x, a, k), (g) => g.reduce((a, b) => a * b, 1)],
  ['logsumexp', (x, a, k) => logsumexp(x, a, k), (g) => Math.log(sumOf(g.map(Math.exp)))],
  [
    'variance',
    (x, a, k) => variance(x, a, { keepDims: k }),
    (g) => {
      const m = sumOf(g) / g.length;
      return sumOf(g.map((v) => (v - m) ** 2)) / (g.length - 1);
    },
  ],
  [
    'std',
    (x, a, k) => std(x, a, { keepDims: k }),
    (g) => {
      const m = sumOf(g) / g.length;
      return Math.sqrt(sumOf(g.map((v) => (v - m) ** 2)) / (g.length - 1));
    },
  ],
];

const AXES: (number[] | undefined)[] = [undefined, [0], [1], [-1], [0, 2], [-3, -1], [1, 2], [0, 1, 2]];

describe('reductions over single, multiple and negative axes', () => {
  for (const [name, op, ref] of REDUCTIONS) {
    it(`${name}: forward matches a float64 reference, with and without keepDims`, () => {
      const x = rnd([2, 3, 4], 1);
      for (const axes of AXES) {
        for (const keep of [false, true]) {
          const out = op(x, axes, keep);
          const expected = refReduce(x, axes ?? [0, 1, 2], keep, ref);
          expect(out.shape).toEqual(expected.shape);
          assertClose(out, expected.values, { rtol: 2e-6, atol: 2e-6 });
        }
      }
    });
    it(`${name}: gradient`, () => {
      const x = rnd([2, 3, 2], 2);
      for (const axes of [undefined, [1], [-1], [0, 2]]) {
        gradcheck((t) => op(t, axes, false), [x]);
      }
      gradcheck((t) => op(t, [1], true), [x]);
    });
  }
  it('0-d tensors reduce to themselves (axis 0 or -1 allowed, as in PyTorch)', () => {
    const s = tensor(2.5);
    for (const [name, op] of REDUCTIONS) {
      if (name === 'variance' || name === 'std') continue;
      const expected = name === 'logsumexp' ? 2.5 : 2.5;
      expect(op(s, undefined, false).item()).toBeCloseTo(expected, 6);
      expect(op(s, [0], false).shape).toEqual([]);
      expect(op(s, [-1], true).shape).toEqual([]);
    }
    expect(Number.isNaN(variance(s).item())).toBe(true);
    expect(cumsum(s, 0).item()).toBe(2.5);
    expect(argmax(s).item()).toBe(0);
  });
  it('empty axes: sum 0, prod 1, mean NaN, logsumexp −∞; max/min refuse', () => {
    const e = zeros([2, 0]);
    expect(values(sum(e, 1))).toEqual([0, 0]);
    expect(values(prod(e, 1))).toEqual([1, 1]);
    expect(values(mean(e, 1))).toEqual([Number.NaN, Number.NaN]);
    expect(values(logsumexp(e, 1))).toEqual([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(sum(e, 0).shape).toEqual([0]);
    expect(max(e, 0).shape).toEqual([0]);
    expect(() => max(e, 1)).toThrow(
      "max: argument 'x' expected a non-empty axis 1 to reduce but received shape [2, 0]",
    );
    expect(() => argmin(e, 1)).toThrow(
      "argmin: argument 'x' expected a non-empty axis 1 but received shape [2, 0]",
    );
  });
  it('integer and bool inputs: sum keeps int32 (bool counts), mean is float32', () => {
    const i = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      undefined,
      'int32',
    );
    expect(sum(i).dtype).toBe('int32');
    expect(sum(i, 0).arraySync()).toEqual([4, 6]);
    expect(mean(i).dtype).toBe('float32');
    expect(mean(i).item()).toBe(2.5);
    expect(sum(tensor([true, true, false])).item()).toBe(2);
    expect(max(i, 1).dtype).toBe('int32');
    expect(prod(i).item()).toBe(24);
  });
});

describe('max/min gradients and NaN', () => {
  it('ties share the gradient evenly', () => {
    const [g] = grad((x: Tensor) => max(x))(tensor([1, 3, 3, 2]));
    expect(values(g!)).toEqual([0, 0.5, 0.5, 0]);
    const [g2] = grad((x: Tensor) => min(x, 1).sum())(
      tensor([
        [1, 1, 2],
        [0, 5, 5],
      ]),
    );
    expect(values(g2!)).toEqual([0.5, 0.5, 0, 1, 0, 0]);
  });
  it('NaN propagates through max/min, and the gradient goes to the NaN', () => {
    const x = tensor([
      [1, Number.NaN, 3],
      [4, 5, 6],
    ]);
    expect(values(max(x, 1))).toEqual([Number.NaN, 6]);
    expect(values(min(x, 1))).toEqual([Number.NaN, 4]);
    expect(Number.isNaN(max(x).item())).toBe(true);
    expect(Number.isNaN(max(tensor([Number.NaN, 1])).item())).toBe(true);
    expect(Number.isNaN(max(tensor([1, Number.NaN])).item())).toBe(true);
    const [g] = grad((t: Tensor) => max(t, 1).sum())(x);
    expect(values(g!)).toEqual([0, 1, 0, 0, 0, 1]);
  });
});

describe('argmax and argmin', () => {
  it('return the first extreme, int32, over an axis or the flattened tensor', () => {
    const x = tensor([
      [1, 5, 5],
      [7, 0, 7],
    ]);
    expect(argmax(x).item()).toBe(3);
    expect(argmax(x).dtype).toBe('int32');
    expect(values(argmax(x, 1))).toEqual([1, 0]);
    expect(values(argmin(x, -1))).toEqual([0, 1]);
    expect(values(argmax(x, 0))).toEqual([1, 0, 1]);
    expect(argmax(x, 0, true).shape).toEqual([1, 3]);
    expect(argmax(x, undefined, true).shape).toEqual([1, 1]);
    expect(values(argmax(tensor([1, Number.NaN, 3])))).toEqual([1]);
  });
});

describe('logsumexp', () => {
  it('does not overflow or underflow with large logits', () => {
    const x = tensor([
      [1e4, 1e4 - 1, 1e4 - 2],
      [-1e4, -1e4, -1e4],
    ]);
    const expected = [1e4 + Math.log(1 + Math.exp(-1) + Math.exp(-2)), -1e4 + Math.log(3)];
    assertClose(logsumexp(x, 1), expected, { rtol: 1e-7 });
    const [g] = grad((t: Tensor) => logsumexp(t, 1).sum())(x);
    const s = 1 + Math.exp(-1) + Math.exp(-2);
    assertClose(g!, [1 / s, Math.exp(-1) / s, Math.exp(-2) / s, 1 / 3, 1 / 3, 1 / 3]);
  });
  it('handles ±∞ entries', () => {
    const x = tensor([
      [Number.NEGATIVE_INFINITY, 0],
      [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
      [Number.POSITIVE_INFINITY, 1],
    ]);
    expect(values(logsumexp(x, 1))).toEqual([0, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
  });
});

describe('variance and std', () => {
  it('correction 0 is the population variance', () => {
    const x = tensor([1, 2, 3, 4]);
    expect(variance(x, 0, { correction: 0 }).item()).toBeCloseTo(1.25, 6);
    expect(variance(x).item()).toBeCloseTo(5 / 3, 6);
    expect(std(x, -1, { correction: 0, keepDims: true }).shape).toEqual([1]);
    gradcheck((t) => variance(t, 1, { correction: 0 }), [rnd([2, 3])]);
  });
});

describe('cumsum', () => {
  it('inclusive, exclusive and reverse along any axis', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(cumsum(x, 1).arraySync()).toEqual([
      [1, 3, 6],
      [4, 9, 15],
    ]);
    expect(cumsum(x, 0).arraySync()).toEqual([
      [1, 2, 3],
      [5, 7, 9],
    ]);
    expect(cumsum(x, -1, { exclusive: true }).arraySync()).toEqual([
      [0, 1, 3],
      [0, 4, 9],
    ]);
    expect(cumsum(x, 1, { reverse: true }).arraySync()).toEqual([
      [6, 5, 3],
      [15, 11, 6],
    ]);
    expect(x.cumsum(1).shape).toEqual([2, 3]);
    expect(cumsum(tensor([true, true, false]), 0).arraySync()).toEqual([1, 2, 2]);
    expect(cumsum(zeros([0, 3]), 1).shape).toEqual([0, 3]);
  });
  it('gradient for every mode', () => {
    const x = rnd([3, 4]);
    for (const opts of [{}, { exclusive: true }, { reverse: true }, { exclusive: true, reverse: true }]) {
      gradcheck((t) => cumsum(t, 1, opts), [x]);
      gradcheck((t) => cumsum(t, -2, opts), [x]);
    }
  });
});

describe('prod', () => {
  it('gradient with zeros: one zero gets the product of the others, two zeros give 0', () => {
    const x = tensor([
      [2, 3, 4],
      [2, 0, 4],
      [0, 3, 0],
    ]);
    expect(values(prod(x, 1))).toEqual([24, 0, 0]);
    const [g] = grad((t: Tensor) => prod(t, 1).sum())(x);
    expect(values(g!)).toEqual([12, 8, 6, 0, 8, 0, 0, 0, 0]);
    gradcheck(
      (t) => prod(t, [0, 1]),
      [
        tensor([
          [0.5, -1.5],
          [2, 1.2],
        ]),
      ],
    );
  });
});

describe('any and all', () => {
  it('over axes, with empty inputs giving false / true', () => {
    const x = tensor([
      [0, 1, 0],
      [0, 0, 0],
    ]);
    expect(any(x).item()).toBe(1);
    expect(all(x).item()).toBe(0);
    expect(any(x, 1).arraySync()).toEqual([true, false]);
    expect(all(x.add(1), -1, true).arraySync()).toEqual([[true], [true]]);
    expect(any(x, 0).dtype).toBe('bool');
    expect(any(zeros([0])).item()).toBe(0);
    expect(all(zeros([0])).item()).toBe(1);
    expect(all(tensor([true, false]), 0).item()).toBe(0);
    expect(any(tensor([Number.NaN])).item()).toBe(1);
  });
});
