import { argError } from '../errors.js';
import { checkBandLimit, type GridSampling } from '../sampling/grid.js';
import { checkNside, healpixRings } from '../sampling/healpix.js';

/**
 * A ring layout: every sampling this package transforms is a set of rings of constant colatitude
 * with equally spaced longitudes φ_p = φ0 + 2πp/count, stored contiguously. `weight` is the
 * quadrature weight of each pixel of the ring (∫ f dΩ ≈ Σ weight·f).
 */
export interface Ring {
  start: number;
  count: number;
  theta: number;
  phi0: number;
  weight: number;
}

/** The rings of a quadrature grid (MW/MWSS are refused: their weights are not a product quadrature). */
export function gridRings(sampling: GridSampling): Ring[] {
  if (sampling.weights === null || sampling.kind === 'mw' || sampling.kind === 'mwss')
    argError(
      'gridRings',
      'sampling',
      'a sampling with quadrature weights (gauss-legendre, equiangular, driscoll-healy)',
      `'${sampling.kind}'`,
    );
  const rings: Ring[] = [];
  for (let t = 0; t < sampling.nlat; t++)
    rings.push({
      start: t * sampling.nlon,
      count: sampling.nlon,
      theta: sampling.theta[t]!,
      phi0: 0,
      weight: (sampling.weights[t]! * 2 * Math.PI) / sampling.nlon,
    });
  return rings;
}

export function healpixRingLayout(nside: number): Ring[] {
  checkNside('healpixRingLayout', nside);
  const w = (4 * Math.PI) / (12 * nside * nside);
  return healpixRings(nside).map((r) => ({ ...r, weight: w }));
}

export { checkBandLimit };
