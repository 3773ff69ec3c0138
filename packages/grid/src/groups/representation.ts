import { argError } from '../errors.js';
import type { PlanarGroup } from './planar-group.js';

/** How a real irreducible representation's endomorphisms look: ℝ (absolutely irreducible) or ℂ. */
export type IrrepType = 'real' | 'complex';

export interface RepresentationInit {
  name: string;
  size: number;
  /** One row-major size×size matrix per group element, indexed by element. */
  matrices: readonly Float64Array[];
  /** Whether every matrix is a permutation matrix (pointwise nonlinearities commute with it). */
  isPermutation?: boolean;
  /** For irreps: endomorphism type and frequencies (j = flip frequency, k = rotation frequency). */
  irrep?: { type: IrrepType; j: number; k: number };
}

/**
 * A real orthogonal representation ρ: G → O(size) of a planar group, stored as one matrix per
 * element. Representations built here are homomorphisms, ρ(a·b) = ρ(a)ρ(b) (tested for all of them).
 */
export class Representation {
  readonly group: PlanarGroup;
  readonly name: string;
  readonly size: number;
  readonly isPermutation: boolean;
  readonly irrep: { type: IrrepType; j: number; k: number } | null;
  private readonly matrices: readonly Float64Array[];

  constructor(group: PlanarGroup, init: RepresentationInit) {
    if (init.matrices.length !== group.order)
      argError(
        'Representation',
        'matrices',
        `${group.order} matrices (one per element of ${group.name})`,
        `${init.matrices.length}`,
      );
    for (const m of init.matrices) {
      if (m.length !== init.size * init.size)
        argError(
          'Representation',
          'matrices',
          `${init.size}×${init.size} matrices`,
          `one of length ${m.length}`,
        );
    }
    this.group = group;
    this.name = init.name;
    this.size = init.size;
    this.matrices = init.matrices;
    this.isPermutation = init.isPermutation ?? false;
    this.irrep = init.irrep ?? null;
  }

  /** ρ(g), row-major [size, size] (a copy). */
  matrix(g: number): Float64Array {
    this.group.element(g); // validates g
    return Float64Array.from(this.matrices[g]!);
  }

  /** The character χ(g) = tr ρ(g). */
  character(g: number): number {
    this.group.element(g);
    const m = this.matrices[g]!;
    let t = 0;
    for (let i = 0; i < this.size; i++) t += m[i * this.size + i]!;
    return t;
  }

  /** The characters of every element, in element order. */
  characters(): number[] {
    return this.group.elements().map((g) => this.character(g));
  }

  /** Same group and name: names identify representations within a group. */
  equals(other: Representation): boolean {
    return other instanceof Representation && other.group.equals(this.group) && other.name === this.name;
  }

  toString(): string {
    return `${this.group.name}:${this.name}`;
  }
}

function matrixOf(size: number, fill: (i: number, j: number) => number): Float64Array {
  const m = new Float64Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) m[i * size + j] = fill(i, j);
  return m;
}

/** The trivial representation ρ(g) = 1. */
export function trivialRepresentation(group: PlanarGroup): Representation {
  return new Representation(group, {
    name: 'trivial',
    size: 1,
    matrices: group.elements().map(() => Float64Array.of(1)),
    isPermutation: true,
    irrep: { type: 'real', j: 0, k: 0 },
  });
}

/**
 * The regular representation on functions on G: ρ(g) e_h = e_{g·h}, a |G|×|G| permutation matrix.
 * A regular feature field has one channel per group element (GrouPy's p4 / p4m feature maps).
 */
export function regularRepresentation(group: PlanarGroup): Representation {
  return new Representation(group, {
    name: 'regular',
    size: group.order,
    matrices: group
      .elements()
      .map((g) => matrixOf(group.order, (i, j) => (group.compose(g, j) === i ? 1 : 0))),
    isPermutation: true,
  });
}

/**
 * The quotient representation on the left cosets G/H of a subgroup H (given by its element indices):
 * ρ(g) e_{cH} = e_{gcH}. Cosets are numbered by their first element in element order. H = {e}
 * gives the regular representation, H = G the trivial one.
 */
export function quotientRepresentation(group: PlanarGroup, subgroup: readonly number[]): Representation {
  const op = 'quotientRepresentation';
  const h = new Set(subgroup);
  for (const s of subgroup)
    if (!Number.isInteger(s) || s < 0 || s >= group.order)
      argError(op, 'subgroup', `element indices in [0, ${group.order})`, String(s));
  if (!h.has(group.identity))
    argError(op, 'subgroup', 'a subgroup (containing the identity 0)', `[${[...h].join(', ')}]`);
  for (const a of h) {
    for (const b of h) {
      if (!h.has(group.compose(a, b)))
        argError(
          op,
          'subgroup',
          'a subgroup (closed under composition)',
          `[${[...h].join(', ')}] (${group.describe(a)}·${group.describe(b)} is missing)`,
        );
    }
  }
  const cosetOf = new Int32Array(group.order).fill(-1);
  let count = 0;
  for (const g of group.elements()) {
    if (cosetOf[g] !== -1) continue;
    for (const s of h) cosetOf[group.compose(g, s)] = count;
    count++;
  }
  const representative = new Int32Array(count);
  for (let g = group.order - 1; g >= 0; g--) representative[cosetOf[g]!] = g;
  const label = [...h]
    .sort((a, b) => a - b)
    .map((s) => group.describe(s))
    .join(',');
  return new Representation(group, {
    name: `quotient{${label}}`,
    size: count,
    matrices: group
      .elements()
      .map((g) => matrixOf(count, (i, j) => (cosetOf[group.compose(g, representative[j]!)] === i ? 1 : 0))),
    isPermutation: true,
  });
}

/** The subgroup generated by the given elements (closure under composition), sorted. */
export function generatedSubgroup(group: PlanarGroup, generators: readonly number[]): number[] {
  const seen = new Set<number>([group.identity]);
  let frontier = [group.identity];
  while (frontier.length) {
    const next: number[] = [];
    for (const a of frontier) {
      for (const s of generators) {
        const b = group.compose(a, s);
        if (!seen.has(b)) {
          seen.add(b);
          next.push(b);
        }
      }
    }
    frontier = next;
  }
  return [...seen].sort((a, b) => a - b);
}

function rotation2(k: number, r: number, n: number): [number, number, number, number] {
  const t = (2 * Math.PI * k * r) / n;
  const c = Math.cos(t);
  const s = Math.sin(t);
  return [c, -s, s, c];
}

/**
 * The real irreducible representations, in escnn's order and naming ψ_{j,k} (j: flip frequency,
 * k: rotation frequency).
 *
 * C_N: ψ_0 = trivial; ψ_k(r) = R(2πkr/N) for 1 ≤ k < N/2 (2-dim, complex type); ψ_{N/2}(r) = (−1)^r
 * for even N. D_N: ψ_{0,0} trivial, ψ_{1,0}(m, r) = (−1)^m, ψ_{1,k}(m, r) = F^m R(2πkr/N) with
 * F = diag(1, −1) for 1 ≤ k < N/2 (2-dim, real type), and for even N ψ_{0,N/2} = (−1)^r,
 * ψ_{1,N/2} = (−1)^{m+r}.
 */
export function irreducibleRepresentations(group: PlanarGroup): Representation[] {
  const n = group.n;
  const out: Representation[] = [];
  const one = (name: string, j: number, k: number, value: (flip: number, r: number) => number) =>
    new Representation(group, {
      name,
      size: 1,
      matrices: group.elements().map((g) => {
        const e = group.element(g);
        return Float64Array.of(value(e.flip, e.rotation));
      }),
      isPermutation: group.elements().every((g) => {
        const e = group.element(g);
        return value(e.flip, e.rotation) === 1;
      }),
      irrep: { type: 'real', j, k },
    });
  const two = (name: string, j: number, k: number, type: IrrepType) =>
    new Representation(group, {
      name,
      size: 2,
      matrices: group.elements().map((g) => {
        const { flip, rotation } = group.element(g);
        const [a, b, c, d] = rotation2(k, rotation, n);
        // F^m R with F = diag(1, −1) negates the second row.
        return flip ? Float64Array.of(a, b, -c, -d) : Float64Array.of(a, b, c, d);
      }),
      irrep: { type, j, k },
    });
  if (group.kind === 'cyclic') {
    out.push(one('irrep_0', 0, 0, () => 1));
    for (let k = 1; 2 * k < n; k++) out.push(two(`irrep_${k}`, 0, k, 'complex'));
    if (n % 2 === 0) out.push(one(`irrep_${n / 2}`, 0, n / 2, (_, r) => (r % 2 ? -1 : 1)));
  } else {
    out.push(one('irrep_0,0', 0, 0, () => 1));
    out.push(one('irrep_1,0', 1, 0, (m) => (m ? -1 : 1)));
    for (let k = 1; 2 * k < n; k++) out.push(two(`irrep_1,${k}`, 1, k, 'real'));
    if (n % 2 === 0) {
      out.push(one(`irrep_0,${n / 2}`, 0, n / 2, (_, r) => (r % 2 ? -1 : 1)));
      out.push(one(`irrep_1,${n / 2}`, 1, n / 2, (m, r) => ((m + r) % 2 ? -1 : 1)));
    }
  }
  return out;
}

/** The decomposition ρ_reg(g) = Q (⊕ᵢ ψᵢ(g)) Qᵀ of the regular representation into irreps. */
export interface RegularDecomposition {
  /** The irreps in block order, each repeated by its multiplicity in the regular representation. */
  irreps: Representation[];
  /** The orthogonal change of basis Q, row-major [|G|, |G|] (rows: group elements; columns: irrep coordinates). */
  changeOfBasis: Float64Array;
}

/**
 * Decomposes the regular representation into irreps by their matrix coefficients: for an orthogonal
 * irrep ψ of dimension d, the functions h ↦ ψ(h)_{ij} (fixed column j) span a copy of ψ inside the
 * regular representation, and Schur orthogonality makes √(d/|G|)·ψ(h)_{ij} orthonormal. A real-type
 * irrep occurs d times (j = 0 … d−1); a complex-type 2-dim irrep of C_N once (its two columns span
 * the same plane).
 */
export function decomposeRegular(group: PlanarGroup): RegularDecomposition {
  const size = group.order;
  const irreps: Representation[] = [];
  const columns: Float64Array[] = [];
  for (const psi of irreducibleRepresentations(group)) {
    const d = psi.size;
    const copies = psi.irrep!.type === 'real' ? d : 1;
    const scale = Math.sqrt(d / size);
    for (let j = 0; j < copies; j++) {
      irreps.push(psi);
      for (let i = 0; i < d; i++) {
        columns.push(Float64Array.from(group.elements(), (h) => scale * psi.matrix(h)[i * d + j]!));
      }
    }
  }
  if (columns.length !== size) {
    throw new Error(
      `decomposeRegular: internal error, ${columns.length} irrep coordinates for |${group.name}| = ${size}`,
    );
  }
  const q = new Float64Array(size * size);
  columns.forEach((col, c) => {
    for (let h = 0; h < size; h++) q[h * size + c] = col[h]!;
  });
  return { irreps, changeOfBasis: q };
}

/** The direct sum ρ₁ ⊕ ρ₂ ⊕ …: block-diagonal matrices. */
export function directSum(reps: readonly Representation[], name?: string): Representation {
  if (reps.length === 0) argError('directSum', 'reps', 'at least one representation', 'an empty list');
  const group = reps[0]!.group;
  for (const r of reps) {
    if (!r.group.equals(group))
      argError('directSum', 'reps', `representations of ${group.name}`, `one of ${r.group.name}`);
  }
  const size = reps.reduce((s, r) => s + r.size, 0);
  return new Representation(group, {
    name: name ?? reps.map((r) => r.name).join('⊕'),
    size,
    matrices: group.elements().map((g) => {
      const m = new Float64Array(size * size);
      let o = 0;
      for (const r of reps) {
        const block = r.matrix(g);
        for (let i = 0; i < r.size; i++)
          for (let j = 0; j < r.size; j++) m[(o + i) * size + o + j] = block[i * r.size + j]!;
        o += r.size;
      }
      return m;
    }),
    isPermutation: reps.every((r) => r.isPermutation),
  });
}
