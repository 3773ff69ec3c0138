import {
  argError,
  checkPositiveInt,
  fmtShape,
  Generator,
  nn,
  randn,
  type Tensor,
  zeros,
} from '@erlangen/core';
import { checkBandLimit, type GridSampling } from '../sampling/grid.js';
import { InverseRealSHT, RealSHT } from '../sht/real-sht.js';

export interface SpectralZonalConvOptions {
  /** Band limit L of the transform (default the sampling's maximum). */
  bandLimit?: number;
  /** Add a learnable per-channel bias (a constant function: equivariant). Default true. */
  bias?: boolean;
  /** Seed for the weight initialisation. */
  seed?: number;
  /**
   * Grid of the output (default the input's): synthesis on a coarser grid is spectral pooling fused
   * into the convolution (Esteves et al. 2018), on a finer one unpooling. The band limit is then at
   * most the smaller of the two grids' maxima.
   */
  outSampling?: GridSampling;
}

/**
 * Spectral zonal (axisymmetric-filter) convolution S² → S² (Driscoll & Healy): with a filter h
 * symmetric about the north pole, (f ⋆ h)_lm = 2π√(4π/(2l+1)) h_l0 f_lm, i.e. one learnable weight
 * per degree, input and output channel: y_{o,lm} = Σ_i W[o, i, l] x_{i,lm}. Exactly equivariant to
 * every rotation on band-limited signals (the filter acts per degree, and rotations mix only orders
 * within a degree). Computed as SHT → per-degree channel mixing (a batched matmul over l) → inverse SHT.
 *
 * Shapes: x `[batch, inChannels, nlat, nlon]` → `[batch, outChannels, nlat', nlon']` (the output
 * grid, `outSampling`, defaults to the input's); weight `[out, in, L]`.
 */
export class SpectralZonalConv extends nn.Module {
  readonly bandLimit: number;
  readonly sht: RealSHT;
  readonly isht: InverseRealSHT;
  readonly outSampling: GridSampling;
  weight: Tensor;
  bias: Tensor | null;

  constructor(
    readonly sampling: GridSampling,
    readonly inChannels: number,
    readonly outChannels: number,
    options: SpectralZonalConvOptions = {},
  ) {
    super();
    checkPositiveInt('SpectralZonalConv', 'inChannels', inChannels);
    checkPositiveInt('SpectralZonalConv', 'outChannels', outChannels);
    this.outSampling = options.outSampling ?? sampling;
    this.bandLimit = checkBandLimit(
      'SpectralZonalConv',
      sampling,
      options.bandLimit ?? Math.min(sampling.maxBandLimit, this.outSampling.maxBandLimit),
    );
    checkBandLimit('SpectralZonalConv', this.outSampling, this.bandLimit);
    this.sht = new RealSHT(sampling, this.bandLimit);
    this.isht = new InverseRealSHT(this.outSampling, this.bandLimit);
    // Variance-preserving at initialisation: each output degree sums inChannels inputs.
    this.weight = this.registerParameter(
      'weight',
      randn(
        [outChannels, inChannels, this.bandLimit],
        options.seed === undefined ? {} : { generator: new Generator(options.seed) },
      ).mul(1 / Math.sqrt(inChannels)),
    );
    this.bias = (options.bias ?? true) ? this.registerParameter('bias', zeros([outChannels])) : null;
  }

  /** The filter mixing in harmonic space: `[batch, in, 2, L, L]` → `[batch, out, 2, L, L]`. */
  mixSpectral(c: Tensor): Tensor {
    const [b, ci] = c.shape as [number, number];
    const L = this.bandLimit;
    const x = c.permute([3, 0, 2, 4, 1]).reshape([L, b * 2 * L, ci]); // [L, B·2·M, in]
    const y = x.matmul(this.weight.permute([2, 1, 0])); // [L, B·2·M, out]
    return y.reshape([L, b, 2, L, this.outChannels]).permute([1, 4, 2, 0, 3]);
  }

  forward(x: Tensor): Tensor {
    const { nlat, nlon } = this.sampling;
    if (x.ndim !== 4 || x.shape[1] !== this.inChannels || x.shape[2] !== nlat || x.shape[3] !== nlon)
      argError(
        'SpectralZonalConv',
        'x',
        `shape [batch, ${this.inChannels}, ${nlat}, ${nlon}]`,
        fmtShape(x.shape),
      );
    let y = this.isht.forward(this.mixSpectral(this.sht.forward(x)));
    if (this.bias) y = y.add(this.bias.reshape([1, this.outChannels, 1, 1]));
    return y;
  }
}
