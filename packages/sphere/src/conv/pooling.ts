import { argError, fmtShape, type Tensor, tensor } from '@erlangen/core';
import type { GridSampling } from '../sampling/grid.js';

/**
 * The spherical mean (1/4π)∫ x dΩ of each map by the grid's quadrature: a rotation-invariant global
 * pooling. Shapes: `[..., nlat, nlon]` → `[...]`.
 */
export function sphericalMean(x: Tensor, sampling: GridSampling): Tensor {
  const { nlat, nlon, weights } = sampling;
  if (weights === null)
    argError('sphericalMean', 'sampling', 'a sampling with quadrature weights', `'${sampling.kind}'`);
  if (x.ndim < 2 || x.shape[x.ndim - 2] !== nlat || x.shape[x.ndim - 1] !== nlon)
    argError('sphericalMean', 'x', `shape [..., ${nlat}, ${nlon}]`, fmtShape(x.shape));
  // Σ_t w_t (2π/nlon) Σ_p x / 4π = Σ_t (w_t / 2) mean_p x
  const w = tensor(
    Float32Array.from(weights, (v) => v / 2),
    [nlat],
  );
  return x.mean(-1).mul(w).sum(-1);
}
