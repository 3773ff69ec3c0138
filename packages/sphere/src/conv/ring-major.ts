import {
  argError,
  bmm,
  checkPositiveInt,
  fmtShape,
  Generator,
  nn,
  noGrad,
  ones,
  randn,
  type Tensor,
  tensor,
  tidy,
  zeros,
} from '@erlangen/core';
import { legendreColumn, sectoralLogSeeds } from '../harmonics/legendre.js';
import { checkBandLimit, type GridSampling } from '../sampling/grid.js';

/**
 * Ring-major spherical layers: maps stored `[nlat, batch, channels, nlon]` instead of
 * `[batch, channels, nlat, nlon]`. In this layout a zonal convolution is five GEMMs and two block
 * transposes (whole `[batch·channels]` rows move), where the channels-first `SpectralZonalConv`
 * needs six strided permutes with short inner rows; on the cpu/wasm backends those permutes, not the
 * GEMMs, were ~30% of a training step, so the ring-major network trains several times faster. Every
 * transform is the orthonormal real SHT of `RealSHT` (same coefficients, same Condon–Shortley phase).
 */

/** `[batch, channels, nlat, nlon]` → ring-major `[nlat, batch, channels, nlon]`. */
export function toRingMajor(x: Tensor): Tensor {
  if (x.ndim !== 4) argError('toRingMajor', 'x', 'shape [batch, channels, nlat, nlon]', fmtShape(x.shape));
  return x.permute([2, 0, 1, 3]);
}

/** Ring-major `[nlat, batch, channels, nlon]` → `[batch, channels, nlat, nlon]`. */
export function fromRingMajor(x: Tensor): Tensor {
  if (x.ndim !== 4) argError('fromRingMajor', 'x', 'shape [nlat, batch, channels, nlon]', fmtShape(x.shape));
  return x.permute([1, 2, 0, 3]);
}

function checkRingMajor(op: string, x: Tensor, s: GridSampling, channels: number): void {
  if (x.ndim !== 4 || x.shape[0] !== s.nlat || x.shape[2] !== channels || x.shape[3] !== s.nlon)
    argError(op, 'x', `ring-major shape [${s.nlat}, batch, ${channels}, ${s.nlon}]`, fmtShape(x.shape));
}

/** Quadrature weights normalised to sum 1 (w_t/2 of a sampling whose weights sum to 2), `[nlat, 1, 1]`. */
function ringWeights(op: string, s: GridSampling): Tensor {
  if (s.weights === null) argError(op, 'sampling', 'a sampling with quadrature weights', `'${s.kind}'`);
  const total = s.weights.reduce((a, b) => a + b, 0);
  return tensor(
    Float32Array.from(s.weights, (w) => w / total),
    [s.nlat, 1, 1],
  );
}

/**
 * The spherical mean of each ring-major map (quadrature over rings, mean over longitudes): the
 * rotation-invariant global pooling. `[nlat, batch, channels, nlon]` → `[batch, channels]`.
 */
export function ringMajorSphericalMean(x: Tensor, sampling: GridSampling): Tensor {
  if (x.ndim !== 4 || x.shape[0] !== sampling.nlat || x.shape[3] !== sampling.nlon)
    argError(
      'ringMajorSphericalMean',
      'x',
      `ring-major shape [${sampling.nlat}, batch, channels, ${sampling.nlon}]`,
      fmtShape(x.shape),
    );
  return x.mean(-1).mul(ringWeights('ringMajorSphericalMean', sampling)).sum(0);
}

/** m of spectral column k: k < L are the cos parts (m = k), k ≥ L the sin parts (m = k − L; m = 0 is empty). */
const orderOf = (k: number, L: number) => (k < L ? k : k - L);

/** Longitude analysis [nlon, 2L] (forward) or synthesis [2L, nlon] (inverse) of the real SHT. */
function longitudeTable(nlon: number, L: number, dir: 'forward' | 'inverse'): Float32Array {
  const out = new Float32Array(nlon * 2 * L);
  for (let k = 0; k < 2 * L; k++) {
    const m = orderOf(k, L);
    if (k >= L && m === 0) continue;
    const mf = (m === 0 ? 1 : Math.SQRT2) * (dir === 'forward' ? (2 * Math.PI) / nlon : 1);
    for (let p = 0; p < nlon; p++) {
      const ang = (2 * Math.PI * ((m * p) % nlon)) / nlon;
      const v = (k < L ? Math.cos(ang) : Math.sin(ang)) * mf;
      if (dir === 'forward') out[p * 2 * L + k] = v;
      else out[k * nlon + p] = v;
    }
  }
  return out;
}

/** Legendre tables per spectral column: forward [2L, nlat, L] = w_t P̄_l^m(θ_t); inverse [2L, L, nlat] = P̄_l^m(θ_t). */
function legendreTable(s: GridSampling, L: number, dir: 'forward' | 'inverse'): Float32Array {
  const { nlat } = s;
  const out = new Float32Array(2 * L * nlat * L);
  const seeds = sectoralLogSeeds(L);
  const col = new Float64Array(L);
  for (let k = 0; k < 2 * L; k++) {
    const m = orderOf(k, L);
    if (k >= L && m === 0) continue;
    for (let t = 0; t < nlat; t++) {
      legendreColumn(m, L - 1, s.theta[t]!, seeds, col);
      for (let l = m; l < L; l++) {
        if (dir === 'forward') out[(k * nlat + t) * L + l] = s.weights![t]! * col[l - m]!;
        else out[(k * L + l) * nlat + t] = col[l - m]!;
      }
    }
  }
  return out;
}

export interface RingMajorZonalConvOptions {
  /** Grid of the output (default the input's); a coarser one is spectral pooling. */
  outSampling?: GridSampling;
  /** Band limit L (default the smaller of the two grids' maxima). */
  bandLimit?: number;
  /** Learnable per-channel bias (default false: the ring-major networks follow it with batch norm). */
  bias?: boolean;
  /** Seed for the weight initialisation. */
  seed?: number;
  /**
   * Batch-normalise the output channels in harmonic space (default false): per channel, the mean
   * μ = E_b[c₀₀]·Y₀₀ and the second moment E_b[Σ_lm c_lm²]/4π are the exact spherical (area-weighted)
   * moments of the band-limited output (Parseval), so the normalisation (y − μ)/√(σ² + ε)·γ + β is
   * a per-channel affine map (rotation-equivariant) folded into the coefficients: a scale of all of
   * them and a shift of c₀₀. Eval mode uses running statistics (momentum 0.1), as torch's BatchNorm.
   */
  batchNorm?: boolean;
}

/**
 * `SpectralZonalConv` on ring-major maps: the same operator (one weight per degree, input and output
 * channel; weight `[out, in, L]`, same initialisation), with synthesis on `outSampling`. Exactly
 * rotation equivariant on band-limited inputs. Computed as: longitude DFT (one GEMM, transposed on
 * the fly) → per-column Legendre GEMMs → block transpose → per-degree channel mixing → block
 * transpose → inverse Legendre → inverse DFT.
 *
 * Shapes: x `[nlat, batch, inChannels, nlon]` → `[nlat', batch, outChannels, nlon']`.
 */
export class RingMajorZonalConv extends nn.Module {
  readonly bandLimit: number;
  readonly outSampling: GridSampling;
  weight: Tensor;
  bias: Tensor | null;
  /** Batch-norm scale γ and shift β `[out]` (null without `batchNorm`). */
  bnWeight: Tensor | null = null;
  bnBias: Tensor | null = null;
  readonly eps = 1e-5;
  readonly momentum = 0.1;
  private readonly dft: Tensor;
  private readonly legendre: Tensor;
  private readonly ilegendre: Tensor;
  private readonly idft: Tensor;

  constructor(
    readonly sampling: GridSampling,
    readonly inChannels: number,
    readonly outChannels: number,
    options: RingMajorZonalConvOptions = {},
  ) {
    super();
    checkPositiveInt('RingMajorZonalConv', 'inChannels', inChannels);
    checkPositiveInt('RingMajorZonalConv', 'outChannels', outChannels);
    this.outSampling = options.outSampling ?? sampling;
    const L = checkBandLimit(
      'RingMajorZonalConv',
      sampling,
      options.bandLimit ?? Math.min(sampling.maxBandLimit, this.outSampling.maxBandLimit),
    );
    checkBandLimit('RingMajorZonalConv', this.outSampling, L);
    this.bandLimit = L;
    const o = this.outSampling;
    this.dft = tensor(longitudeTable(sampling.nlon, L, 'forward'), [1, sampling.nlon, 2 * L]);
    this.legendre = tensor(legendreTable(sampling, L, 'forward'), [2 * L, sampling.nlat, L]);
    this.ilegendre = tensor(legendreTable(o, L, 'inverse'), [2 * L, L, o.nlat]);
    this.idft = tensor(longitudeTable(o.nlon, L, 'inverse'), [1, 2 * L, o.nlon]);
    this.weight = this.registerParameter(
      'weight',
      randn(
        [outChannels, inChannels, L],
        options.seed === undefined ? {} : { generator: new Generator(options.seed) },
      ).mul(1 / Math.sqrt(inChannels)),
    );
    this.bias = options.bias ? this.registerParameter('bias', zeros([outChannels])) : null;
    if (options.batchNorm) {
      this.bnWeight = this.registerParameter('bn_weight', ones([outChannels]));
      this.bnBias = this.registerParameter('bn_bias', zeros([outChannels]));
      this.registerBuffer('running_mean', zeros([outChannels]));
      this.registerBuffer('running_var', ones([outChannels]));
    }
  }

  /** Row selectors over the L·K·B coefficient rows for batch size b, cached. */
  private selectors = new Map<number, { c00: Tensor; all: Tensor; l0: Tensor }>();
  private selectorsFor(b: number): { c00: Tensor; all: Tensor; l0: Tensor } {
    let sel = this.selectors.get(b);
    if (!sel) {
      const rows = this.bandLimit * 2 * this.bandLimit * b;
      const kb = 2 * this.bandLimit * b;
      const y00 = 1 / Math.sqrt(4 * Math.PI);
      sel = {
        // mean over the batch of c₀₀ (rows 0 … B−1), times Y₀₀: the spherical mean
        c00: tensor(
          Float32Array.from({ length: rows }, (_, r) => (r < b ? y00 / b : 0)),
          [1, rows],
        ).keep(),
        // Σ over all coefficients / (4π B): the spherical second moment (Parseval)
        all: tensor(new Float32Array(rows).fill(1 / (4 * Math.PI * b)), [1, rows]).keep(),
        // the l = 0 slab (its m > 0 columns are zero in the synthesis table, so only c₀₀ counts)
        l0: tensor(
          Float32Array.from({ length: rows }, (_, r) => (r < kb ? 1 / y00 : 0)),
          [rows, 1],
        ).keep(),
      };
      this.selectors.set(b, sel);
    }
    return sel;
  }

  /**
   * Batch norm on the mixed coefficients `[L, K·B, out]` (K = 2L columns, batch B): scale every
   * coefficient, shift c₀₀. The reductions and the shift are GEMMs with constant row selectors,
   * which the cpu/wasm backends run far faster than strided slices and broadcasts.
   */
  private normalise(mixed: Tensor, b: number): Tensor {
    const co = this.outChannels;
    const flat = mixed.reshape([-1, co]); // [L·K·B, out]
    const sel = this.selectorsFor(b);
    let mean: Tensor;
    let variance: Tensor;
    if (this.training) {
      mean = sel.c00.matmul(flat).reshape([co]);
      const second = sel.all.matmul(flat.square()).reshape([co]);
      variance = second.sub(mean.square()).relu();
      const rm = this.getBuffer('running_mean');
      const rv = this.getBuffer('running_var');
      const mom = this.momentum;
      noGrad(() =>
        tidy(() => {
          rm.assign(rm.mul(1 - mom).add(mean.detach().mul(mom)));
          rv.assign(rv.mul(1 - mom).add(variance.detach().mul(mom)));
        }),
      );
    } else {
      mean = this.getBuffer('running_mean');
      variance = this.getBuffer('running_var');
    }
    const scale = this.bnWeight!.div(variance.add(this.eps).sqrt()); // [out]
    const shift = this.bnBias!.sub(mean.mul(scale)); // [out], a constant function
    return flat
      .mul(scale)
      .add(sel.l0.matmul(shift.reshape([1, co])))
      .reshape(mixed.shape);
  }

  forward(x: Tensor): Tensor {
    checkRingMajor('RingMajorZonalConv', x, this.sampling, this.inChannels);
    const { nlat, nlon } = this.sampling;
    const b = x.shape[1]!;
    const L = this.bandLimit;
    const K = 2 * L;
    const [ci, co] = [this.inChannels, this.outChannels];
    // DFTᵀ·xᵀ: [K, nlon]·[nlon, nlat·B·in] = [K, nlat·B·in], the transposes read in place by the GEMM
    const f = bmm(this.dft, x.reshape([1, nlat * b * ci, nlon]), { transA: true, transB: true });
    // per column k: P_kᵀ [L, nlat] · f_k [nlat, B·in] = [K, L, B·in]
    const c = bmm(this.legendre, f.reshape([K, nlat, b * ci]), { transA: true });
    // per degree l: [K·B, in] · W_l [in, out]
    let mixed = bmm(c.permute([1, 0, 2]).reshape([L, K * b, ci]), this.weight.permute([2, 1, 0])); // [L, K·B, out]
    if (this.bnWeight) mixed = this.normalise(mixed, b);
    const y = mixed.reshape([L, K, b * co]).permute([1, 0, 2]); // [K, L, B·out]
    const on = this.outSampling;
    const g = bmm(this.ilegendre, y, { transA: true }); // [K, nlat', B·out]
    // gᵀ [nlat'·B·out, K] · IDFT [K, nlon']
    let out = bmm(g.reshape([1, K, on.nlat * b * co]), this.idft, { transA: true }).reshape([
      on.nlat,
      b,
      co,
      on.nlon,
    ]);
    if (this.bias) out = out.add(this.bias.reshape([co, 1]));
    return out;
  }
}
