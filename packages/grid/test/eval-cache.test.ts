import { Generator, noGrad, randn, type Tensor, tidy } from '@erlangen/core';
import { expect, it } from 'vitest';
import { cyclicGroup, GeometricTensor, GroupConv } from '../src/index.js';
import { maxAbsDiff } from './helpers.js';

it('GroupConv caches its expanded filter in eval mode, follows weight updates, and re-expands in training', () => {
  const conv = new GroupConv(cyclicGroup(4), 2, 3, 3, { generator: new Generator(1) });
  const x = new GeometricTensor(randn([1, 8, 7, 7], { generator: new Generator(2) }), conv.inType);
  const cacheOf = () =>
    (conv as unknown as { filterCache: { cached: { filter: Tensor } | null } }).filterCache.cached;
  tidy(() => {
    const train = conv.forward(x).tensor.dataSync();
    expect(cacheOf()).toBeNull();
    conv.eval();
    const a = conv.forward(x).tensor.dataSync();
    const bank = cacheOf()!.filter;
    conv.forward(x);
    expect(cacheOf()!.filter).toBe(bank);
    expect(maxAbsDiff(a, train)).toBeLessThan(1e-6);
    noGrad(() => conv.weight.assign(conv.weight.mul(-1)));
    const b = conv.forward(x).tensor.dataSync();
    expect(cacheOf()!.filter).not.toBe(bank);
    expect(
      maxAbsDiff(
        b,
        Float32Array.from(a, (v) => -v),
      ),
    ).toBeLessThan(1e-5);
    conv.train();
    conv.forward(x);
    expect(cacheOf()).toBeNull();
  });
});
