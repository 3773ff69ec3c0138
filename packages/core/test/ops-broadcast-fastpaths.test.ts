import { describe, expect, it } from 'vitest';
import { manualSeed, randn } from '../src/index.js';

// The CPU backend has dedicated loops for bias-row ([n, m] ∘ [m]) and per-row ([n, m] ∘ [n, 1])
// broadcasts; they must agree exactly with the same-shape loop on explicitly expanded operands.
describe('row-broadcast fast paths', () => {
  const cases: [number[], number[]][] = [
    [[7, 5], [5]],
    [
      [7, 5],
      [7, 1],
    ],
    [[5], [7, 5]],
    [
      [7, 1],
      [7, 5],
    ],
    [
      [3, 4, 5],
      [4, 5],
    ],
    [
      [3, 4, 5],
      [3, 1, 1],
    ],
    [
      [3, 4, 5],
      [1, 4, 1],
    ],
    [
      [2, 3],
      [1, 3],
    ],
    [
      [1, 3],
      [2, 3],
    ],
    [
      [2, 3, 4],
      [3, 1],
    ],
    [
      [4, 1],
      [1, 6],
    ],
  ];
  for (const [shapeA, shapeB] of cases) {
    it(`[${shapeA}] ∘ [${shapeB}]`, () => {
      manualSeed(5);
      const a = randn(shapeA);
      const b = randn(shapeB).add(3);
      for (const op of ['add', 'sub', 'mul', 'div'] as const) {
        const got = a[op](b);
        const ref = a.expand(got.shape).clone()[op](b.expand(got.shape).clone());
        expect(Array.from(got.dataSync())).toEqual(Array.from(ref.dataSync()));
      }
    });
  }
});
