/**
 * Eigen-decomposition of a dense real symmetric matrix, float64 CPU path (plain TypeScript on
 * Float64Array, outside the float32 tensor engine): cyclic Jacobi rotations. O(n³) per sweep and a
 * handful of sweeps (convergence is quadratic), so it is meant for the small matrices of
 * Rayleigh–Ritz steps and kernel Gram matrices (n up to a few hundred), where Jacobi's accuracy on
 * tiny and repeated eigenvalues matters more than speed. Shared by mesh-gauge (generalised
 * eigenproblems) and info-bottleneck (matrix-based Rényi entropy).
 */
import { argError } from '../errors.js';

export interface SymmetricEigen64Result {
  /** float64 [n], ascending. */
  values: Float64Array;
  /** float64 [n, n] row-major; column j is the unit eigenvector of values[j] (orthonormal columns). */
  vectors: Float64Array;
}

/**
 * Sweeps stop when the off-diagonal mass Σ_{i<j} a_ij² falls below this fraction of ‖A‖²_F. The
 * threshold is relative because rounding keeps |a_ij| near ε·‖A‖, so an absolute one may never be met.
 */
const OFF_DIAGONAL_TOLERANCE = 1e-32;
/** Jacobi converges quadratically; 100 sweeps is far beyond what any float64 input needs. */
const MAX_SWEEPS = 100;
/** Largest |a_ij − a_ji| accepted, relative to max |a|: room for rounding, not for a wrong layout. */
const SYMMETRY_TOLERANCE = 1e-8;

/**
 * Checks `a` (float64 [n, n] row-major) and returns a symmetrised float64 copy: each pair a_ij, a_ji
 * is replaced by its mean, so rounding-level asymmetry of a computed Gram matrix is not amplified.
 */
function symmetricCopy(op: string, a: ArrayLike<number>, n: number): Float64Array {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
    argError(op, 'n', 'a non-negative integer matrix size', String(n));
  if (a === null || typeof a !== 'object' || typeof a.length !== 'number')
    argError(op, 'a', `a float64 [${n}, ${n}] row-major array`, String(a));
  if (a.length !== n * n)
    argError(op, 'a', `${n * n} entries (float64 [${n}, ${n}] row-major)`, `${a.length} entries`);
  const out = Float64Array.from(a);
  let maxAbs = 0;
  for (let i = 0; i < out.length; i++) {
    const v = out[i]!;
    if (!Number.isFinite(v))
      argError(op, 'a', 'finite entries', `${v} at row ${Math.floor(i / n)}, column ${i % n}`);
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const aij = out[i * n + j]!;
      const aji = out[j * n + i]!;
      if (Math.abs(aij - aji) > SYMMETRY_TOLERANCE * maxAbs)
        argError(op, 'a', 'a symmetric matrix', `a[${i}, ${j}] = ${aij} but a[${j}, ${i}] = ${aji}`);
      out[i * n + j] = out[j * n + i] = 0.5 * (aij + aji);
    }
  return out;
}

/**
 * Diagonalises the symmetric `a` [n, n] in place by cyclic Jacobi sweeps (A ← Jᵀ A J); when `v` is
 * given ([n, n], the identity on entry) the rotations are accumulated into it (V ← V J).
 */
function jacobiInPlace(a: Float64Array, n: number, v: Float64Array | null): void {
  let total = 0;
  for (let i = 0; i < n * n; i++) total += a[i]! ** 2;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i * n + j]! ** 2;
    if (off <= OFF_DIAGONAL_TOLERANCE * total || off === 0) return;
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        // The smaller root t of t² + 2θt − 1 = 0 keeps the rotation angle ≤ π/4 (stable sweeps).
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        rotateColumns(a, n, p, q, c, s);
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        if (v) rotateColumns(v, n, p, q, c, s);
      }
  }
}

/** Columns p, q of the row-major [n, n] `m` ← (c·m_p − s·m_q, s·m_p + c·m_q). */
function rotateColumns(m: Float64Array, n: number, p: number, q: number, c: number, s: number): void {
  for (let k = 0; k < n; k++) {
    const mkp = m[k * n + p]!;
    const mkq = m[k * n + q]!;
    m[k * n + p] = c * mkp - s * mkq;
    m[k * n + q] = s * mkp + c * mkq;
  }
}

/** Diagonal indices of the diagonalised `a` [n, n], ordered by ascending value (ties by index). */
function ascendingOrder(a: Float64Array, n: number): number[] {
  return Array.from({ length: n }, (_, i) => i).sort((x, y) => a[x * n + x]! - a[y * n + y]!);
}

/**
 * Eigenvalues and orthonormal eigenvectors of the symmetric `a` (float64 [n, n] row-major; not
 * modified): values [n] ascending, vectors [n, n] with column j belonging to values[j]. Eigenvector
 * signs are whatever the rotations produce. Throws an `ErlangenError` for a wrong length, a
 * non-finite entry or a non-symmetric matrix.
 */
export function symmetricEigen64(a: ArrayLike<number>, n: number): SymmetricEigen64Result {
  const work = symmetricCopy('symmetricEigen64', a, n);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  jacobiInPlace(work, n, v);
  const order = ascendingOrder(work, n);
  const values = Float64Array.from(order, (i) => work[i * n + i]!);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src]!;
  });
  return { values, vectors };
}

/**
 * Eigenvalues only (float64 [n], ascending) of the symmetric `a` (float64 [n, n] row-major; not
 * modified): the rotations of `symmetricEigen64` without accumulating the eigenvectors, about a
 * third less work. Same input checks.
 */
export function symmetricEigenvalues64(a: ArrayLike<number>, n: number): Float64Array {
  const work = symmetricCopy('symmetricEigenvalues64', a, n);
  jacobiInPlace(work, n, null);
  return Float64Array.from(ascendingOrder(work, n), (i) => work[i * n + i]!);
}
