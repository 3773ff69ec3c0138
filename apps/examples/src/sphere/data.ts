/**
 * Spherical MNIST from the full MNIST set (60,000 training and 10,000 test digits, read by
 * ../mnist-idx.ts): each digit projected onto the 32×64 Gauss–Legendre grid as Cohen et al. 2018's
 * gendata.py does, unrotated (NR) or under its own Haar-random rotation (R, seeded).
 */
import { gridPoints, projectImagesToSphere } from '@erlangen/sphere';
import { loadMnistIdx } from '../mnist-idx.js';
import { g32 } from './models.js';

export interface SphereSet {
  /** [count, 32·64] maps, standardised */
  maps: Float32Array;
  /** [count] class ids */
  labels: Int32Array;
  count: number;
}

const SIZE = 28;
/** Standardisation of the projected maps (each map is in [0, 1] after the projection). */
const MAP_MEAN = 0.1;
const MAP_STD = 0.25;

/**
 * The first `perClass` digits of each class of one MNIST part (all when undefined), in file order
 * within a class.
 */
function pick(labels: Int32Array, perClass?: number): number[] {
  if (perClass === undefined) return Array.from(labels, (_, i) => i);
  const taken = new Array<number>(10).fill(0);
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++)
    if (taken[labels[i]!]! < perClass) {
      taken[labels[i]!]!++;
      out.push(i);
    }
  return out;
}

/** Loads one MNIST part (optionally the first `perClass` digits per class) as NR and R spheres. */
export function sphericalMnist(
  part: 'train' | 'test',
  options: { perClass?: number; rotate: boolean[]; seed: number },
): SphereSet[] {
  const mnist = loadMnistIdx(part);
  const idx = pick(mnist.labels, options.perClass);
  const images = new Float32Array(idx.length * SIZE * SIZE);
  idx.forEach((src, i) => {
    images.set(mnist.images.subarray(src * SIZE * SIZE, (src + 1) * SIZE * SIZE), i * SIZE * SIZE);
  });
  const labels = Int32Array.from(idx, (i) => mnist.labels[i]!);
  const points = gridPoints(g32);
  return options.rotate.map((rotate) => {
    const maps = projectImagesToSphere(images, idx.length, SIZE, SIZE, points, {
      rotate,
      seed: options.seed,
    });
    for (let i = 0; i < maps.length; i++) maps[i] = (maps[i]! - MAP_MEAN) / MAP_STD;
    return { maps, labels, count: idx.length };
  });
}
