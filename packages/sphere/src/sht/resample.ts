import type { Tensor } from '@erlangen/core';
import type { ShOptions } from '../harmonics/legendre.js';
import type { GridSampling } from '../sampling/grid.js';
import { InverseRealSHT, RealSHT } from './real-sht.js';

/**
 * Spectral pooling / unpooling between two latitude/longitude grids: analysis on `from`, synthesis
 * on `to`, at the largest band limit both carry. Rotation equivariant (it only truncates degrees),
 * so it is the pooling of the harmonic models; any grid kind to any other.
 * Shapes: `[..., nlat_from, nlon_from]` → `[..., nlat_to, nlon_to]`.
 */
export class SpectralResample {
  readonly bandLimit: number;
  private readonly sht: RealSHT;
  private readonly isht: InverseRealSHT;
  constructor(from: GridSampling, to: GridSampling, options: ShOptions = {}) {
    this.bandLimit = Math.min(from.maxBandLimit, to.maxBandLimit);
    this.sht = new RealSHT(from, this.bandLimit, options);
    this.isht = new InverseRealSHT(to, this.bandLimit, options);
  }
  forward(x: Tensor): Tensor {
    return this.isht.forward(this.sht.forward(x));
  }
}
