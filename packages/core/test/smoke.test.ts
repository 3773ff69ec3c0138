import { describe, expect, it } from 'vitest';
import { conv2d, manualSeed, memory, randn, tensor, tidy } from '../src/index.js';

describe('smoke', () => {
  it('adds, multiplies, differentiates', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]).requireGrad();
    const y = x.mul(x).sum();
    y.backward();
    expect(y.item()).toBe(30);
    expect(Array.from(x.grad!.dataSync())).toEqual([2, 4, 6, 8]);
  });
  it('matmul + conv run', () => {
    manualSeed(1);
    const a = randn([3, 5]);
    const b = randn([5, 7]);
    const c = a.matmul(b);
    expect(c.shape).toEqual([3, 7]);
    const x = randn([2, 3, 8, 8]);
    const w = randn([4, 3, 3, 3]);
    expect(conv2d(x, w, null, { padding: 1 }).shape).toEqual([2, 4, 8, 8]);
    const before = memory().numTensors;
    tidy(() => {
      a.add(b.sum()).exp();
    });
    expect(memory().numTensors).toBe(before);
  });
});
