/**
 * The lowest eigenpairs of the generalised problem L φ = λ M φ (L symmetric positive semi-definite,
 * M symmetric positive definite), float64 CPU path: block shift-invert subspace iteration with a
 * sparse Cholesky factor of L + σM and Rayleigh–Ritz on the M-orthonormalised block. A block (not a
 * single-vector Lanczos) resolves the exactly repeated eigenvalues of symmetric meshes (the 3, 5, 7
 * … copies on an icosphere).
 */
import { symmetricEigen64 } from '@erlangen/core';
import { argError, checkPositiveInt, ErlangenError } from '../errors.js';
import { SparseCholesky } from './cholesky.js';
import type { CsrMatrix } from './sparse.js';

export interface EigenOptions {
  /** Relative residual ‖Lφ − λMφ‖ / ((|λ| + s)‖Mφ‖), s = tr L / tr M, every returned pair must reach (default 1e-10). */
  tolerance?: number;
  maxIterations?: number;
  /** Block size (default max(2k, k + 8), at most V). */
  blockSize?: number;
  /** Seed of the starting block. */
  seed?: number;
}

export interface EigenResult {
  /** float64 [k], ascending. */
  values: Float64Array;
  /** float64 [V, k] row-major, M-orthonormal columns (Φᵀ M Φ = I). */
  vectors: Float64Array;
  iterations: number;
  /** Largest relative residual of the k pairs. */
  residual: number;
}

/**
 * Eigen-decomposition of a dense symmetric n×n matrix (float64 [n, n] row-major → values [n]
 * ascending, vectors [n, n] with eigenvectors as columns): core's `symmetricEigen64`, kept under
 * mesh-gauge's earlier name.
 */
export { symmetricEigen64 as symmetricEigen } from '@erlangen/core';

/** M-orthonormalises a block of columns by modified Gram–Schmidt, twice (M·column cached per column). */
function mOrthonormalize(cols: Float64Array[], m: CsrMatrix): void {
  for (let pass = 0; pass < 2; pass++) {
    const mcols: Float64Array[] = [];
    for (let j = 0; j < cols.length; j++) {
      const v = cols[j]!;
      for (let i = 0; i < j; i++) {
        const u = cols[i]!;
        const mu = mcols[i]!;
        let d = 0;
        for (let k = 0; k < v.length; k++) d += v[k]! * mu[k]!;
        for (let k = 0; k < v.length; k++) v[k]! -= d * u[k]!;
      }
      const mv = m.mul(v);
      let nrm = 0;
      for (let k = 0; k < v.length; k++) nrm += v[k]! * mv[k]!;
      nrm = Math.sqrt(nrm);
      if (!(nrm > 1e-300)) throw new ErlangenError('generalizedEigen: the iteration block lost rank');
      for (let k = 0; k < v.length; k++) {
        v[k]! /= nrm;
        mv[k]! /= nrm;
      }
      mcols.push(mv);
    }
  }
}

/** Lowest `k` eigenpairs of L φ = λ M φ. */
export function generalizedEigen(
  l: CsrMatrix,
  m: CsrMatrix,
  k: number,
  opts: EigenOptions = {},
): EigenResult {
  const n = l.rows;
  checkPositiveInt('generalizedEigen', 'k', k);
  if (k > n) argError('generalizedEigen', 'k', `at most the matrix size ${n}`, String(k));
  if (m.rows !== n || l.cols !== n || m.cols !== n)
    argError('generalizedEigen', 'm', `a ${n}×${n} matrix like l`, `${m.rows}×${m.cols}`);
  const p = Math.min(n, opts.blockSize ?? Math.max(2 * k, k + 8));
  const tol = opts.tolerance ?? 1e-10;
  const maxIt = opts.maxIterations ?? 1000;
  const ld = l.diagonalValues();
  const md = m.diagonalValues();
  const scale = ld.reduce((s, x) => s + x, 0) / md.reduce((s, x) => s + x, 0);
  // A small positive shift makes L + σM positive definite without drowning the low spectrum.
  const sigma = 1e-4 * scale;
  const chol = new SparseCholesky(addScaled(l, m, sigma));
  // Deterministic pseudo-random start (xorshift), independent of core's RNG.
  let state = (opts.seed ?? 1) >>> 0 || 1;
  const rnd = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296 - 0.5;
  };
  let cols: Float64Array[] = Array.from({ length: p }, () => Float64Array.from({ length: n }, rnd));
  let values: Float64Array = new Float64Array(p);
  let residual = Infinity;
  let it = 0;
  for (; it < maxIt; it++) {
    cols = cols.map((c) => chol.solve(m.mul(c)));
    mOrthonormalize(cols, m);
    const lc = cols.map((c) => l.mul(c));
    const H = new Float64Array(p * p);
    for (let i = 0; i < p; i++)
      for (let j = i; j < p; j++) {
        let s = 0;
        const a = cols[i]!;
        const b = lc[j]!;
        for (let t = 0; t < n; t++) s += a[t]! * b[t]!;
        H[i * p + j] = H[j * p + i] = s;
      }
    const eig = symmetricEigen64(H, p);
    values = eig.values;
    const next = Array.from({ length: p }, () => new Float64Array(n));
    for (let j = 0; j < p; j++) {
      const out = next[j]!;
      for (let i = 0; i < p; i++) {
        const q = eig.vectors[i * p + j]!;
        if (q === 0) continue;
        const c = cols[i]!;
        for (let t = 0; t < n; t++) out[t]! += q * c[t]!;
      }
    }
    cols = next;
    residual = 0;
    for (let j = 0; j < k; j++) {
      const lx = l.mul(cols[j]!);
      const mx = m.mul(cols[j]!);
      let r = 0;
      let b = 0;
      for (let t = 0; t < n; t++) {
        r += (lx[t]! - values[j]! * mx[t]!) ** 2;
        b += mx[t]! ** 2;
      }
      // ‖M⁻¹L‖ ≈ scale, so this is a backward error that stays meaningful at λ = 0.
      residual = Math.max(residual, Math.sqrt(r) / ((Math.abs(values[j]!) + scale) * Math.sqrt(b) + 1e-300));
    }
    if (residual < tol) break;
  }
  if (!(residual < tol * 100))
    throw new ErlangenError(
      `generalizedEigen: no convergence after ${it} iterations (residual ${residual.toExponential(2)}; raise blockSize or maxIterations)`,
    );
  const vectors = new Float64Array(n * k);
  for (let j = 0; j < k; j++) {
    const c = cols[j]!;
    // Fix the sign so results are reproducible: the largest-magnitude entry is positive.
    let big = 0;
    for (let t = 0; t < n; t++) if (Math.abs(c[t]!) > Math.abs(big)) big = c[t]!;
    const s = big < 0 ? -1 : 1;
    for (let t = 0; t < n; t++) vectors[t * k + j] = s * c[t]!;
  }
  return { values: values.slice(0, k), vectors, iterations: it + 1, residual };
}

function addScaled(l: CsrMatrix, m: CsrMatrix, sigma: number): CsrMatrix {
  const ctor = l.constructor as typeof CsrMatrix;
  return ctor.add(l, m, 1, sigma);
}
