import { describe, expect, it } from 'vitest';
import {
  cyclicGroup,
  decomposeRegular,
  dihedralGroup,
  directSum,
  generatedSubgroup,
  irreducibleRepresentations,
  type PlanarGroup,
  quotientRepresentation,
  type Representation,
  regularRepresentation,
  trivialRepresentation,
} from '../src/index.js';

const groups: PlanarGroup[] = [1, 2, 3, 4, 5, 6, 8, 12].flatMap((n) => [cyclicGroup(n), dihedralGroup(n)]);

function mul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) c[i * n + j]! += a[i * n + k]! * b[k * n + j]!;
  return c;
}

function transpose(a: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j]!;
  return t;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function inner(G: PlanarGroup, a: Representation, b: Representation): number {
  let s = 0;
  for (const g of G.elements()) s += a.character(g) * b.character(g);
  return s / G.order;
}

function allRepresentations(G: PlanarGroup): Representation[] {
  const rotations = generatedSubgroup(G, [G.rotation(1)]);
  const reps = [
    trivialRepresentation(G),
    regularRepresentation(G),
    ...irreducibleRepresentations(G),
    quotientRepresentation(G, rotations),
  ];
  if (G.kind === 'dihedral') reps.push(quotientRepresentation(G, [0, G.reflection(0)]));
  return reps;
}

describe('representations of C_N and D_N', () => {
  it.each(groups.map((g) => [g.name, g] as const))(
    '%s: every representation is an orthogonal homomorphism',
    (_, G) => {
      for (const rho of allRepresentations(G)) {
        const n = rho.size;
        for (const a of G.elements()) {
          const A = rho.matrix(a);
          expect(maxDiff(mul(A, transpose(A, n), n), rho.matrix(G.identity))).toBeLessThan(1e-12);
          for (const b of G.elements())
            expect(maxDiff(mul(A, rho.matrix(b), n), rho.matrix(G.compose(a, b)))).toBeLessThan(1e-12);
        }
      }
    },
  );

  it.each(groups.map((g) => [g.name, g] as const))(
    '%s: irreducible characters are orthogonal (norm 1 real type, 2 complex type)',
    (_, G) => {
      const irreps = irreducibleRepresentations(G);
      for (const [i, a] of irreps.entries()) {
        for (const [j, b] of irreps.entries()) {
          const expected = i === j ? (a.irrep!.type === 'real' ? 1 : 2) : 0;
          expect(inner(G, a, b)).toBeCloseTo(expected, 12);
        }
      }
      // Number of irreps over ℂ equals the number of conjugacy classes; over ℝ complex-type pairs merge.
      const expectedCount =
        G.kind === 'cyclic' ? Math.floor(G.n / 2) + 1 : G.n % 2 ? (G.n + 3) / 2 : G.n / 2 + 3;
      expect(irreps).toHaveLength(expectedCount);
    },
  );

  it.each(groups.map((g) => [g.name, g] as const))(
    '%s: ρ_reg = Q (⊕ irreps) Qᵀ with Q orthogonal',
    (_, G) => {
      const { irreps, changeOfBasis: Q } = decomposeRegular(G);
      const n = G.order;
      expect(maxDiff(mul(Q, transpose(Q, n), n), regularRepresentation(G).matrix(G.identity))).toBeLessThan(
        1e-12,
      );
      const blocks = directSum(irreps);
      const reg = regularRepresentation(G);
      let worst = 0;
      for (const g of G.elements())
        worst = Math.max(worst, maxDiff(reg.matrix(g), mul(mul(Q, blocks.matrix(g), n), transpose(Q, n), n)));
      expect(worst).toBeLessThan(1e-12);
      // Multiplicities agree with characters: ⟨χ_reg, χ_ψ⟩ = dim ψ (real type), 2 (complex type, counted once).
      for (const psi of irreducibleRepresentations(G)) {
        const copies = irreps.filter((r) => r.name === psi.name).length;
        expect(inner(G, reg, psi)).toBeCloseTo(psi.irrep!.type === 'real' ? copies : 2 * copies, 12);
      }
    },
  );

  it('regular and quotient characters count fixed points', () => {
    const D6 = dihedralGroup(6);
    const reg = regularRepresentation(D6);
    expect(reg.characters()).toEqual([12, ...Array(11).fill(0)]);
    const C2 = generatedSubgroup(D6, [D6.rotation(3)]);
    const q = quotientRepresentation(D6, C2);
    expect(q.size).toBe(6);
    for (const g of D6.elements()) {
      // χ(g) = #{cosets cH : g c H = c H} = #{c : c⁻¹ g c ∈ H} / |H|.
      let fixed = 0;
      for (const c of D6.elements()) if (C2.includes(D6.compose(D6.inverse(c), D6.compose(g, c)))) fixed++;
      expect(q.character(g)).toBe(fixed / C2.length);
    }
    expect(quotientRepresentation(D6, [0]).characters()).toEqual(reg.characters());
    expect(quotientRepresentation(D6, D6.elements()).characters()).toEqual(Array(12).fill(1));
  });

  it('rejects non-subgroups and mixed groups', () => {
    const C4 = cyclicGroup(4);
    expect(() => quotientRepresentation(C4, [0, 1])).toThrow(/closed under composition/);
    expect(() => quotientRepresentation(C4, [1, 3])).toThrow(/containing the identity/);
    expect(() => directSum([trivialRepresentation(C4), trivialRepresentation(dihedralGroup(4))])).toThrow(
      /representations of C4/,
    );
  });
});
