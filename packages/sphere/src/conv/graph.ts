import {
  argError,
  checkPositiveInt,
  fmtShape,
  Generator,
  indexAdd,
  nn,
  randn,
  stack,
  type Tensor,
  tensor,
  zeros,
} from '@erlangen/core';
import { checkNside, type HealpixOrder, healpixSampling } from '../sampling/healpix.js';

/**
 * A sparse symmetric operator in COO form (rows, cols, values), float64 values; `apply` multiplies
 * `[n, features]` tensors differentiably (indexSelect + scale + indexAdd).
 */
export interface SparseOperator {
  readonly n: number;
  readonly rows: Int32Array;
  readonly cols: Int32Array;
  readonly values: Float64Array;
}

/**
 * The DeepSphere graph of a HEALPix map (Perraudin et al. 2019): each pixel joined to its 7–8
 * neighbours with Gaussian weights w_ij = exp(−‖x_i − x_j‖² / ρ²), ρ the mean neighbour distance,
 * and the rescaled normalised Laplacian L̃ = 2L/λ_max − I, L = I − D^{−1/2} W D^{−1/2}, the operator
 * Chebyshev filters are polynomials of. λ_max is estimated by power iteration (float64).
 */
export function healpixLaplacian(nside: number, order: HealpixOrder = 'nest'): SparseOperator {
  checkNside('healpixLaplacian', nside);
  const s = healpixSampling(nside, order);
  const n = s.npix;
  const xyz = new Float64Array(3 * n);
  for (let p = 0; p < n; p++) {
    xyz[3 * p] = Math.sin(s.theta[p]!) * Math.cos(s.phi[p]!);
    xyz[3 * p + 1] = Math.sin(s.theta[p]!) * Math.sin(s.phi[p]!);
    xyz[3 * p + 2] = Math.cos(s.theta[p]!);
  }
  const edges: [number, number, number][] = [];
  let meanDist = 0;
  for (let p = 0; p < n; p++)
    for (let k = 0; k < 8; k++) {
      const q = s.neighbours[8 * p + k]!;
      if (q < 0) continue;
      const d2 =
        (xyz[3 * p]! - xyz[3 * q]!) ** 2 +
        (xyz[3 * p + 1]! - xyz[3 * q + 1]!) ** 2 +
        (xyz[3 * p + 2]! - xyz[3 * q + 2]!) ** 2;
      edges.push([p, q, d2]);
      meanDist += Math.sqrt(d2);
    }
  meanDist /= edges.length;
  const deg = new Float64Array(n);
  const w = edges.map(([p, , d2]) => {
    const v = Math.exp(-d2 / (meanDist * meanDist));
    deg[p]! += v;
    return v;
  });
  // L = I − D^{−1/2} W D^{−1/2}; the HEALPix neighbour relation is symmetric, so W is.
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  for (let p = 0; p < n; p++) {
    rows.push(p);
    cols.push(p);
    vals.push(1);
  }
  edges.forEach(([p, q], e) => {
    rows.push(p);
    cols.push(q);
    vals.push(-w[e]! / Math.sqrt(deg[p]! * deg[q]!));
  });
  const op = { n, rows: Int32Array.from(rows), cols: Int32Array.from(cols), values: Float64Array.from(vals) };
  const lmax = largestEigenvalue(op);
  // L̃ = 2L/λ_max − I
  const values = op.values.map((v, e) => (2 * v) / lmax - (op.rows[e] === op.cols[e] ? 1 : 0));
  return { ...op, values };
}

function largestEigenvalue(op: SparseOperator, iterations = 100): number {
  let v = new Float64Array(op.n).map((_, i) => Math.sin(i + 1));
  let lambda = 0;
  for (let it = 0; it < iterations; it++) {
    const u = new Float64Array(op.n);
    for (let e = 0; e < op.values.length; e++) u[op.rows[e]!]! += op.values[e]! * v[op.cols[e]!]!;
    const norm = Math.hypot(...u);
    lambda = norm / Math.hypot(...v);
    v = u.map((x) => x / norm);
  }
  return lambda * 1.01; // a slight overestimate keeps the spectrum inside [−1, 1]
}

/** Tensors of a sparse operator on the current backend, for `applySparse`. */
export interface SparseTensors {
  rows: Tensor;
  cols: Tensor;
  values: Tensor;
  n: number;
}

export function sparseTensors(op: SparseOperator): SparseTensors {
  return {
    rows: tensor(op.rows, [op.rows.length], 'int32'),
    cols: tensor(op.cols, [op.cols.length], 'int32'),
    values: tensor(Float32Array.from(op.values), [op.values.length, 1]),
    n: op.n,
  };
}

/** y = A x for x `[n, features]`: gather, scale, scatter-add (differentiable in x). */
export function applySparse(a: SparseTensors, x: Tensor): Tensor {
  if (x.ndim !== 2 || x.shape[0] !== a.n)
    argError('applySparse', 'x', `shape [${a.n}, features]`, fmtShape(x.shape));
  return indexAdd(x.indexSelect(0, a.cols).mul(a.values), 0, a.rows, a.n);
}

export interface ChebConvOptions {
  /** Polynomial order K (number of Chebyshev terms T_0 … T_{K−1}); default 3. */
  order?: number;
  bias?: boolean;
  seed?: number;
}

/**
 * DeepSphere's graph convolution on a HEALPix map: y = Σ_k T_k(L̃) x Θ_k with Chebyshev polynomials
 * of the rescaled Laplacian (Defferrard et al. 2016), K-hop local. The discrete baseline: cheap,
 * not exactly rotation equivariant (the HEALPix graph is not rotation invariant).
 * Shapes: x `[batch, inChannels, npix]` (NESTED order by default) → `[batch, outChannels, npix]`;
 * weight `[K, in, out]`.
 */
export class HealpixChebConv extends nn.Module {
  readonly laplacian: SparseTensors;
  readonly order: number;
  readonly npix: number;
  weight: Tensor;
  bias: Tensor | null;

  constructor(
    readonly nside: number,
    readonly inChannels: number,
    readonly outChannels: number,
    options: ChebConvOptions & { pixelOrder?: HealpixOrder } = {},
  ) {
    super();
    checkNside('HealpixChebConv', nside);
    checkPositiveInt('HealpixChebConv', 'inChannels', inChannels);
    checkPositiveInt('HealpixChebConv', 'outChannels', outChannels);
    this.order = checkPositiveInt('HealpixChebConv', 'order', options.order ?? 3);
    this.npix = 12 * nside * nside;
    this.laplacian = sparseTensors(healpixLaplacian(nside, options.pixelOrder ?? 'nest'));
    const gen = options.seed === undefined ? {} : { generator: new Generator(options.seed) };
    this.weight = this.registerParameter(
      'weight',
      randn([this.order, inChannels, outChannels], gen).mul(Math.sqrt(2 / (inChannels * this.order))),
    );
    this.bias = (options.bias ?? true) ? this.registerParameter('bias', zeros([outChannels])) : null;
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 3 || x.shape[1] !== this.inChannels || x.shape[2] !== this.npix)
      argError('HealpixChebConv', 'x', `shape [batch, ${this.inChannels}, ${this.npix}]`, fmtShape(x.shape));
    const b = x.shape[0]!;
    const c = this.inChannels;
    const x0 = x.permute([2, 0, 1]).reshape([this.npix, b * c]);
    const terms: Tensor[] = [x0];
    if (this.order > 1) terms.push(applySparse(this.laplacian, x0));
    for (let k = 2; k < this.order; k++)
      terms.push(
        applySparse(this.laplacian, terms[k - 1]!)
          .mul(2)
          .sub(terms[k - 2]!),
      );
    // [K, npix, B, C] → [B, npix, K·C] · [K·C, out]
    const stacked = stack(terms, 0).reshape([this.order, this.npix, b, c]);
    const feats = stacked.permute([2, 1, 0, 3]).reshape([b, this.npix, this.order * c]);
    let y = feats.matmul(this.weight.reshape([this.order * c, this.outChannels])).permute([0, 2, 1]);
    if (this.bias) y = y.add(this.bias.reshape([1, this.outChannels, 1]));
    return y;
  }
}

/**
 * HEALPix pooling in NESTED order: the 4 children of each pixel are consecutive, so pooling nside →
 * nside/2 is a reshape and a mean/max. `[batch, channels, 12·nside²]` → `[batch, channels, 3·nside²]`.
 */
export function healpixPool(x: Tensor, mode: 'mean' | 'max' = 'mean'): Tensor {
  const npix = x.shape[x.ndim - 1]!;
  const nside = Math.sqrt(npix / 12);
  if (x.ndim < 1 || !Number.isInteger(nside) || nside < 2 || (nside & (nside - 1)) !== 0)
    argError(
      'healpixPool',
      'x',
      'last axis of 12·nside² pixels with nside a power of two ≥ 2 (NESTED order)',
      fmtShape(x.shape),
    );
  const r = x.reshape([...x.shape.slice(0, -1), npix / 4, 4]);
  return mode === 'max' ? r.max(-1) : r.mean(-1);
}

/** Nearest-neighbour HEALPix unpooling (each parent copied to its 4 NESTED children). */
export function healpixUnpool(x: Tensor): Tensor {
  const npix = x.shape[x.ndim - 1]!;
  const nside = Math.sqrt(npix / 12);
  if (!Number.isInteger(nside) || (nside & (nside - 1)) !== 0)
    argError('healpixUnpool', 'x', 'last axis of 12·nside² pixels (NESTED order)', fmtShape(x.shape));
  const lead = x.shape.slice(0, -1);
  return x
    .reshape([...lead, npix, 1])
    .expand([...lead, npix, 4])
    .reshape([...lead, npix * 4]);
}
