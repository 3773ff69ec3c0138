import { argError, checkPositiveInt } from '../errors.js';
import { type EulerAngles, eulerToMatrix, randomRotation, seededUniform } from '../rotation/rotate.js';
import type { GridSampling } from '../sampling/grid.js';

/** Points on the sphere as colatitude/longitude arrays of equal length. */
export interface SpherePoints {
  theta: Float64Array;
  phi: Float64Array;
}

/** The nlat·nlon points of a grid, row-major `[nlat, nlon]`. */
export function gridPoints(s: GridSampling): SpherePoints {
  const theta = new Float64Array(s.nlat * s.nlon);
  const phi = new Float64Array(s.nlat * s.nlon);
  for (let t = 0; t < s.nlat; t++)
    for (let p = 0; p < s.nlon; p++) {
      theta[t * s.nlon + p] = s.theta[t]!;
      phi[t * s.nlon + p] = s.phi[p]!;
    }
  return { theta, phi };
}

export interface SphericalMnistOptions {
  /** Rotate each image by its own Haar-random rotation (the "R" setting); default false ("NR"). */
  rotate?: boolean;
  /** Seed of the rotations (image i uses draw i of this seed's stream). */
  seed?: number;
  /** Explicit rotations, one per image (overrides `rotate`/`seed`). */
  rotations?: readonly EulerAngles[];
}

/**
 * Spherical MNIST as s2cnn builds it (Cohen et al. 2018, `gendata.py`): each sphere point x (after
 * the optional rotation, x ← R x) is projected from (0, 0, 2 + 10⁻³) — just above the north pole of
 * the sphere moved to touch the plane z = 0 — onto that plane, the image covering [−1.5, 1.5]², and
 * the image is sampled there with s2cnn's bilinear stencil (the neighbours at ⌊r⌋ ± 1); each map is
 * then rescaled to [0, 1]. The digit lands on the southern hemisphere.
 *
 * Shapes: images `[n, h, w]` (any numeric array, row-major) → Float32Array `[n, points]`.
 */
export function projectImagesToSphere(
  images: ArrayLike<number>,
  count: number,
  height: number,
  width: number,
  points: SpherePoints,
  options: SphericalMnistOptions = {},
): Float32Array {
  checkPositiveInt('projectImagesToSphere', 'count', count);
  checkPositiveInt('projectImagesToSphere', 'height', height);
  checkPositiveInt('projectImagesToSphere', 'width', width);
  if (images.length !== count * height * width)
    argError(
      'projectImagesToSphere',
      'images',
      `${count}·${height}·${width} = ${count * height * width} values ([n, h, w])`,
      String(images.length),
    );
  if (points.theta.length !== points.phi.length)
    argError(
      'projectImagesToSphere',
      'points',
      'theta and phi of equal length',
      `${points.theta.length} and ${points.phi.length}`,
    );
  if (options.rotations && options.rotations.length !== count)
    argError(
      'projectImagesToSphere',
      'rotations',
      `${count} rotations (one per image)`,
      String(options.rotations.length),
    );
  const np = points.theta.length;
  const base = new Float64Array(3 * np);
  for (let i = 0; i < np; i++) {
    base[3 * i] = Math.sin(points.theta[i]!) * Math.cos(points.phi[i]!);
    base[3 * i + 1] = Math.sin(points.theta[i]!) * Math.sin(points.phi[i]!);
    base[3 * i + 2] = Math.cos(points.theta[i]!);
  }
  const rand = seededUniform(options.seed ?? 0);
  const out = new Float32Array(count * np);
  const [sx, sy, sz] = [0, 0, 2 + 1e-3];
  const xmin = 0.5 * (-1 - sx) - 1;
  const ymin = 0.5 * (-1 - sy) - 1;
  const at = (img: number, r: number, c: number) =>
    r >= 0 && r < height && c >= 0 && c < width ? Number(images[img * height * width + r * width + c]) : 0;
  for (let n = 0; n < count; n++) {
    const rot = options.rotations
      ? eulerToMatrix(options.rotations[n]!)
      : options.rotate
        ? eulerToMatrix(randomRotation(rand))
        : null;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < np; i++) {
      let x = base[3 * i]!;
      let y = base[3 * i + 1]!;
      let z = base[3 * i + 2]!;
      if (rot)
        [x, y, z] = [
          rot[0]! * x + rot[1]! * y + rot[2]! * z,
          rot[3]! * x + rot[4]! * y + rot[5]! * z,
          rot[6]! * x + rot[7]! * y + rot[8]! * z,
        ];
      const zz = z + 1;
      const t = -zz / (zz - sz);
      const rx = ((t * (x - sx) + x - xmin) / (2 * Math.abs(xmin))) * height;
      const ry = ((t * (y - sy) + y - ymin) / (2 * Math.abs(ymin))) * width;
      const ix = Math.trunc(rx);
      const iy = Math.trunc(ry);
      const [ix0, ix1, iy0, iy1] = [ix - 1, ix + 1, iy - 1, iy + 1];
      const fx1 = (ix1 - rx) * at(n, ix0, iy0) + (rx - ix0) * at(n, ix1, iy0);
      const fx2 = (ix1 - rx) * at(n, ix0, iy1) + (rx - ix0) * at(n, ix1, iy1);
      const v = (iy1 - ry) * fx1 + (ry - iy0) * fx2;
      out[n * np + i] = v;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const span = hi - lo || 1;
    for (let i = 0; i < np; i++) out[n * np + i] = (out[n * np + i]! - lo) / span;
  }
  return out;
}
