/**
 * Spherical MNIST (Cohen et al. 2018's construction): digits projected onto the sphere, trained with
 * an S²CNN (S² → SO(3) → SO(3) convolutions), a harmonic (zonal spectral) spherical CNN, a DISCO spherical CNN and a planar CNN on the
 * equirectangular image, tested NR/NR, R/R and NR/R (train/test, R = randomly rotated). Also
 * measures the equivariance-vs-cost table and writes the figures.
 * Run: `npm run example:sphere --workspace @erlangen/examples -- --epochs 2 --out out`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Generator, manualSeed, nn, type Tensor, tensor } from '@erlangen/core';
import {
  DiscoConvS2,
  type GridSampling,
  gridPoints,
  gridSampling,
  gridSHT64,
  projectImagesToSphere,
  S2ToSO3Conv,
  SO3Conv,
  SpectralResample,
  SpectralZonalConv,
  sphericalMean,
} from '@erlangen/sphere';
import { Command } from 'commander';
import { classificationAccuracy, trainDigitClassifier } from '../digit-training.js';
import { IMAGE_SIZE, loadMnistDigits, PIXEL_MEAN, PIXEL_STD } from '../mnist-data.js';
import { writeTourSummary } from '../tour/summary.js';
import { equivarianceTable } from './equivariance.js';
import { equivariancePlot, signalFigure } from './svg.js';

const program = new Command()
  .name('erlangen-sphere')
  .description('Spherical MNIST: harmonic, DISCO and planar CNNs, NR/NR, R/R, NR/R; equivariance vs cost.')
  .option('-e, --epochs <n>', 'training epochs', (v) => Number.parseInt(v, 10), 2)
  .option('-s, --seed <n>', 'random seed', (v) => Number.parseInt(v, 10), 0)
  .option('--limit-per-class <n>', 'digits per class (default all ~1,000 of the mnist package)', (v) =>
    Number.parseInt(v, 10),
  )
  .option(
    '--models <list>',
    'comma-separated subset of s2cnn,harmonic,disco,planar',
    's2cnn,harmonic,disco,planar',
  )
  .option('--skip-table', 'skip the equivariance-vs-cost measurement')
  .option('--out <dir>', 'folder for the SVG figures', 'out')
  .option('--summary-json <file>', 'also write a one-row summary (used by the tour)')
  .parse();
const opts = program.opts<{
  epochs: number;
  seed: number;
  limitPerClass?: number;
  models: string;
  summaryJson?: string;
  skipTable?: boolean;
  out: string;
}>();

const g32 = gridSampling('gauss-legendre', 32); // 32×64, band limit 32
const g16 = gridSampling('gauss-legendre', 16);
const g8 = gridSampling('gauss-legendre', 8);

class Relu extends nn.Module {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

/** Zonal spectral CNN: [B, 1, 32, 64] → conv → pool 16×32 → conv → pool 8×16 → conv → spherical mean → linear. */
class HarmonicNet extends nn.Module {
  c1 = new SpectralZonalConv(g32, 1, 16, { seed: opts.seed + 1 });
  c2 = new SpectralZonalConv(g16, 16, 32, { seed: opts.seed + 2 });
  c3 = new SpectralZonalConv(g8, 32, 64, { seed: opts.seed + 3 });
  head = new nn.Linear(64, 10, { generator: new Generator(opts.seed + 4) });
  private readonly p1 = new SpectralResample(g32, g16);
  private readonly p2 = new SpectralResample(g16, g8);
  forward(x: Tensor): Tensor {
    let h = this.p1.forward(this.c1.forward(x).relu());
    h = this.p2.forward(this.c2.forward(h).relu());
    h = this.c3.forward(h).relu();
    return this.head.forward(sphericalMean(h, g8));
  }
}

/** DISCO CNN with isotropic piecewise-linear filters, downsampling 32 → 16 → 8 rings. */
class DiscoNet extends nn.Module {
  // cutoffs of ~3 input rings (the default scales with the coarser output grid and blurs too much)
  d1 = new DiscoConvS2(g32, 1, 16, {
    outSampling: g16,
    kernelShape: 3,
    cutoff: (3 * Math.PI) / 32,
    seed: opts.seed + 1,
  });
  d2 = new DiscoConvS2(g16, 16, 32, {
    outSampling: g8,
    kernelShape: 3,
    cutoff: (3 * Math.PI) / 16,
    seed: opts.seed + 2,
  });
  d3 = new DiscoConvS2(g8, 32, 64, { kernelShape: 3, cutoff: (3 * Math.PI) / 16, seed: opts.seed + 3 });
  head = new nn.Linear(64, 10, { generator: new Generator(opts.seed + 4) });
  forward(x: Tensor): Tensor {
    const h = this.d3.forward(this.d2.forward(this.d1.forward(x).relu()).relu()).relu();
    return this.head.forward(sphericalMean(h, g8));
  }
}

/**
 * Cohen et al. 2018's S²CNN (s2cnn's MNIST model, smaller band limits): S² → SO(3) conv at b = 8,
 * ReLU on the SO(3) grid, SO(3) → SO(3) conv, ReLU, Haar mean over SO(3) (invariant), linear.
 */
class S2CNN extends nn.Module {
  lift = new S2ToSO3Conv(g32, 1, 10, 8, { seed: opts.seed + 1 });
  conv = new SO3Conv(10, 20, 8, { seed: opts.seed + 2 });
  head = new nn.Linear(20, 10, { generator: new Generator(opts.seed + 4) });
  forward(x: Tensor): Tensor {
    const h = this.conv.forward(this.lift.forward(x).relu()).relu(); // [B, 20, 8, 16, 16]
    return this.head.forward(this.conv.so3.mean(h));
  }
}

/** A planar CNN on the equirectangular image (the baseline that does not know it is a sphere). */
class PlanarNet extends nn.Module {
  seq: nn.Sequential;
  constructor() {
    super();
    const generator = new Generator(opts.seed + 1);
    this.seq = new nn.Sequential(
      new nn.Conv2d(1, 16, 3, { padding: 1, generator }),
      new Relu(),
      new nn.MaxPool2d(2),
      new nn.Conv2d(16, 32, 3, { padding: 1, generator }),
      new Relu(),
      new nn.MaxPool2d(2),
      new nn.Conv2d(32, 64, 3, { padding: 1, generator }),
      new Relu(),
    );
  }
  head = new nn.Linear(64, 10, { generator: new Generator(opts.seed + 4) });
  forward(x: Tensor): Tensor {
    return this.head.forward((this.seq.forward(x) as Tensor).mean([2, 3]));
  }
}

function toSphere(images: Tensor, rotate: boolean, seed: number, s: GridSampling): Tensor {
  const n = images.shape[0]!;
  // undo the standardisation of mnist-data.ts: the projection rescales each map to [0, 1] anyway
  const raw = Float32Array.from(images.dataSync(), (v) => v * PIXEL_STD + PIXEL_MEAN);
  const maps = projectImagesToSphere(raw, n, IMAGE_SIZE, IMAGE_SIZE, gridPoints(s), { rotate, seed });
  for (let i = 0; i < maps.length; i++) maps[i] = (maps[i]! - 0.1) / 0.25;
  return tensor(maps, [n, 1, s.nlat, s.nlon]).keep();
}

manualSeed(opts.seed);
mkdirSync(opts.out, { recursive: true });
const { train: trainSplit, test } = loadMnistDigits(0.8, opts.limitPerClass);
const sets = {
  trainNR: toSphere(trainSplit.images, false, 0, g32),
  trainR: toSphere(trainSplit.images, true, opts.seed + 101, g32),
  testNR: toSphere(test.images, false, 0, g32),
  testR: toSphere(test.images, true, opts.seed + 202, g32),
};

// A picture of a spherical signal: the first rotated test digit, and a band-limited random field.
const digit = sets.testR.narrow(0, 0, 1).dataSync();
writeFileSync(
  join(opts.out, 'sphere-digit.svg'),
  signalFigure(digit, g32.theta, g32.phi, 'A rotated spherical-MNIST digit (32×64 Gauss–Legendre grid)'),
);
const field = gridSHT64(g32, 32).inverse(
  Float64Array.from({ length: 32 * 32 }, (_, i) => (i < 64 ? Math.sin(7.3 * i + 1) : 0)),
);
writeFileSync(
  join(opts.out, 'sphere-field.svg'),
  signalFigure(field, g32.theta, g32.phi, 'A band-limited random field (L = 8)'),
);
console.log(`Wrote ${join(opts.out, 'sphere-digit.svg')} and ${join(opts.out, 'sphere-field.svg')}.`);

const factories: Record<string, () => nn.Module> = {
  s2cnn: () => new S2CNN(),
  harmonic: () => new HarmonicNet(),
  disco: () => new DiscoNet(),
  planar: () => new PlanarNet(),
};
const chosen = opts.models.split(',').filter((m) => m in factories);
console.log(
  `Training on ${trainSplit.labels.shape[0]} digits for ${opts.epochs} epochs, testing on ${test.labels.shape[0]} (grid 32×64).`,
);
const trainOpts = { epochs: opts.epochs, seed: opts.seed, nameWidth: 14 };
const accuracy = (model: nn.Module, images: Tensor, labels: Tensor) =>
  classificationAccuracy(model, images, labels, 250);
const lines: string[] = [];
const transfer: string[] = [];
for (const name of chosen) {
  const nrModel = factories[name]!();
  const tNR = trainDigitClassifier(`${name} (NR)`, nrModel, sets.trainNR, trainSplit.labels, trainOpts);
  const rModel = factories[name]!();
  const tR = trainDigitClassifier(`${name} (R)`, rModel, sets.trainR, trainSplit.labels, trainOpts);
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`.padStart(8);
  transfer.push(`${name} ${(100 * accuracy(nrModel, sets.testR, test.labels)).toFixed(1)}%`);
  lines.push(
    `${name.padEnd(9)} ${String(nrModel.numParameters()).padStart(7)} ${pct(accuracy(nrModel, sets.testNR, test.labels))} ${pct(accuracy(rModel, sets.testR, test.labels))} ${pct(accuracy(nrModel, sets.testR, test.labels))}   (${tNR.toFixed(0)} s + ${tR.toFixed(0)} s training)`,
  );
}
console.log('model      params    NR/NR     R/R    NR/R');
for (const l of lines) console.log(l);

if (!opts.skipTable) {
  console.log('Equivariance vs cost (relative L2 error over 3 random rotations, batch 1, 16→16 channels):');
  const rows = equivarianceTable([17, 33], [4, 8]);
  writeFileSync(join(opts.out, 'sphere-equivariance.svg'), equivariancePlot(rows));
  console.log(`Wrote ${join(opts.out, 'sphere-equivariance.svg')}.`);
}
writeTourSummary(opts.summaryJson, {
  task: 'spherical MNIST, trained upright, tested rotated (NR/R)',
  model: chosen.join(' vs '),
  metric: `NR/R ${transfer.join(', ')}`,
  figures: [
    'sphere-digit.svg',
    'sphere-field.svg',
    ...(opts.skipTable ? [] : ['sphere-equivariance.svg']),
  ].map((f) => resolve(opts.out, f)),
});
