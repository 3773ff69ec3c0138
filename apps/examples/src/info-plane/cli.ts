/**
 * Train a network, record its information plane and write the figures.
 * Run: `npm run example:info-plane -- --activation tanh|relu --estimator binning|kde|ksg`
 * (comma lists allowed, e.g. `--estimator binning,floor,kde`). `--task mnist` runs Saxe et al.'s
 * MNIST setting instead of the 12-bit task.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getBackend } from '@erlangen/core';
import {
  type Activation,
  type EpochRecord,
  type EstimatorSpec,
  estimatorName,
  informationPlaneFrames,
  informationPlaneSvg,
  layerCurvesSvg,
  planeSeries,
  trainTwelveBit,
} from '@erlangen/info-bottleneck';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { renderPng } from '../svg-to-png.js';
import { writeTourSummary } from '../tour/summary.js';
import { trainSaxeMnist } from './mnist-saxe.js';

const ESTIMATORS: Record<string, EstimatorSpec> = {
  binning: { kind: 'binning', strategy: { kind: 'fixed', edges: 30, range: [-1, 1] } },
  floor: { kind: 'binning', strategy: { kind: 'floor', binSize: 0.07 } },
  adaptive: { kind: 'binning', strategy: { kind: 'adaptive', bins: 30, scope: 'neuron' } },
  kde: { kind: 'kde', noiseVariance: 0.1 },
  ksg: { kind: 'ksg', k: 3, maxSamples: 1024 },
  renyi: { kind: 'renyi', maxSamples: 128 },
  mine: { kind: 'mine', steps: 300, maxSamples: 1024 },
};

const int = (v: string) => Number.parseInt(v, 10);

const program = new Command()
  .name('erlangen-info-plane')
  .description('Train, record I(X;T) and I(T;Y) per layer, and write the information-plane figures.')
  .option('-t, --task <name>', "'twelve-bit' (Shwartz-Ziv & Tishby) or 'mnist' (Saxe et al.)", 'twelve-bit')
  .option('-a, --activation <name>', "'tanh' or 'relu'", 'tanh')
  .option('-E, --estimator <list>', `comma list of ${Object.keys(ESTIMATORS).join(', ')}`, 'binning')
  .option('-e, --epochs <n>', 'training epochs (default 8000 for twelve-bit, 30 for mnist)', int)
  .option(
    '-b, --batch-size <n>',
    "minibatch size (default: 256 for twelve-bit, IDNNs'; 3276 = full batch; 128 for mnist)",
    int,
  )
  .option('--lr <x>', 'Adam learning rate (default 4e-4 for twelve-bit, 1e-3 for mnist)', Number.parseFloat)
  .option(
    '--split <kind>',
    "twelve-bit split: 'original' (IDNNs' biased first 80%, default) or 'shuffled'",
    'original',
  )
  .option(
    '--init <kind>',
    "twelve-bit weight init: 'truncated-normal' (IDNNs) or 'torch' (core's U(±1/√fan_in))",
    'truncated-normal',
  )
  .option(
    '--batch-order <kind>',
    "twelve-bit minibatch order: 'fixed' (IDNNs' consecutive slices, default) or 'shuffled' (every epoch)",
    'fixed',
  )
  .option('--record-points <n>', 'log-spaced recording epochs', int, 60)
  .option('--probe-size <n>', 'mnist: probe digits', int, 1000)
  .option('-s, --seed <n>', 'random seed', int, 0)
  .option('--frames', 'also write one SVG per recorded epoch (animation frames)', false)
  .option('--png', 'also render PNGs with a headless Chromium, where one is installed', false)
  .option('-o, --out <dir>', 'output folder', 'out')
  .option('--summary-json <file>', 'also write a one-row summary (used by the tour)')
  .parse();

const o = program.opts<{
  task: string;
  activation: string;
  estimator: string;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  split: string;
  init: string;
  batchOrder: string;
  recordPoints: number;
  probeSize: number;
  seed: number;
  frames: boolean;
  png: boolean;
  out: string;
  summaryJson?: string;
}>();
if (o.task !== 'twelve-bit' && o.task !== 'mnist')
  program.error(`--task must be twelve-bit or mnist, not '${o.task}'`);
if (o.activation !== 'tanh' && o.activation !== 'relu')
  program.error(`--activation must be tanh or relu, not '${o.activation}'`);
if (o.split !== 'shuffled' && o.split !== 'original')
  program.error(`--split must be shuffled or original, not '${o.split}'`);
if (o.init !== 'truncated-normal' && o.init !== 'torch')
  program.error(`--init must be truncated-normal or torch, not '${o.init}'`);
if (o.batchOrder !== 'shuffled' && o.batchOrder !== 'fixed')
  program.error(`--batch-order must be shuffled or fixed, not '${o.batchOrder}'`);
const keys = o.estimator.split(',').map((s) => s.trim());
for (const k of keys)
  if (!ESTIMATORS[k])
    program.error(`unknown estimator '${k}' (known: ${Object.keys(ESTIMATORS).join(', ')})`);
const estimators = keys.map((k) => ESTIMATORS[k]!);
const activation = o.activation as Activation;
const epochs = o.epochs ?? (o.task === 'mnist' ? 30 : 8000);

const outDir = resolve(o.out);
mkdirSync(outDir, { recursive: true });
const stem = `info-plane-${o.task}-${activation}-${keys.join('+')}`;
const streamPath = join(outDir, `${stem}.records.jsonl`);
writeFileSync(streamPath, '');
const onRecord = (r: EpochRecord) => appendFileSync(streamPath, `${JSON.stringify(r)}\n`);

console.log(
  `Erlangen · information plane (${o.task}, ${activation}, estimators: ${estimators.map(estimatorName).join(', ')}; backend ${getBackend()}, ${epochs} epochs, seed ${o.seed})`,
);
const bar = new SingleBar({
  format: '  [{bar}] {value}/{total} epochs · loss {loss} · {eta}s left',
  hideCursor: true,
  etaBuffer: 50,
});
bar.start(epochs, 0, { loss: '—' });
const onProgress = ({ epoch, loss }: { epoch: number; loss: number }) => {
  if (epoch % 10 === 0 || epoch === epochs) bar.update(epoch, { loss: loss.toFixed(4) });
};
const t0 = performance.now();
const run =
  o.task === 'twelve-bit'
    ? trainTwelveBit({
        activation,
        epochs,
        batchSize: o.batchSize ?? 256,
        lr: o.lr ?? 4e-4,
        split: o.split as 'shuffled' | 'original',
        init: o.init as 'truncated-normal' | 'torch',
        batchOrder: o.batchOrder as 'shuffled' | 'fixed',
        seed: o.seed,
        estimators,
        recordPoints: o.recordPoints,
        onProgress,
        onRecord,
      })
    : trainSaxeMnist({
        activation,
        epochs,
        batchSize: o.batchSize ?? 128,
        lr: o.lr ?? 1e-3,
        seed: o.seed,
        probeSize: o.probeSize,
        estimators,
        recordPoints: o.recordPoints,
        onProgress,
        onRecord,
      });
bar.stop();
const seconds = (performance.now() - t0) / 1000;
const rec = run.recorder;
const history = rec.history;

console.log(
  `  done in ${seconds.toFixed(1)} s (training ${(run.msTraining / 1000).toFixed(1)} s, recording ${(run.msRecording / 1000).toFixed(1)} s); ` +
    `test accuracy ${(100 * run.testAccuracy).toFixed(1)}%`,
);
const narrow = o.task === 'twelve-bit' ? 4 : rec.layerNames.length - 2; // the 3-unit layer / the last 20-unit layer
const figures: string[] = [];
const headlines: string[] = [];
for (const name of rec.estimatorNames) {
  const s = planeSeries(history, name, rec.layerNames);
  const ixt = s.ixt.map((row) => row[narrow]!);
  const peak = Math.max(...ixt);
  const out = s.ity.map((row) => row[row.length - 1]!);
  const ms =
    history.reduce((a, h) => a + (h.estimatorMs[name] ?? 0), 0) / history.length / s.layerNames.length;
  console.log(
    `  ${name}: ${s.layerNames[narrow]} I(X;T) peak ${peak.toFixed(2)} bits (epoch ${s.epochs[ixt.indexOf(peak)]}) → final ${ixt.at(-1)!.toFixed(2)}; ` +
      `output I(T;Y) ${out[0]!.toFixed(3)} → ${out.at(-1)!.toFixed(3)}; ${ms.toFixed(0)} ms per layer per recorded epoch`,
  );
  const file = `${stem}-${name.replace(/[^a-z0-9.=-]+/gi, '_')}`;
  const title = `${o.task} · ${activation} · ${name}`;
  writeFileSync(join(outDir, `${file}.svg`), informationPlaneSvg(s, { title }));
  writeFileSync(join(outDir, `${file}-layers.svg`), layerCurvesSvg(s, { title }));
  figures.push(join(outDir, `${file}.svg`), join(outDir, `${file}-layers.svg`));
  headlines.push(
    `${name.split('(')[0]}: ${s.layerNames[narrow]} I(X;T) ${peak.toFixed(1)} → ${ixt.at(-1)!.toFixed(1)} bits, I(T;Y) ${out.at(-1)!.toFixed(2)}`,
  );
  if (o.png) {
    renderPng(join(outDir, `${file}.svg`), { width: 640, height: 480 });
    renderPng(join(outDir, `${file}-layers.svg`), { width: 900, height: 360 });
  }
  if (o.frames) {
    const dir = join(outDir, `${file}-frames`);
    mkdirSync(dir, { recursive: true });
    informationPlaneFrames(s, { title }).forEach((svg, i) => {
      writeFileSync(join(dir, `frame-${String(i).padStart(3, '0')}.svg`), svg);
    });
  }
}
const last = history.at(-1)!;
console.log(
  `  SGD diagnostics at epoch ${last.epoch}: ${last.diagnostics
    .map(
      (d) =>
        `${d.name} ‖W‖ ${d.weightNorm.toFixed(2)} SNR ${d.gradientSnr === null ? '—' : d.gradientSnr.toFixed(2)}`,
    )
    .join('; ')}`,
);
writeFileSync(
  join(outDir, `${stem}.json`),
  JSON.stringify({
    task: o.task,
    activation,
    trainingEpochs: epochs,
    seed: o.seed,
    seconds,
    testAccuracy: run.testAccuracy,
    ...rec.toJSON(),
  }),
);
console.log(`  wrote ${join(outDir, `${stem}*.svg`)}, ${stem}.json and ${stem}.records.jsonl in ${outDir}`);
rec.dispose();
writeTourSummary(o.summaryJson, {
  task: o.task === 'twelve-bit' ? 'information plane, 12-bit task' : 'information plane, MNIST',
  model: `${o.task === 'twelve-bit' ? '12-10-7-5-4-3-2' : '784-1024-20-20-20-10'} ${activation}`,
  metric: headlines.join('; '),
  figures,
});
