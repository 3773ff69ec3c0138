import { argError, checkPositiveInt } from '../errors.js';

/**
 * Bilinear sampling taps for resampling an H×W grid under a plane map: output pixel p takes
 * Σ_{c < 4} weight[4p + c] · input[index[4p + c]], where the source point is `inverse` applied to p's
 * (row, column) offset from the grid centre. Points outside the grid read zero (weight 0, index 0).
 * `inverse` is the 2×2 row-major matrix of the inverse map (for a rotation by θ: rotation by −θ).
 */
export interface BilinearTaps {
  index: Int32Array;
  weight: Float32Array;
}

export function bilinearTaps(
  height: number,
  width: number,
  inverse: readonly [number, number, number, number],
): BilinearTaps {
  checkPositiveInt('bilinearTaps', 'height', height);
  checkPositiveInt('bilinearTaps', 'width', width);
  const [a, b, c, d] = inverse;
  const cu = (height - 1) / 2;
  const cv = (width - 1) / 2;
  const index = new Int32Array(height * width * 4);
  const weight = new Float32Array(height * width * 4);
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      const u = i - cu;
      const v = j - cv;
      // Snap to the grid where the map is (numerically) exact, so 90° turns stay permutations.
      let su = a * u + b * v + cu;
      let sv = c * u + d * v + cv;
      if (Math.abs(su - Math.round(su)) < 1e-9) su = Math.round(su);
      if (Math.abs(sv - Math.round(sv)) < 1e-9) sv = Math.round(sv);
      const i0 = Math.floor(su);
      const j0 = Math.floor(sv);
      const fu = su - i0;
      const fv = sv - j0;
      const p = (i * width + j) * 4;
      const corners: [number, number, number][] = [
        [i0, j0, (1 - fu) * (1 - fv)],
        [i0, j0 + 1, (1 - fu) * fv],
        [i0 + 1, j0, fu * (1 - fv)],
        [i0 + 1, j0 + 1, fu * fv],
      ];
      corners.forEach(([ci, cj, w], k) => {
        if (w !== 0 && ci >= 0 && ci < height && cj >= 0 && cj < width) {
          index[p + k] = ci * width + cj;
          weight[p + k] = w;
        }
      });
    }
  }
  return { index, weight };
}

/** The inverse of the rotation by `angle` (counter-clockwise as displayed, GrouPy's convention), row-major. */
export function inverseRotation(angle: number): [number, number, number, number] {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return [c, s, -s, c];
}

/**
 * Rotates images about their centre by `angle` radians (counter-clockwise as displayed; a quarter turn
 * is numpy.rot90) with bilinear interpolation, zero outside. `images` holds `count` row-major H×W
 * images back to back; returns a new array of the same length. Plain float32 arrays (for data sets).
 */
export function rotateImages(
  images: Float32Array,
  height: number,
  width: number,
  angle: number | ArrayLike<number>,
): Float32Array {
  const pixels = height * width;
  if (images.length % pixels !== 0)
    argError(
      'rotateImages',
      'images',
      `a multiple of ${height}×${width} = ${pixels} values`,
      `${images.length}`,
    );
  const count = images.length / pixels;
  const angles = typeof angle === 'number' ? null : angle;
  if (angles && angles.length !== count)
    argError('rotateImages', 'angle', `one angle per image (${count})`, `${angles.length}`);
  const out = new Float32Array(images.length);
  let taps = typeof angle === 'number' ? bilinearTaps(height, width, inverseRotation(angle)) : null;
  for (let n = 0; n < count; n++) {
    if (angles) taps = bilinearTaps(height, width, inverseRotation(angles[n]!));
    const { index, weight } = taps!;
    const base = n * pixels;
    for (let p = 0; p < pixels; p++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += weight[p * 4 + k]! * images[base + index[p * 4 + k]!]!;
      out[base + p] = s;
    }
  }
  return out;
}
