/** The graph package's ops: finite-difference gradient checks, edge cases and errors. */
import { Generator, randn, tensor } from '@erlangen/core';
import { describe, expect, it } from 'vitest';
import {
  SparseMatrix,
  scatter,
  scatterExtremePadded,
  scatterMax,
  scatterMean,
  scatterMin,
  scatterSum,
  segmentSoftmax,
  spmm,
} from '../src/index.js';
import { gradcheck, maxAbsDiff } from './helpers.js';

const gen = () => new Generator(11);
// 9 rows into 5 segments; segment 3 is empty.
const index = tensor([0, 2, 2, 4, 1, 0, 4, 4, 2], [9], 'int32');

describe('gradients vs finite differences', () => {
  const src = randn([9, 3], { generator: gen() });
  it('scatterMax / scatterMin (distinct values)', () => {
    gradcheck((s) => scatterMax(s, index, 5), [src]);
    gradcheck((s) => scatterMin(s, index, 5), [src]);
  });
  it('scatterMean and scatterSum', () => {
    gradcheck((s) => scatterMean(s, index, 5), [src]);
    gradcheck((s) => scatterSum(s, index, 5), [src]);
  });
  it('segmentSoftmax over [E, heads]', () => {
    gradcheck((s) => segmentSoftmax(s, index, 5), [src]);
  });
  it('spmm in the dense operand and in the values', () => {
    const a = SparseMatrix.fromCsr(Int32Array.from([0, 2, 2, 5]), Int32Array.from([0, 3, 1, 2, 3]), [3, 4]);
    const b = randn([4, 2], { generator: gen() });
    const values = randn([5], { generator: gen() });
    gradcheck((bb, v) => spmm(a.withValues(v), bb), [b, values]);
    expect(maxAbsDiff(spmm(a, b).dataSync(), a.toDense().matmul(b).dataSync())).toBeLessThan(1e-6);
  });
  it('ties share the gradient of a max evenly (torch.scatter_reduce amax)', () => {
    const s = tensor([1, 3, 3, 2], [4, 1]).requireGrad();
    scatterMax(s, tensor([0, 0, 0, 0], [4], 'int32'), 1)
      .sum()
      .backward();
    expect(Array.from(s.grad!.dataSync())).toEqual([0, 0.5, 0.5, 0]);
  });
});

describe('semantics', () => {
  it('empty segments give 0 for every reduction; NaN propagates through max', () => {
    const src = randn([9, 2], { generator: gen() });
    for (const r of ['sum', 'mean', 'max', 'min'] as const) {
      const out = scatter(src, index, 5, r).dataSync();
      expect([out[6], out[7]]).toEqual([0, 0]);
    }
    const nan = tensor([1, Number.NaN, 2], [3, 1]);
    expect(Number.isNaN(scatterMax(nan, tensor([0, 0, 0], [3], 'int32'), 1).dataSync()[0]!)).toBe(true);
  });
  it('softmax sums to 1 per non-empty segment and survives large logits', () => {
    const big = tensor([1000, 1001, -1000, 5], [4, 1]);
    const idx = tensor([0, 0, 1, 1], [4], 'int32');
    const s = segmentSoftmax(big, idx, 2).dataSync();
    expect(s[0]! + s[1]!).toBeCloseTo(1, 6);
    expect(s[2]! + s[3]!).toBeCloseTo(1, 6);
    expect(Array.from(s).every(Number.isFinite)).toBe(true);
  });
  it('no rows: zeros of the output shape', () => {
    expect(scatterMax(randn([0, 3]), tensor([], [0], 'int32'), 4).shape).toEqual([4, 3]);
  });
});

describe('bad input', () => {
  const src = randn([4, 2]);
  it('names the argument, the expectation and what came', () => {
    expect(() => scatterMax(src, tensor([0, 1, 2, 9], [4], 'int32'), 5)).toThrow(
      /scatterMax: argument 'index' expected values in \[0, 4\] but received 9 at position 3/,
    );
    expect(() => scatterSum(src, tensor([0, 1, 2], [3], 'int32'), 5)).toThrow(
      /argument 'index' expected shape \[4\]/,
    );
    expect(() => scatterSum(src, tensor([0, 1, 2, 3], [4]), 5)).toThrow(
      /argument 'index' expected an int32 tensor but received dtype float32/,
    );
    expect(() => scatter(src, tensor([0, 1, 2, 3], [4], 'int32'), 5, 'prod' as never)).toThrow(
      /argument 'reduce'/,
    );
    expect(() => scatterMean(src, tensor([0, 1, 2, 3], [4], 'int32'), -1)).toThrow(
      /argument 'dimSize' expected a non-negative integer/,
    );
    expect(() =>
      spmm(SparseMatrix.fromCsr(Int32Array.from([0, 1]), Int32Array.from([0]), [1, 2]), randn([3, 2])),
    ).toThrow(/spmm: argument 'b' expected a dense matrix \[2, F\] but received \[3, 2\]/);
  });
});

describe('the padded core-kernel path of max/min (used on backends without the kernel)', () => {
  const host = Int32Array.from([0, 2, 2, 4, 1, 0, 4, 4, 2]);
  const src = randn([9, 3], { generator: new Generator(12) });
  it('equals the kernel, empty segments included', () => {
    for (const r of ['max', 'min'] as const) {
      const kernel = (r === 'max' ? scatterMax : scatterMin)(src, index, 5).dataSync();
      expect(maxAbsDiff(scatterExtremePadded(src, host, 5, r).dataSync(), kernel)).toBe(0);
    }
  });
  it('gradient vs finite differences', () => {
    gradcheck((s) => scatterExtremePadded(s, host, 5, 'max'), [src]);
  });
});
