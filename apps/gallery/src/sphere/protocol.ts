import type { WorkerStatus } from '../shared/messages.js';

/** The page's computing grid: Gauss–Legendre, NLAT × NLON, band limit BAND_LIMIT (degrees 0 … 31). */
export const NLAT = 32;
export const NLON = 64;
export const BAND_LIMIT = 32;
/** The DeepSphere graph runs on HEALPix at this Nside (768 pixels), band limit 3·Nside for its transform. */
export const HEALPIX_NSIDE = 8;

export type FamilyKey = 'zonal' | 'disco' | 'graph';

/** ZYZ Euler angles in radians: R = R_z(α) R_y(β) R_z(γ). */
export interface Euler {
  alpha: number;
  beta: number;
  gamma: number;
}

/** Page → worker. Coefficients: packed real c[l² + l + m], `[BAND_LIMIT²]`, float64. */
export type SphereRequest =
  | { type: 'init'; backend: string | null }
  | { type: 'compute'; id: number; coeffs: Float64Array; euler: Euler };

/** One convolution family's answer for one rotation. Maps: `[NLAT·NLON]` on the page's grid. */
export interface FamilyResult {
  key: FamilyKey;
  /** conv(R x): the layer applied to the exactly rotated input. */
  output: Float32Array;
  /** R̂ conv(x): the layer's output for the unrotated input, rotated through the transform. */
  reference: Float32Array;
  /** ‖conv(R x) − R̂ conv(x)‖ / ‖R̂ conv(x)‖ (area-weighted L2). */
  error: number;
  /** ‖R̂⁻¹ R̂ y − y‖ / ‖y‖: what rotating the output through the transform alone loses. */
  floor: number;
  /** Milliseconds for the layer's forward pass on [x, R x] (batch 2), including reading back. */
  ms: number;
}

/** Worker → page. */
export type SphereMessage =
  | WorkerStatus
  | { type: 'ready'; discoNonzeros: number; graphPixels: number }
  | {
      type: 'result';
      id: number;
      euler: Euler;
      /** R x on the grid, `[NLAT·NLON]`. */
      rotatedInput: Float32Array;
      families: FamilyResult[];
      ms: number;
    };
