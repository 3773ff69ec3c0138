import { argError, checkNonNegativeInt } from '../errors.js';
import { rotateImages } from './rotate.js';

/** A seeded uniform generator on [0, 1) (mulberry32: 32-bit state, fast, reproducible everywhere). */
export function seededUniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RotatedDigits {
  /** [count, 28·28] row-major images (the input's scale), rotated. */
  images: Float32Array;
  labels: Int32Array;
  /** The rotation of each image in radians, uniform in [0, 2π). */
  angles: Float64Array;
  size: number;
}

export interface RotatedMnistSplit {
  train: RotatedDigits;
  validation: RotatedDigits;
  test: RotatedDigits;
}

/**
 * Rotated MNIST in the MNIST-rot style (Larochelle et al. 2007): every digit turned about the image
 * centre by an angle drawn uniformly from [0, 2π) with bilinear interpolation (zero outside), seeded.
 * The library takes the images (it ships no data; the rotated-MNIST example passes all 70,000 MNIST
 * digits, read from the original IDX files). `images`: count × H·W values; `labels`: count class ids.
 * The digits are shuffled once with the seed and cut, in that order, into train / validation / test
 * of the given sizes (their sum must not exceed count), so a run's split depends only on the seed and
 * the sizes; then each digit gets its own angle from the same seeded stream.
 */
export function rotatedMnist(
  images: Float32Array,
  labels: ArrayLike<number>,
  sizes: { train: number; validation: number; test: number },
  opts: { seed?: number; height?: number; width?: number } = {},
): RotatedMnistSplit {
  const op = 'rotatedMnist';
  const height = opts.height ?? 28;
  const width = opts.width ?? 28;
  const pixels = height * width;
  const count = labels.length;
  if (images.length !== count * pixels)
    argError(
      op,
      'images',
      `${count} images of ${height}×${width} (${count * pixels} values)`,
      `${images.length} values`,
    );
  for (const k of ['train', 'validation', 'test'] as const) checkNonNegativeInt(op, `sizes.${k}`, sizes[k]);
  const total = sizes.train + sizes.validation + sizes.test;
  if (total > count)
    argError(op, 'sizes', `train + validation + test ≤ ${count} (the digits given)`, `${total}`);
  const rand = seededUniform(opts.seed ?? 0);
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  let cursor = 0;
  const take = (n: number): RotatedDigits => {
    const picked = order.slice(cursor, cursor + n);
    cursor += n;
    const src = new Float32Array(n * pixels);
    const lab = new Int32Array(n);
    picked.forEach((idx, i) => {
      src.set(images.subarray(idx * pixels, (idx + 1) * pixels), i * pixels);
      lab[i] = labels[idx]!;
    });
    const angles = Float64Array.from({ length: n }, () => rand() * 2 * Math.PI);
    return { images: rotateImages(src, height, width, angles), labels: lab, angles, size: n };
  };
  return { train: take(sizes.train), validation: take(sizes.validation), test: take(sizes.test) };
}
