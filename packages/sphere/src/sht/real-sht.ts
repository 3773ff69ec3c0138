import { argError, fmtShape, type Tensor, tensor } from '@erlangen/core';
import { legendreColumn, normFactor, type ShOptions, sectoralLogSeeds } from '../harmonics/legendre.js';
import { checkBandLimit, type GridSampling } from '../sampling/grid.js';

/**
 * The differentiable float32 SHT on a latitude/longitude grid, built from core ops so every backend
 * runs it and autograd differentiates it: the longitude DFT is one matmul with a [nlon, 2L]
 * cos/sin matrix, the Legendre contraction one batched matmul over m with a [L, nlat, L] table
 * (the heavy part, which GPU backends run as a batched GEMM), as torch-harmonics' RealSHT does.
 *
 * Coefficient tensors are `[..., 2, L, L]`: index 0 holds c_{l,m} (cos part, m ≥ 0), index 1 holds
 * c_{l,−m} (sin part, m ≥ 1), position [l, m]; entries with m > l (and [1, l, 0]) are zero.
 * `packCoefficients` / `unpackCoefficients` convert to the packed float64 layout c[l² + l + m].
 */
export class RealSHT {
  readonly bandLimit: number;
  readonly nlat: number;
  readonly nlon: number;
  private readonly dft: Tensor;
  private readonly legendre: Tensor;

  constructor(
    readonly sampling: GridSampling,
    bandLimit = sampling.maxBandLimit,
    readonly options: ShOptions = {},
  ) {
    this.bandLimit = checkBandLimit('RealSHT', sampling, bandLimit);
    this.nlat = sampling.nlat;
    this.nlon = sampling.nlon;
    const L = bandLimit;
    const { nlat, nlon } = sampling;
    const dft = new Float32Array(nlon * 2 * L);
    for (let p = 0; p < nlon; p++)
      for (let m = 0; m < L; m++) {
        const mf = mFactor(m, options) * ((2 * Math.PI) / nlon);
        const ang = (2 * Math.PI * ((m * p) % nlon)) / nlon;
        dft[p * 2 * L + m] = Math.cos(ang) * mf;
        dft[p * 2 * L + L + m] = m === 0 ? 0 : Math.sin(ang) * mf;
      }
    this.dft = tensor(dft, [nlon, 2 * L]);
    const table = legendreTensorTable(sampling, L, options, 'forward');
    this.legendre = tensor(table, [L, nlat, L]);
  }

  /** `[..., nlat, nlon]` → `[..., 2, L, L]`. */
  forward(x: Tensor): Tensor {
    const { nlat, nlon } = this;
    const L = this.bandLimit;
    if (x.ndim < 2 || x.shape[x.ndim - 2] !== nlat || x.shape[x.ndim - 1] !== nlon)
      argError('RealSHT.forward', 'x', `shape [..., ${nlat}, ${nlon}] (the grid)`, fmtShape(x.shape));
    const lead = x.shape.slice(0, -2);
    const b = lead.reduce((s, d) => s * d, 1);
    const f = x.reshape([b * nlat, nlon]).matmul(this.dft); // [B·nlat, 2L] (one plain GEMM)
    // m leads so the [M, nlat, L] table is used as is (no broadcast copy of it over cos/sin).
    const g = f
      .reshape([b, nlat, 2, L])
      .permute([3, 2, 0, 1])
      .reshape([L, 2 * b, nlat]); // [M, 2·B, nlat]
    const c = g.matmul(this.legendre); // [M, 2·B, L]
    return c
      .reshape([L, 2, b, L])
      .permute([2, 1, 3, 0])
      .reshape([...lead, 2, L, L]);
  }
}

/** The inverse (synthesis) of `RealSHT`: `[..., 2, L, L]` → `[..., nlat, nlon]`. */
export class InverseRealSHT {
  readonly bandLimit: number;
  readonly nlat: number;
  readonly nlon: number;
  private readonly idft: Tensor;
  private readonly legendre: Tensor;

  constructor(
    readonly sampling: GridSampling,
    bandLimit = sampling.maxBandLimit,
    readonly options: ShOptions = {},
  ) {
    this.bandLimit = checkBandLimit('InverseRealSHT', sampling, bandLimit);
    this.nlat = sampling.nlat;
    this.nlon = sampling.nlon;
    const L = bandLimit;
    const { nlat, nlon } = sampling;
    const idft = new Float32Array(2 * L * nlon);
    for (let m = 0; m < L; m++)
      for (let p = 0; p < nlon; p++) {
        const mf = mFactor(m, options);
        const ang = (2 * Math.PI * ((m * p) % nlon)) / nlon;
        idft[m * nlon + p] = Math.cos(ang) * mf;
        idft[(L + m) * nlon + p] = m === 0 ? 0 : Math.sin(ang) * mf;
      }
    this.idft = tensor(idft, [2 * L, nlon]);
    this.legendre = tensor(legendreTensorTable(sampling, L, options, 'inverse'), [L, L, nlat]);
  }

  forward(c: Tensor): Tensor {
    const L = this.bandLimit;
    if (c.ndim < 3 || c.shape[c.ndim - 3] !== 2 || c.shape[c.ndim - 2] !== L || c.shape[c.ndim - 1] !== L)
      argError(
        'InverseRealSHT.forward',
        'c',
        `shape [..., 2, ${L}, ${L}] (cos/sin parts, degree, order)`,
        fmtShape(c.shape),
      );
    const lead = c.shape.slice(0, -3);
    const b = lead.reduce((s, d) => s * d, 1);
    const g = c
      .reshape([b, 2, L, L])
      .permute([3, 1, 0, 2])
      .reshape([L, 2 * b, L]); // [M, 2·B, L]
    const f = g.matmul(this.legendre); // [M, 2·B, nlat]
    const h = f
      .reshape([L, 2, b, this.nlat])
      .permute([2, 3, 1, 0])
      .reshape([b * this.nlat, 2 * L]);
    return h.matmul(this.idft).reshape([...lead, this.nlat, this.nlon]);
  }
}

function mFactor(m: number, options: ShOptions): number {
  let f = m === 0 ? 1 : Math.SQRT2;
  if (options.csPhase === false && m % 2 === 1) f = -f;
  return f;
}

/**
 * forward: [m][t][l] = w_t P̄_l^m(θ_t) / s_l (quadrature weight, norm); inverse: [m][l][t] = s_l P̄_l^m(θ_t).
 */
function legendreTensorTable(
  sampling: GridSampling,
  L: number,
  options: ShOptions,
  dir: 'forward' | 'inverse',
): Float32Array {
  const { nlat } = sampling;
  const w = sampling.weights!;
  const out = new Float32Array(L * nlat * L);
  const seeds = sectoralLogSeeds(L);
  const col = new Float64Array(L);
  for (let m = 0; m < L; m++)
    for (let t = 0; t < nlat; t++) {
      legendreColumn(m, L - 1, sampling.theta[t]!, seeds, col);
      for (let l = m; l < L; l++) {
        const s = normFactor('RealSHT', l, options.norm);
        if (dir === 'forward') out[(m * nlat + t) * L + l] = (w[t]! * col[l - m]!) / s;
        else out[(m * L + l) * nlat + t] = col[l - m]! * s;
      }
    }
  return out;
}

/** `[2, L, L]` tensor layout (flat) → packed c[l² + l + m], float64. */
export function packCoefficients(c: ArrayLike<number>, L: number): Float64Array {
  if (c.length !== 2 * L * L)
    argError('packCoefficients', 'c', `${2 * L * L} values ([2, ${L}, ${L}])`, String(c.length));
  const out = new Float64Array(L * L);
  for (let l = 0; l < L; l++)
    for (let m = 0; m <= l; m++) {
      out[l * l + l + m] = c[l * L + m]!;
      if (m > 0) out[l * l + l - m] = c[L * L + l * L + m]!;
    }
  return out;
}

/** Packed c[l² + l + m] → the `[2, L, L]` tensor layout (flat Float32Array). */
export function unpackCoefficients(packed: ArrayLike<number>, L: number): Float32Array {
  if (packed.length !== L * L)
    argError('unpackCoefficients', 'packed', `${L * L} values (L²)`, String(packed.length));
  const out = new Float32Array(2 * L * L);
  for (let l = 0; l < L; l++)
    for (let m = 0; m <= l; m++) {
      out[l * L + m] = packed[l * l + l + m]!;
      if (m > 0) out[L * L + l * L + m] = packed[l * l + l - m]!;
    }
  return out;
}
