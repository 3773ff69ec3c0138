import { argError, checkPositiveInt } from '../errors.js';

/** An element (m, r) of C_N or D_N: the plane map M^m R(2πr/N). */
export interface PlanarElement {
  /** 0 or 1: whether the element contains the mirror M (always 0 in C_N). */
  readonly flip: 0 | 1;
  /** r in [0, N): the rotation by 2πr/N. */
  readonly rotation: number;
}

/** A 2×2 matrix, row-major: [a, b, c, d] = [[a, b], [c, d]]. */
export type Matrix2 = readonly [number, number, number, number];

/**
 * The finite subgroups of O(2) that act on the plane: the cyclic group C_N (rotations by 2πr/N) and
 * the dihedral group D_N (those and N mirrors). Elements are integers in [0, order): the element
 * (m, r) has index m·N + r, so C_N's elements are 0 … N−1 and D_N lists the rotations first.
 *
 * Conventions (GrouPy's, so p4 / p4m filters and channels line up with it): plane points are
 * (u, v) = (row, column) offsets from the grid centre, rows growing downwards; R = [[cos, −sin],
 * [sin, cos]] acts on (u, v), which turns an image counter-clockwise as displayed; the mirror
 * M = diag(−1, 1) negates the row (an upside-down flip); (m, r) is the map M^m R^r (rotate, then
 * mirror). Composition follows from R^r M = M R^{−r}: (m₁, r₁)(m₂, r₂) = (m₁ ⊕ m₂, (−1)^{m₂} r₁ + r₂).
 */
export class PlanarGroup {
  readonly kind: 'cyclic' | 'dihedral';
  /** The rotation order N. */
  readonly n: number;
  /** |G|: N for C_N, 2N for D_N. */
  readonly order: number;
  /** 'C4', 'D4', … */
  readonly name: string;
  private readonly table: Int32Array;
  private readonly inverses: Int32Array;

  constructor(kind: 'cyclic' | 'dihedral', n: number) {
    const op = kind === 'cyclic' ? 'cyclicGroup' : 'dihedralGroup';
    if (kind !== 'cyclic' && kind !== 'dihedral')
      argError('PlanarGroup', 'kind', "'cyclic' or 'dihedral'", String(kind));
    this.kind = kind;
    this.n = checkPositiveInt(op, 'n', n);
    this.order = kind === 'cyclic' ? n : 2 * n;
    this.name = `${kind === 'cyclic' ? 'C' : 'D'}${n}`;
    this.table = new Int32Array(this.order * this.order);
    this.inverses = new Int32Array(this.order);
    for (let a = 0; a < this.order; a++) {
      const ea = this.element(a);
      for (let b = 0; b < this.order; b++) {
        const eb = this.element(b);
        const rotation = (eb.flip ? -ea.rotation : ea.rotation) + eb.rotation;
        this.table[a * this.order + b] = this.index((ea.flip ^ eb.flip) as 0 | 1, rotation);
      }
      // Mirrors are involutions; rotations invert to −r.
      this.inverses[a] = ea.flip ? a : this.index(0, -ea.rotation);
    }
  }

  /** The identity element (index 0). */
  get identity(): number {
    return 0;
  }

  /** Every element index, 0 … order−1. */
  elements(): number[] {
    return Array.from({ length: this.order }, (_, i) => i);
  }

  /** The index of M^flip R^rotation; `rotation` is taken modulo N. */
  index(flip: 0 | 1, rotation: number): number {
    if (flip !== 0 && flip !== 1) argError(`${this.name}.index`, 'flip', '0 or 1', String(flip));
    if (flip === 1 && this.kind === 'cyclic')
      argError(`${this.name}.index`, 'flip', `0 (${this.name} has no mirrors)`, '1');
    if (!Number.isInteger(rotation))
      argError(`${this.name}.index`, 'rotation', 'an integer', String(rotation));
    const r = ((rotation % this.n) + this.n) % this.n;
    return flip * this.n + r;
  }

  /** The (flip, rotation) pair of an element index. */
  element(g: number): PlanarElement {
    this.check('element', 'g', g);
    return { flip: (g >= this.n ? 1 : 0) as 0 | 1, rotation: g % this.n };
  }

  /** The product a·b (apply b, then a). */
  compose(a: number, b: number): number {
    this.check('compose', 'a', a);
    this.check('compose', 'b', b);
    return this.table[a * this.order + b]!;
  }

  inverse(g: number): number {
    this.check('inverse', 'g', g);
    return this.inverses[g]!;
  }

  /** The rotation R^k (k modulo N). */
  rotation(k: number): number {
    return this.index(0, k);
  }

  /** The mirror M R^k (D_N only). */
  reflection(k = 0): number {
    return this.index(1, k);
  }

  /** The rotation angle of g in radians, 2πr/N. */
  angle(g: number): number {
    return (2 * Math.PI * this.element(g).rotation) / this.n;
  }

  /** The 2×2 matrix M^m R(2πr/N) acting on (row, column) plane offsets. */
  planeMatrix(g: number): Matrix2 {
    const { flip, rotation } = this.element(g);
    const [c, s] = exactCosSin(rotation, this.n);
    const m = flip ? -1 : 1;
    // `+ 0` turns −0 into 0 so exact matrices compare equal.
    return [m * c + 0, -m * s + 0, s + 0, c + 0];
  }

  /**
   * Whether g maps the square pixel grid onto itself (its rotation is a multiple of 90°), so it acts
   * on images and filters by an exact permutation of pixels.
   */
  isGridSymmetry(g: number): boolean {
    return (4 * this.element(g).rotation) % this.n === 0;
  }

  /** Whether every element is a grid symmetry: C1, C2, C4, D1, D2, D4 (p4 is Z² ⋊ C4, p4m is Z² ⋊ D4). */
  get actsOnGrid(): boolean {
    return 4 % this.n === 0;
  }

  /** 'e', 'r^2', 'm', 'm r^3' … */
  describe(g: number): string {
    const { flip, rotation } = this.element(g);
    const r = rotation === 0 ? '' : rotation === 1 ? 'r' : `r^${rotation}`;
    if (flip) return r ? `m ${r}` : 'm';
    return r || 'e';
  }

  /** Same kind and N. */
  equals(other: PlanarGroup): boolean {
    return other instanceof PlanarGroup && other.kind === this.kind && other.n === this.n;
  }

  toString(): string {
    return this.name;
  }

  private check(method: string, arg: string, g: number): void {
    if (!Number.isInteger(g) || g < 0 || g >= this.order)
      argError(`${this.name}.${method}`, arg, `an element index in [0, ${this.order})`, String(g));
  }
}

/** cos and sin of 2πr/N, exact (0, ±1) at multiples of 90° so grid permutations are exact integers. */
function exactCosSin(r: number, n: number): [number, number] {
  if ((4 * r) % n === 0) {
    const quarter = ((4 * r) / n) % 4;
    return (
      [
        [1, 0],
        [0, 1],
        [-1, 0],
        [0, -1],
      ] as [number, number][]
    )[quarter]!;
  }
  const t = (2 * Math.PI * r) / n;
  return [Math.cos(t), Math.sin(t)];
}

/** The cyclic group C_N of rotations by 2πr/N. */
export function cyclicGroup(n: number): PlanarGroup {
  return new PlanarGroup('cyclic', n);
}

/** The dihedral group D_N of order 2N: rotations by 2πr/N and N mirrors. */
export function dihedralGroup(n: number): PlanarGroup {
  return new PlanarGroup('dihedral', n);
}
