import { tensor } from '@erlangen/core';
import { bilinearTaps } from '../data/rotate.js';
import { argError } from '../errors.js';
import { GeometricTensor } from './geometric-tensor.js';

/**
 * The action of any group element on a feature map, with bilinear interpolation on the plane:
 * (g·f)(p) = (⊕ρᵢ(g)) f(g⁻¹p), f read bilinearly between pixels (zero outside the map). For the
 * multiples of 90° and the grid mirrors this equals `x.transform(g)` exactly; for other angles (C8's
 * 45°) it is approximate near the border and where f varies within a pixel — escnn's "equivariance
 * breaks at non-90° angles" is this interpolation error, which the tests bound on a central disk.
 * Differentiable (index gathers, products and a matmul). Shape unchanged.
 */
export function transformInterpolated(x: GeometricTensor, g: number): GeometricTensor {
  if (!(x instanceof GeometricTensor)) argError('transformInterpolated', 'x', 'a GeometricTensor', String(x));
  const type = x.type;
  type.group.element(g);
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const { index, weight } = bilinearTaps(height, width, type.group.planeMatrix(type.group.inverse(g)));
  const pixels = height * width;
  const flat = x.tensor.reshape([batch, channels, pixels]);
  let moved = null;
  for (let k = 0; k < 4; k++) {
    const idx = new Int32Array(pixels);
    const w = new Float32Array(pixels);
    for (let p = 0; p < pixels; p++) {
      idx[p] = index[p * 4 + k]!;
      w[p] = weight[p * 4 + k]!;
    }
    const term = flat.indexSelect(2, tensor(idx, [pixels], 'int32')).mul(tensor(w, [pixels]));
    moved = moved ? moved.add(term) : term;
  }
  const fibre = tensor(Float32Array.from(type.fibreMatrix(g)), [channels, channels]);
  return new GeometricTensor(fibre.matmul(moved!).reshape([batch, channels, height, width]), type);
}
