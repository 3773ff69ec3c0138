import { argError, concat, ErlangenError, matmul, type Tensor, tensor, tidy } from '@erlangen/core';
import { checkSameCount, type LabelInput, type SampleInput, toLabels, toMatrix } from '../matrix.js';

/**
 * Kolchinsky–Tracey KDE bounds (Kolchinsky & Tracey 2017; used by Saxe et al. 2018, ibsgd `kde.py`).
 * The layer is treated as T = h(X) + ε with ε ~ N(0, σ²I) (σ² = `noiseVariance`), so T is a mixture
 * of N Gaussians centred on the activations h(xᵢ). With Dᵢⱼ = ‖h(xᵢ) − h(xⱼ)‖²:
 *
 *   H_KL(T)  = d/2 − (1/N) Σᵢ log[(1/N) Σⱼ exp(−Dᵢⱼ / 2σ²)] + (d/2) log(2πσ²)   (upper bound)
 *   H_BD(T)  = H_KL with σ² → 4σ², plus (d/2) log(1/4)                             (lower bound)
 *   H(T | X) = (d/2) log(2πeσ²)
 *   I(X;T)   = H(T) − H(T|X),    I(T;Y) = H(T) − Σ_y p(y) H(T | Y = y)
 *
 * The upper bound of I(X;T) is at most log N: each inner sum is at least its own term exp(0) = 1.
 * Cost: O(N²d) for the distances and O(N²) for the log-sum-exps, all on the core's backend: per block of
 * `blockRows` rows one matmul (‖a‖² + ‖b‖² − 2abᵀ) and one fused logsumexp per variance, so memory is
 * blockRows·N floats and no JavaScript loop touches the N² entries. Bias: σ² is the parameter that
 * drives it — small σ² → I(X;T) → log N, large σ² → 0; the bounds are tight when the mixture
 * components are well separated or heavily overlapping. Results are in bits; the distance matmul runs in
 * float32 (relative error ~1e-6 of ‖a‖²), the rest in float64.
 */
export interface KdeOptions {
  /** σ², the variance of the added Gaussian noise (default 0.1, as ibsgd). Must be > 0. */
  noiseVariance?: number;
  /** Rows of the distance matrix computed per matmul block (default 1024): bounds memory to block·N floats. */
  blockRows?: number;
}

export interface KdeInformation {
  /** I(X;T) upper bound (KL) in bits */
  ixtUpper: number;
  /** I(X;T) lower bound (Bhattacharyya) in bits */
  ixtLower: number;
  /** I(T;Y) upper bound in bits */
  ityUpper: number;
  /** I(T;Y) lower bound in bits */
  ityLower: number;
  /** H_KL(T) in bits */
  hUpper: number;
  /** H_BD(T) in bits */
  hLower: number;
}

const LN2 = Math.LN2;

function checkVariance(op: string, v: number): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))
    argError(op, 'noiseVariance', 'a positive finite noise variance σ² > 0', String(v));
  return v;
}

/**
 * Squared pairwise distances of the rows of `x` [N, d] as float32 [N, N] (entries clamped at 0),
 * computed on the active backend as one matmul per block of rows.
 */
export function pairwiseSquaredDistances(x: Tensor, blockRows = 1024): Tensor {
  return tidy(() => {
    const n = x.shape[0]!;
    const norms = x.square().sum(1, true); // [N, 1]
    const blocks: Tensor[] = [];
    const xt = x.transpose(); // [d, N]
    const normsRow = norms.reshape([1, n]);
    for (let start = 0; start < n; start += blockRows) {
      const len = Math.min(blockRows, n - start);
      const xb = x.narrow(0, start, len); // [len, d]
      const nb = norms.narrow(0, start, len); // [len, 1]
      blocks.push(nb.add(normsRow).sub(matmul(xb, xt).mul(2)).maximum(0));
    }
    return blocks.length === 1 ? blocks[0]! : concat(blocks, 0);
  });
}

/**
 * Row log-sum-exps Lᵥ[i] = log Σⱼ exp(−Dᵢⱼ / 2v) for each variance v, on the active backend: per block
 * of rows one distance matmul, then one fused logsumexp per variance; the N×N matrix never exists
 * whole. Returns float64 [variances.length][N].
 */
function rowLogSumExps(
  values: Float64Array,
  rows: number,
  cols: number,
  variances: number[],
  blockRows: number,
): Float64Array[] {
  if (!Number.isInteger(blockRows) || blockRows < 1)
    argError('kde', 'blockRows', 'a positive integer', String(blockRows));
  const out = variances.map(() => new Float64Array(rows));
  tidy(() => {
    const x = tensor(Float32Array.from(values), [rows, cols]);
    const norms = x.square().sum(1, true); // [N, 1]
    const normsRow = norms.reshape([1, rows]);
    const xt = x.transpose(); // [d, N]
    for (let start = 0; start < rows; start += blockRows) {
      const len = Math.min(blockRows, rows - start);
      tidy(() => {
        const d2 = norms
          .narrow(0, start, len)
          .add(normsRow)
          .sub(matmul(x.narrow(0, start, len), xt).mul(2))
          .maximum(0); // [len, N]
        variances.forEach((v, k) => {
          out[k]!.set(
            d2
              .mul(-1 / (2 * v))
              .logsumexp(1)
              .dataSync() as Float32Array,
            start,
          );
        });
      });
    }
  });
  return out;
}

function subsetRows(m: { values: Float64Array; cols: number }, idx: number[]): Float64Array {
  const out = new Float64Array(idx.length * m.cols);
  idx.forEach((r, i) => {
    out.set(m.values.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols);
  });
  return out;
}

/**
 * H_KL (upper) and H_BD (lower) in nats of the mixture centred on the rows of `values` [n, d].
 * float32 cancellation in ‖a‖² + ‖b‖² − 2ab can leave self-distances slightly above 0; the caller caps
 * I(X;T) at log N, which the exact value never exceeds.
 */
function entropyBounds(
  values: Float64Array,
  n: number,
  dims: number,
  variance: number,
  blockRows: number,
): [number, number] {
  const [lseU, lseL] = rowLogSumExps(values, n, dims, [variance, 4 * variance], blockRows);
  const h = (lse: Float64Array, v: number) => {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += lse[i]!;
    mean /= n;
    return dims / 2 - (mean - Math.log(n) - (dims / 2) * Math.log(2 * Math.PI * v));
  };
  return [h(lseU!, variance), h(lseL!, 4 * variance) + (dims / 2) * Math.log(0.25)];
}

/** H(T) bounds in bits of activations [N, d] with noise σ²: { upper, lower }. */
export function kdeEntropy(
  activations: SampleInput,
  opts: KdeOptions = {},
): { upper: number; lower: number } {
  const op = 'kdeEntropy';
  const variance = checkVariance(op, opts.noiseVariance ?? 0.1);
  const m = toMatrix(op, 'activations', activations);
  const [u, l] = entropyBounds(m.values, m.rows, m.cols, variance, opts.blockRows ?? 1024);
  return { upper: u / LN2, lower: l / LN2 };
}

/**
 * KDE upper/lower bounds of I(X;T) and I(T;Y) for a layer's activations T [N, d] and labels Y [N]
 * (see the module comment for the formulas). X enters only through T = h(X): H(T|X) is the noise entropy.
 */
export function kdeInformation(
  activations: SampleInput,
  labels: LabelInput,
  opts: KdeOptions = {},
): KdeInformation {
  const op = 'kdeInformation';
  const variance = checkVariance(op, opts.noiseVariance ?? 0.1);
  const m = toMatrix(op, 'activations', activations);
  const y = toLabels(op, 'labels', labels);
  checkSameCount(op, ['activations', m.rows], ['labels', y.length]);
  const n = m.rows;
  const dims = m.cols;
  const blockRows = opts.blockRows ?? 1024;
  const [hU, hL] = entropyBounds(m.values, n, dims, variance, blockRows);
  const hGivenX = (dims / 2) * (Math.log(2 * Math.PI * variance) + 1);
  // H(T | Y = y): the same bounds over each class's samples.
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const g = groups.get(y[i]!);
    if (g) g.push(i);
    else groups.set(y[i]!, [i]);
  }
  let hUGivenY = 0;
  let hLGivenY = 0;
  for (const members of groups.values()) {
    const [u, l] = entropyBounds(subsetRows(m, members), members.length, dims, variance, blockRows);
    hUGivenY += (members.length / n) * u;
    hLGivenY += (members.length / n) * l;
  }
  if (!Number.isFinite(hU) || !Number.isFinite(hL))
    throw new ErlangenError(`${op}: non-finite entropy (check the activations' scale)`);
  const capBits = Math.log2(n);
  return {
    ixtUpper: Math.min(capBits, (hU - hGivenX) / LN2),
    ixtLower: Math.min(capBits, (hL - hGivenX) / LN2),
    ityUpper: (hU - hUGivenY) / LN2,
    ityLower: (hL - hLGivenY) / LN2,
    hUpper: hU / LN2,
    hLower: hL / LN2,
  };
}
