import { argError, checkPositiveInt } from '../errors.js';
import type { PlanarGroup } from './planar-group.js';

/**
 * The exact action of a grid symmetry g on an H×W pixel grid, as a gather index: the transformed
 * signal is (g·f)(p) = f(g⁻¹p), so `out[p] = f[index[p]]` with pixels numbered row-major. Points are
 * offsets from the grid centre ((H−1)/2, (W−1)/2), so odd and even sizes both map onto themselves;
 * a quarter turn needs a square grid. Returns an Int32Array of length H·W.
 */
export function gridPermutation(group: PlanarGroup, g: number, height: number, width: number): Int32Array {
  const op = 'gridPermutation';
  checkPositiveInt(op, 'height', height);
  checkPositiveInt(op, 'width', width);
  if (!group.isGridSymmetry(g)) {
    argError(
      op,
      'g',
      `a grid symmetry of ${group.name} (a multiple of 90°; use transformInterpolated for other angles)`,
      `${group.describe(g)} (${((group.angle(g) * 180) / Math.PI).toFixed(1)}°)`,
    );
  }
  const [a, b, c, d] = group.planeMatrix(group.inverse(g));
  if (height !== width && a === 0) {
    argError(
      op,
      'height, width',
      `a square grid for the quarter turn ${group.describe(g)}`,
      `${height}×${width}`,
    );
  }
  const cu = (height - 1) / 2;
  const cv = (width - 1) / 2;
  const index = new Int32Array(height * width);
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      const u = i - cu;
      const v = j - cv;
      const si = a * u + b * v + cu;
      const sj = c * u + d * v + cv;
      index[i * width + j] = Math.round(si) * width + Math.round(sj);
    }
  }
  return index;
}
