import { describe, expect, it } from 'vitest';
import { cyclicGroup, dihedralGroup, gridPermutation, type PlanarGroup } from '../src/index.js';

const groups: PlanarGroup[] = [1, 2, 3, 4, 5, 6, 8].flatMap((n) => [cyclicGroup(n), dihedralGroup(n)]);

function matmul2(a: readonly number[], b: readonly number[]): number[] {
  return [
    a[0]! * b[0]! + a[1]! * b[2]!,
    a[0]! * b[1]! + a[1]! * b[3]!,
    a[2]! * b[0]! + a[3]! * b[2]!,
    a[2]! * b[1]! + a[3]! * b[3]!,
  ];
}

describe('planar groups C_N and D_N', () => {
  it.each(groups.map((g) => [g.name, g] as const))('%s satisfies the group axioms', (_, G) => {
    expect(G.order).toBe(G.kind === 'cyclic' ? G.n : 2 * G.n);
    for (const a of G.elements()) {
      expect(G.compose(G.identity, a)).toBe(a);
      expect(G.compose(a, G.identity)).toBe(a);
      expect(G.compose(a, G.inverse(a))).toBe(G.identity);
      expect(G.compose(G.inverse(a), a)).toBe(G.identity);
      for (const b of G.elements())
        for (const c of G.elements()) {
          expect(G.compose(G.compose(a, b), c)).toBe(G.compose(a, G.compose(b, c)));
        }
    }
  });

  it.each(groups.map((g) => [g.name, g] as const))(
    '%s: the plane action is a faithful homomorphism into O(2)',
    (_, G) => {
      const seen = new Set<string>();
      for (const a of G.elements()) {
        const A = G.planeMatrix(a);
        seen.add(A.map((x) => x.toFixed(9)).join());
        const det = A[0] * A[3] - A[1] * A[2];
        expect(det).toBeCloseTo(G.element(a).flip ? -1 : 1, 12);
        for (const b of G.elements()) {
          const AB = matmul2(A, G.planeMatrix(b));
          const C = G.planeMatrix(G.compose(a, b));
          for (let i = 0; i < 4; i++) expect(AB[i]).toBeCloseTo(C[i]!, 12);
        }
      }
      expect(seen.size).toBe(G.order);
    },
  );

  it("D4's mirror and quarter turn match GrouPy's matrices (M = diag(-1, 1), R on (row, col))", () => {
    const D4 = dihedralGroup(4);
    expect(D4.planeMatrix(D4.rotation(1))).toEqual([0, -1, 1, 0]);
    expect(D4.planeMatrix(D4.reflection(0))).toEqual([-1, 0, 0, 1]);
    // (m, r) = M^m R^r, index m·4 + r as in GrouPy's D4 flattening.
    expect(D4.index(1, 3)).toBe(7);
    expect(D4.compose(D4.reflection(0), D4.rotation(3))).toBe(D4.index(1, 3));
    // R M = M R⁻¹
    expect(D4.compose(D4.rotation(1), D4.reflection(0))).toBe(D4.reflection(3));
  });

  it('grid permutations are exact, compose like the group, and a quarter turn is np.rot90', () => {
    const D4 = dihedralGroup(4);
    for (const size of [1, 4, 5]) {
      const n = size * size;
      for (const a of D4.elements()) {
        const pa = gridPermutation(D4, a, size, size);
        expect([...pa].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
        for (const b of D4.elements()) {
          const pb = gridPermutation(D4, b, size, size);
          const pab = gridPermutation(D4, D4.compose(a, b), size, size);
          // (a·(b·f))(p) = (b·f)(a⁻¹p) = f(b⁻¹a⁻¹p): gather by pa then by pb.
          for (let p = 0; p < n; p++) expect(pb[pa[p]!]).toBe(pab[p]);
        }
      }
    }
    // [[0, 1], [2, 3]] turned counter-clockwise is [[1, 3], [0, 2]] (numpy.rot90).
    const r = gridPermutation(D4, D4.rotation(1), 2, 2);
    expect([...r]).toEqual([1, 3, 0, 2]);
    // The mirror flips rows; half turns work on non-square grids.
    expect([...gridPermutation(D4, D4.reflection(0), 2, 3)]).toEqual([3, 4, 5, 0, 1, 2]);
    expect([...gridPermutation(D4, D4.rotation(2), 2, 3)]).toEqual([5, 4, 3, 2, 1, 0]);
  });

  it('rejects bad elements and non-grid rotations with clear errors', () => {
    const C8 = cyclicGroup(8);
    expect(() => gridPermutation(C8, C8.rotation(1), 5, 5)).toThrow(
      /gridPermutation: argument 'g' expected a grid symmetry of C8.*r \(45\.0°\)/,
    );
    expect(gridPermutation(C8, C8.rotation(2), 3, 3)).toHaveLength(9);
    const C4 = cyclicGroup(4);
    expect(() => gridPermutation(C4, 1, 3, 4)).toThrow(/a square grid/);
    expect(() => C4.compose(0, 4)).toThrow(/C4.compose: argument 'b' expected an element index in \[0, 4\)/);
    expect(() => C4.reflection(0)).toThrow(/C4 has no mirrors/);
    expect(() => cyclicGroup(0)).toThrow(/cyclicGroup: argument 'n' expected a positive integer/);
  });
});
