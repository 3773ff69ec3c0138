import type { ShOptions } from '../harmonics/legendre.js';
import { checkBandLimit, type GridSampling } from '../sampling/grid.js';
import { gridRings } from './rings.js';
import { RingSHT64 } from './sht64.js';
import { TorusSHT64 } from './torus.js';

/** What `gridSHT64` returns: an exact float64 transform, maps `[nlat·nlon]` ↔ coefficients `[L²]`. */
export interface SHT64 {
  readonly bandLimit: number;
  readonly npix: number;
  readonly ncoeffs: number;
  forward(map: Float64Array | number[]): Float64Array;
  inverse(coeffs: Float64Array | number[]): Float64Array;
}

/**
 * The exact real SHT of a latitude/longitude grid at band limit L ≤ `sampling.maxBandLimit`:
 * Gauss–Legendre, equiangular and Driscoll–Healy by their quadrature (`RingSHT64`), MW and MWSS by
 * the torus extension (`TorusSHT64`). Maps `[nlat, nlon]` flattened ↔ coefficients `[L²]`.
 */
export function gridSHT64(sampling: GridSampling, bandLimit: number, options: ShOptions = {}): SHT64 {
  checkBandLimit('gridSHT64', sampling, bandLimit, { torus: true });
  if (sampling.kind === 'mw' || sampling.kind === 'mwss') return new TorusSHT64(sampling, bandLimit, options);
  return new RingSHT64(gridRings(sampling), bandLimit, options);
}
