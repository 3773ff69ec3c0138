import { Generator, randn, tensor } from '@erlangen/core';
import { describe, expect, it } from 'vitest';
import {
  cyclicGroup,
  dihedralGroup,
  expandFilter,
  filterExpansionIndex,
  gridPermutation,
} from '../src/index.js';
import { gradcheck } from './helpers.js';

describe('filter expansion (GrouPy-style index gather)', () => {
  it('the lifting bank of C4 holds the filter turned by each quarter turn', () => {
    const C4 = cyclicGroup(4);
    const index = filterExpansionIndex(C4, 'trivial', 1, 3);
    const w = tensor(
      Float32Array.from({ length: 9 }, (_, i) => i),
      [1, 1, 3, 3],
    );
    const bank = expandFilter(w, tensor(index, [index.length], 'int32'), 4, 3).arraySync() as number[][][][];
    expect(bank[0]![0]).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
    ]);
    // numpy.rot90 of the filter (counter-clockwise as displayed).
    expect(bank[1]![0]).toEqual([
      [2, 5, 8],
      [1, 4, 7],
      [0, 3, 6],
    ]);
    expect(bank[2]![0]).toEqual([
      [8, 7, 6],
      [5, 4, 3],
      [2, 1, 0],
    ]);
  });

  it('the group bank permutes the input fibre cyclically (C4) and within cosets (D4)', () => {
    for (const group of [cyclicGroup(4), dihedralGroup(4)]) {
      const k = 1;
      const index = filterExpansionIndex(group, 'regular', 1, k);
      // With 1×1 kernels the bank row for output g reads input element g⁻¹h at column h.
      for (const g of group.elements()) {
        for (const h of group.elements())
          expect(index[g * group.order + h]).toBe(group.compose(group.inverse(g), h));
      }
    }
    // Kernel pixels move like gridPermutation.
    const D4 = dihedralGroup(4);
    const idx = filterExpansionIndex(D4, 'regular', 2, 3);
    const perBank = 2 * 8 * 9;
    const g = D4.reflection(1);
    const pix = gridPermutation(D4, g, 3, 3);
    for (let p = 0; p < 9; p++) expect(idx[g * perBank + 9 + p]! % 9).toBe(pix[p]);
  });

  it.each([
    ['C4 lifting', cyclicGroup(4), 'trivial', [2, 2, 3, 3]],
    ['D4 group', dihedralGroup(4), 'regular', [1, 2, 8, 3, 3]],
  ] as const)('%s: gradient matches finite differences', (_, group, fibre, shape) => {
    const index = filterExpansionIndex(group, fibre, shape[1], 3);
    const idx = tensor(index, [index.length], 'int32');
    const w = randn([...shape], { generator: new Generator(5) });
    const { maxAbsError } = gradcheck((x) => expandFilter(x, idx, group.order, 3).square(), [w], {
      eps: 1e-2,
      rtol: 1e-2,
      atol: 1e-3,
    });
    expect(maxAbsError).toBeLessThan(1e-2);
  });

  it('rejects an index of the wrong length', () => {
    const C4 = cyclicGroup(4);
    const index = filterExpansionIndex(C4, 'trivial', 1, 3);
    expect(() => expandFilter(randn([2, 2, 3, 3]), tensor(index, [index.length], 'int32'), 4, 3)).toThrow(
      /expandFilter: argument 'index' expected length 72/,
    );
  });
});
