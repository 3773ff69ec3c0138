import { argError, checkPositiveInt, ErlangenError } from '@erlangen/core';
import {
  checkSameCount,
  type LabelInput,
  type Matrix,
  type SampleInput,
  toLabels,
  toMatrix,
} from '../matrix.js';
import { mulberry32 } from '../random.js';
import { digamma } from './digamma.js';

/**
 * Kraskov–Stögbauer–Grassberger k-nearest-neighbour estimators, in bits.
 *
 * `ksgMutualInformation` (KSG algorithm 1, max-norm): with εᵢ the distance from sample i to its k-th
 * neighbour in the joint space (max of the X and Y max-norm distances), nₓ(i) and n_y(i) the numbers of
 * other samples strictly closer than εᵢ in X and in Y:
 *   I = ψ(k) + ψ(N) − ⟨ψ(nₓ + 1) + ψ(n_y + 1)⟩.
 * `ksgMixedInformation` (Ross 2014, as scikit-learn's mutual_info_classif) for continuous X and discrete
 * labels Y: dᵢ = distance to the k-th neighbour among the Nᵧ samples of i's class (k capped at Nᵧ − 1),
 * mᵢ = number of samples of any class within distance < dᵢ (i included):
 *   I = ψ(N) + ⟨ψ(kᵢ)⟩ − ⟨ψ(Nᵧ)⟩ − ⟨ψ(mᵢ)⟩. Samples alone in their class are dropped, as scikit-learn does.
 * Cost: brute force O(N²·d) time, O(N) memory (no tree; fine to N ≈ 10⁴). Bias: k is the parameter
 * (small k: low bias, high variance); the estimate is biased toward 0 for strong dependence (it
 * saturates near ψ(N) − ψ(k)) and undefined for exact ties (discrete or deterministic data): add a tiny
 * jitter (`jitter`, default 0) as scikit-learn does (1e-10·scale) before using it on binary inputs.
 */
export interface KsgOptions {
  /** neighbours (default 3); must be < N */
  k?: number;
  /** standard deviation of Gaussian noise added to every coordinate (default 0) to break ties */
  jitter?: number;
  /** seed of the jitter noise (default 0) */
  seed?: number;
}

function addJitter(m: Matrix, sd: number, seed: number): Matrix {
  if (sd === 0) return m;
  if (!(sd > 0)) argError('ksg', 'jitter', 'a non-negative standard deviation', String(sd));
  const values = Float64Array.from(m.values);
  // Mulberry32 + Box–Muller: deterministic noise without touching the core's generator.
  const uniform = mulberry32((seed | 0) + 0x6d2b79f5);
  for (let i = 0; i < values.length; i++) {
    const u1 = uniform() || 1e-12;
    values[i]! += sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * uniform());
  }
  return { values, rows: m.rows, cols: m.cols };
}

/** Max-norm distances from row i to every row: out[j] = max_c |x[i,c] − x[j,c]|. */
function chebyshevRow(m: Matrix, i: number, out: Float64Array): void {
  const { values, rows, cols } = m;
  const bi = i * cols;
  for (let j = 0; j < rows; j++) {
    const bj = j * cols;
    let d = 0;
    for (let c = 0; c < cols; c++) {
      const v = Math.abs(values[bi + c]! - values[bj + c]!);
      if (v > d) d = v;
    }
    out[j] = d;
  }
}

/** k-th smallest of `a` excluding index `self` (quickselect on a scratch copy). */
function kthSmallest(a: Float64Array, self: number, k: number, scratch: Float64Array, count: number): number {
  let n = 0;
  for (let j = 0; j < count; j++) if (j !== self) scratch[n++] = a[j]!;
  let lo = 0;
  let hi = n - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = scratch[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (scratch[i]! < pivot) i++;
      while (scratch[j]! > pivot) j--;
      if (i <= j) {
        const t = scratch[i]!;
        scratch[i] = scratch[j]!;
        scratch[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return scratch[target]!;
}

function checkK(op: string, k: number, n: number): number {
  checkPositiveInt(op, 'k', k);
  if (k >= n) argError(op, 'k', `a neighbour count k < N = ${n}`, `k = ${k}`);
  return k;
}

/**
 * Kozachenko–Leonenko k-NN estimate of the differential entropy h(X) in bits of continuous samples
 * X [N, d], in the max-norm (Kraskov et al. 2004, eq. 20):
 *   ĥ = ψ(N) − ψ(k) + (d/N) Σᵢ log(2 rᵢ),  rᵢ = distance to the k-th neighbour.
 * Cost O(N²d). Diverges to −∞ for exact ties (deterministic layers of discrete inputs): add noise.
 */
export function ksgEntropy(x: SampleInput, opts: KsgOptions = {}): number {
  const op = 'ksgEntropy';
  let m = toMatrix(op, 'x', x);
  const n = m.rows;
  const k = checkK(op, opts.k ?? 3, n);
  m = addJitter(m, opts.jitter ?? 0, opts.seed ?? 0);
  const d = new Float64Array(n);
  const scratch = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    chebyshevRow(m, i, d);
    const r = kthSmallest(d, i, k, scratch, n);
    if (!(r > 0)) throw new ErlangenError(`${op}: sample ${i} has ${k} or more exact duplicates; add jitter`);
    acc += Math.log(2 * r);
  }
  return (digamma(n) - digamma(k) + (m.cols * acc) / n) / Math.LN2;
}

/** KSG (algorithm 1) estimate of I(X;Y) in bits for continuous X [N, dx] and Y [N, dy]. */
export function ksgMutualInformation(x: SampleInput, y: SampleInput, opts: KsgOptions = {}): number {
  const op = 'ksgMutualInformation';
  let mx = toMatrix(op, 'x', x);
  let my = toMatrix(op, 'y', y);
  checkSameCount(op, ['x', mx.rows], ['y', my.rows]);
  const n = mx.rows;
  const k = checkK(op, opts.k ?? 3, n);
  mx = addJitter(mx, opts.jitter ?? 0, opts.seed ?? 0);
  my = addJitter(my, opts.jitter ?? 0, (opts.seed ?? 0) + 1);
  const dx = new Float64Array(n);
  const dy = new Float64Array(n);
  const dj = new Float64Array(n);
  const scratch = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    chebyshevRow(mx, i, dx);
    chebyshevRow(my, i, dy);
    for (let j = 0; j < n; j++) dj[j] = Math.max(dx[j]!, dy[j]!);
    const eps = kthSmallest(dj, i, k, scratch, n);
    let nx = 0;
    let ny = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      if (dx[j]! < eps) nx++;
      if (dy[j]! < eps) ny++;
    }
    acc += digamma(nx + 1) + digamma(ny + 1);
  }
  const nats = digamma(k) + digamma(n) - acc / n;
  return Math.max(0, nats) / Math.LN2;
}

/** Mixed continuous/discrete KSG (Ross 2014) estimate of I(X;Y) in bits, X [N, d], labels Y [N]. */
export function ksgMixedInformation(x: SampleInput, labels: LabelInput, opts: KsgOptions = {}): number {
  const op = 'ksgMixedInformation';
  let mx = toMatrix(op, 'x', x);
  const y = toLabels(op, 'labels', labels);
  checkSameCount(op, ['x', mx.rows], ['labels', y.length]);
  const n = mx.rows;
  const k = checkK(op, opts.k ?? 3, n);
  mx = addJitter(mx, opts.jitter ?? 0, opts.seed ?? 0);
  const classCount = new Map<number, number>();
  for (let i = 0; i < n; i++) classCount.set(y[i]!, (classCount.get(y[i]!) ?? 0) + 1);
  const d = new Float64Array(n);
  const same = new Float64Array(n);
  const scratch = new Float64Array(n);
  let sumK = 0;
  let sumNy = 0;
  let sumM = 0;
  let used = 0;
  for (let i = 0; i < n; i++) {
    const ny = classCount.get(y[i]!)!;
    if (ny < 2) continue;
    chebyshevRow(mx, i, d);
    const ki = Math.min(k, ny - 1);
    let cnt = 0;
    let selfPos = -1;
    for (let j = 0; j < n; j++) {
      if (y[j] === y[i]) {
        if (j === i) selfPos = cnt;
        same[cnt++] = d[j]!;
      }
    }
    const radius = kthSmallest(same, selfPos, ki, scratch, cnt);
    let m = 0;
    for (let j = 0; j < n; j++) if (d[j]! < radius && classCount.get(y[j]!)! > 1) m++;
    // The point itself is at distance 0 < radius; guard radius = 0 (ties) so ψ(m) stays finite.
    if (m < 1) m = 1;
    sumK += digamma(ki);
    sumNy += digamma(ny);
    sumM += digamma(m);
    used++;
  }
  if (used === 0)
    throw new ErlangenError(`${op}: every class has a single sample; the estimator needs ≥ 2 per class`);
  const nats = digamma(used) + sumK / used - sumNy / used - sumM / used;
  return Math.max(0, nats) / Math.LN2;
}
