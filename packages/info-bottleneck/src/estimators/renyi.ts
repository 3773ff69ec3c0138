import { argError, ErlangenError, symmetricEigenvalues64 } from '@erlangen/core';
import { checkSameCount, type Matrix, type SampleInput, toMatrix } from '../matrix.js';

/**
 * Matrix-based Rényi α-entropy (Sánchez Giraldo, Rao & Príncipe 2015; used for DNN information planes
 * by Yu & Príncipe 2019). With a Gaussian Gram matrix Kᵢⱼ = exp(−‖xᵢ − xⱼ‖² / 2s²) and A = K / tr K:
 *   S_α(A) = 1/(1 − α) · log₂ Σᵢ λᵢ(A)^α,
 *   S_α(A, B) = S_α(A ∘ B / tr(A ∘ B)),  I_α(A; B) = S_α(A) + S_α(B) − S_α(A, B).
 * No density is estimated: these are functionals of the eigenvalues. Cost O(N²d) for the Gram matrix
 * and O(N³) for the eigenvalues (core's cyclic Jacobi `symmetricEigenvalues64`, float64), so use it
 * on batches of a few hundred samples. Bias: the kernel width s drives it (s → 0: S → log₂ N;
 * s → ∞: S → 0); α → 1 approaches Shannon's form; the values are not Shannon information and are
 * comparable only at fixed s and α.
 * Default s: Silverman's rule s = γ·N^(−1/(4 + d)) with γ = 1 for unit-scaled data (Yu & Príncipe).
 */
export interface RenyiOptions {
  /** order α > 0, α ≠ 1 (default 1.01) */
  alpha?: number;
  /** kernel width s of the first variable (default N^(−1/(4+d))) */
  sigma?: number;
  /** kernel width of the second variable in mutual information (default N^(−1/(4+d))) */
  sigmaY?: number;
}

function checkAlpha(op: string, a: number): number {
  if (!(a > 0) || a === 1 || !Number.isFinite(a))
    argError(op, 'alpha', 'an order α > 0 with α ≠ 1', String(a));
  return a;
}

function defaultSigma(m: Matrix): number {
  return m.rows ** (-1 / (4 + m.cols));
}

/** Normalised Gaussian Gram matrix A = K / tr K (N×N, float64, row-major). */
export function normalizedGram(m: Matrix, sigma: number): Float64Array {
  if (!(sigma > 0) || !Number.isFinite(sigma))
    argError('normalizedGram', 'sigma', 'a positive kernel width', String(sigma));
  const n = m.rows;
  const out = new Float64Array(n * n);
  const s = 1 / (2 * sigma * sigma);
  for (let i = 0; i < n; i++) {
    out[i * n + i] = 1 / n;
    for (let j = i + 1; j < n; j++) {
      let d2 = 0;
      for (let c = 0; c < m.cols; c++) {
        const v = m.values[i * m.cols + c]! - m.values[j * m.cols + c]!;
        d2 += v * v;
      }
      const k = Math.exp(-d2 * s) / n;
      out[i * n + j] = k;
      out[j * n + i] = k;
    }
  }
  return out;
}

/**
 * Eigenvalues (float64 [N], ascending) of a symmetric N×N matrix (float64 [N, N] row-major; not
 * modified): core's `symmetricEigenvalues64` (cyclic Jacobi), kept under this package's earlier name.
 */
export { symmetricEigenvalues64 as symmetricEigenvalues } from '@erlangen/core';

function entropyOfGram(a: Float64Array, n: number, alpha: number): number {
  const ev = symmetricEigenvalues64(a, n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const l = ev[i]!;
    if (l > 0) s += l ** alpha;
  }
  if (!(s > 0)) throw new ErlangenError('renyi: the Gram matrix has no positive eigenvalue');
  return Math.log2(s) / (1 - alpha);
}

/** S_α(X) in bits of samples X [N, d]. */
export function renyiEntropy(x: SampleInput, opts: RenyiOptions = {}): number {
  const op = 'renyiEntropy';
  const m = toMatrix(op, 'x', x);
  const alpha = checkAlpha(op, opts.alpha ?? 1.01);
  return entropyOfGram(normalizedGram(m, opts.sigma ?? defaultSigma(m)), m.rows, alpha);
}

/** I_α(X; Y) = S_α(X) + S_α(Y) − S_α(X, Y) in bits, X [N, dx], Y [N, dy]. */
export function renyiMutualInformation(x: SampleInput, y: SampleInput, opts: RenyiOptions = {}): number {
  const op = 'renyiMutualInformation';
  const mx = toMatrix(op, 'x', x);
  const my = toMatrix(op, 'y', y);
  checkSameCount(op, ['x', mx.rows], ['y', my.rows]);
  const alpha = checkAlpha(op, opts.alpha ?? 1.01);
  const n = mx.rows;
  const ax = normalizedGram(mx, opts.sigma ?? defaultSigma(mx));
  const ay = normalizedGram(my, opts.sigmaY ?? defaultSigma(my));
  const axy = new Float64Array(n * n);
  let tr = 0;
  for (let i = 0; i < n * n; i++) axy[i] = ax[i]! * ay[i]!;
  for (let i = 0; i < n; i++) tr += axy[i * n + i]!;
  for (let i = 0; i < n * n; i++) axy[i]! /= tr;
  return entropyOfGram(ax, n, alpha) + entropyOfGram(ay, n, alpha) - entropyOfGram(axy, n, alpha);
}
