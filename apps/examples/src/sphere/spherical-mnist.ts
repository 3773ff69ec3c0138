/**
 * Spherical MNIST (Cohen et al. 2018's construction) on the full MNIST set: digits projected onto
 * the sphere, trained with a harmonic (zonal spectral, batch-normalised) spherical CNN, an S²CNN
 * (S² → SO(3) → SO(3) convolutions), a DISCO spherical CNN and a planar CNN on the equirectangular
 * image, each trained on unrotated (NR) and/or rotated (R) digits and tested NR/NR, R/R and NR/R
 * (train/test). Also measures the equivariance-vs-cost table and writes the figures (SVG and PNG).
 * Run: `npm run example:sphere --workspace @erlangen/examples -- --models harmonic --epochs 1`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { manualSeed, registerCpuBackend, registerWasmBackend, setBackend } from '@erlangen/core';
import { gridSHT64 } from '@erlangen/sphere';
import { Command } from 'commander';
import { renderPng } from '../svg-to-png.js';
import { writeTourSummary } from '../tour/summary.js';
import { type SphereSet, sphericalMnist } from './data.js';
import { equivarianceTable } from './equivariance.js';
import { g32, MODELS } from './models.js';
import { equivariancePlot, signalFigure } from './svg.js';
import { sphereAccuracy, trainOnSpheres } from './train.js';

const int = (v: string) => Number.parseInt(v, 10);
const program = new Command()
  .name('erlangen-sphere')
  .description(
    'Spherical MNIST: harmonic, S²CNN, DISCO and planar CNNs, NR/NR, R/R, NR/R; equivariance vs cost.',
  )
  .option('--models <list>', `comma-separated subset of ${Object.keys(MODELS).join(',')}`, 'harmonic,planar')
  .option(
    '--train-on <list>',
    "which training sets: 'nr', 'r' or 'nr,r' (R/R needs r, NR/R needs nr)",
    'nr,r',
  )
  .option('-e, --epochs <n>', 'passes over the training digits (ignored with --steps)', int, 1)
  .option('--steps <n>', 'optimiser steps per trained model (overrides --epochs)', int)
  .option(
    '--time-budget <s>',
    'train each model for this many seconds instead (cosine over the budget; shared machines)',
    int,
  )
  .option('--batch <n>', 'batch size', int, 32)
  .option('--lr <x>', 'Adam learning rate (cosine-decayed to 0)', Number.parseFloat, 3e-3)
  .option('--limit-per-class <n>', 'training digits per class (default all 60,000 of MNIST)', int)
  .option(
    '--test-per-class <n>',
    'test digits per class (default: all 10,000, or limit/4 with --limit-per-class)',
    int,
  )
  .option('-s, --seed <n>', 'random seed (initialisation, shuffling, rotations)', int, 0)
  .option('--backend <name>', "'cpu' or 'wasm' (the training loop reads values synchronously)", 'cpu')
  .option('--threads <n>', 'threads per kernel (default: all cores)', int)
  .option('--probe-every <n>', 'log NR and R accuracy on the first 1,000 test digits every n steps', int)
  .option('--skip-table', 'skip the equivariance-vs-cost measurement')
  .option('--no-png', 'write SVG figures only')
  .option('--out <dir>', 'folder for the figures and results', 'out')
  .option('--summary-json <file>', 'also write a one-row summary (used by the tour)')
  .parse();
const opts = program.opts<{
  models: string;
  trainOn: string;
  epochs: number;
  steps?: number;
  timeBudget?: number;
  batch: number;
  lr: number;
  limitPerClass?: number;
  testPerClass?: number;
  seed: number;
  backend: string;
  threads?: number;
  probeEvery?: number;
  skipTable?: boolean;
  png: boolean;
  out: string;
  summaryJson?: string;
}>();

if (opts.backend !== 'cpu' && opts.backend !== 'wasm')
  program.error(`--backend must be cpu or wasm, not '${opts.backend}'`);
const unknown = opts.models.split(',').filter((m) => !(m in MODELS));
if (unknown.length > 0)
  program.error(`--models: unknown ${unknown.join(', ')} (known: ${Object.keys(MODELS).join(', ')})`);
const trainOn = opts.trainOn.split(',');
if (trainOn.length === 0 || trainOn.some((t) => t !== 'nr' && t !== 'r'))
  program.error(`--train-on must be nr, r or nr,r; received '${opts.trainOn}'`);
const backendOptions = opts.threads === undefined ? {} : { threads: opts.threads };
if (opts.backend === 'wasm') registerWasmBackend(backendOptions);
else registerCpuBackend(backendOptions);
await setBackend(opts.backend);
manualSeed(opts.seed);
mkdirSync(opts.out, { recursive: true });

const figures: string[] = [];
function writeFigure(name: string, svg: string): void {
  const path = join(opts.out, name);
  writeFileSync(path, svg);
  figures.push(resolve(path));
  const png = opts.png ? renderPng(path) : null;
  if (png) figures.push(png);
  console.log(`Wrote ${path}${png ? ` and ${png}` : ''}.`);
}

const loadStart = performance.now();
const testPerClass =
  opts.testPerClass ?? (opts.limitPerClass === undefined ? undefined : Math.ceil(opts.limitPerClass / 4));
const [trainNR, trainR] = sphericalMnist('train', {
  perClass: opts.limitPerClass,
  rotate: [false, true].filter((r) => trainOn.includes(r ? 'r' : 'nr')),
  seed: opts.seed + 101,
}).reduce<(SphereSet | undefined)[]>(
  (acc, set, i, all) => {
    // map the returned sets back to [NR, R] slots
    if (all.length === 2) acc[i] = set;
    else acc[trainOn.includes('nr') ? 0 : 1] = set;
    return acc;
  },
  [undefined, undefined],
);
const [testNR, testR] = sphericalMnist('test', {
  perClass: testPerClass,
  rotate: [false, true],
  seed: opts.seed + 202,
});
const trainCount = (trainNR ?? trainR)!.count;
console.log(
  `Spherical MNIST on the 32×64 Gauss–Legendre grid: ${trainCount} training digits (${trainOn.map((t) => t.toUpperCase()).join(' and ')}), ${testNR!.count} test digits (NR and R); projected in ${((performance.now() - loadStart) / 1000).toFixed(0)} s.`,
);

// A picture of a spherical signal: the first rotated test digit, and a band-limited random field.
writeFigure(
  'sphere-digit.svg',
  signalFigure(
    testR!.maps.subarray(0, 32 * 64),
    g32.theta,
    g32.phi,
    'A rotated spherical-MNIST digit (32×64 Gauss–Legendre grid)',
  ),
);
const field = gridSHT64(g32, 32).inverse(
  Float64Array.from({ length: 32 * 32 }, (_, i) => (i < 64 ? Math.sin(7.3 * i + 1) : 0)),
);
writeFigure(
  'sphere-field.svg',
  signalFigure(field, g32.theta, g32.phi, 'A band-limited random field (L = 8)'),
);

const steps = opts.timeBudget
  ? (opts.steps ?? Number.MAX_SAFE_INTEGER)
  : (opts.steps ?? Math.max(1, opts.epochs * Math.floor(trainCount / opts.batch)));
console.log(
  opts.timeBudget
    ? `Training each model for ${opts.timeBudget} s (batches of ${opts.batch}), Adam ${opts.lr} cosine-decayed over the budget, backend ${opts.backend}.`
    : `Training each model for ${steps} steps of ${opts.batch} (${((steps * opts.batch) / trainCount).toFixed(2)} epochs), Adam ${opts.lr} cosine-decayed, backend ${opts.backend}.`,
);
interface Row {
  model: string;
  params: number;
  stepsNR?: number;
  stepsR?: number;
  nrnr?: number;
  rr?: number;
  nrr?: number;
  secondsNR?: number;
  secondsR?: number;
}
const rows: Row[] = [];
const head = (set: SphereSet, n = 1000): SphereSet =>
  set.count <= n
    ? set
    : { maps: set.maps.subarray(0, n * 32 * 64), labels: set.labels.subarray(0, n), count: n };
const pct = (v?: number) => (v === undefined ? '     —' : `${(100 * v).toFixed(2)}%`).padStart(8);
for (const name of opts.models.split(',')) {
  const make = MODELS[name]!;
  const row: Row = { model: name, params: make(opts.seed).numParameters() };
  const probeEvery = opts.probeEvery;
  const probe =
    probeEvery === undefined
      ? undefined
      : (model: Parameters<typeof sphereAccuracy>[0], step: number) =>
          step % probeEvery === 0 || step === steps
            ? ` · test[:1000] NR ${pct(sphereAccuracy(model, head(testNR!)))} R ${pct(sphereAccuracy(model, head(testR!)))}`
            : '';
  const trainOpts = {
    steps,
    batchSize: opts.batch,
    lr: opts.lr,
    seed: opts.seed,
    probe,
    ...(opts.timeBudget ? { timeBudget: opts.timeBudget } : {}),
  };
  if (trainNR) {
    const model = make(opts.seed);
    ({ seconds: row.secondsNR, steps: row.stepsNR } = trainOnSpheres(
      `${name} (NR)`,
      model,
      trainNR,
      trainOpts,
    ));
    row.nrnr = sphereAccuracy(model, testNR!);
    row.nrr = sphereAccuracy(model, testR!);
    console.log(`${name} trained on NR: NR/NR ${pct(row.nrnr)}  NR/R ${pct(row.nrr)}`);
  }
  if (trainR) {
    const model = make(opts.seed);
    ({ seconds: row.secondsR, steps: row.stepsR } = trainOnSpheres(`${name} (R)`, model, trainR, trainOpts));
    row.rr = sphereAccuracy(model, testR!);
    console.log(`${name} trained on R: R/R ${pct(row.rr)}`);
  }
  rows.push(row);
}
console.log('model             params    NR/NR      R/R     NR/R   training (NR + R)');
const spent = (steps?: number, secs?: number) =>
  steps === undefined ? undefined : `${steps} steps ${secs!.toFixed(0)} s`;
for (const r of rows)
  console.log(
    `${r.model.padEnd(15)} ${String(r.params).padStart(8)} ${pct(r.nrnr)} ${pct(r.rr)} ${pct(r.nrr)}   ${[spent(r.stepsNR, r.secondsNR), spent(r.stepsR, r.secondsR)].filter((s) => s !== undefined).join(' + ')}`,
  );
writeFileSync(
  join(opts.out, 'sphere-results.json'),
  `${JSON.stringify({ trainDigits: trainCount, testDigits: testNR!.count, batch: opts.batch, lr: opts.lr, backend: opts.backend, rows }, null, 2)}\n`,
);

if (!opts.skipTable) {
  console.log('Equivariance vs cost (relative L2 error over 3 random rotations, batch 1, 16→16 channels):');
  writeFigure('sphere-equivariance.svg', equivariancePlot(equivarianceTable([17, 33], [4, 8])));
}
writeTourSummary(opts.summaryJson, {
  task: 'spherical MNIST, trained upright, tested rotated (NR/R)',
  model: rows.map((r) => r.model).join(' vs '),
  metric: `NR/R ${rows.map((r) => `${r.model} ${r.nrr === undefined ? '—' : `${(100 * r.nrr).toFixed(1)}%`}`).join(', ')}`,
  figures,
});
