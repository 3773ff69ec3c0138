/**
 * `npm run example:mesh`: trains GemConv, an isotropic mesh GCN and a geodesic polar CNN on our own
 * deformed-mesh correspondence benchmark (see @erlangen/mesh-gauge's README; not FAUST), prints
 * accuracy at zero geodesic error and the error curve, and writes an SVG of the predicted
 * correspondence colour-coded on the template.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getBackend } from '@erlangen/core';
import {
  buildCorrespondenceBenchmark,
  bunny,
  createCorrespondenceModel,
  type ModelKind,
  meshPanelsSvg,
  positionColors,
  predictCorrespondence,
  scoreCorrespondence,
  spot,
  trainCorrespondence,
} from '@erlangen/mesh-gauge';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { writeTourSummary } from '../tour/summary.js';

const int = (v: string): number => Number.parseInt(v, 10);
const program = new Command()
  .name('erlangen-mesh')
  .description('Dense shape correspondence on deformed meshes: GemConv vs mesh GCN vs geodesic polar CNN.')
  .option('-t, --template <name>', "template mesh: 'spot' (829 vertices) or 'bunny' (1839)", 'spot')
  .option('-m, --models <list>', 'comma-separated models: gem, gcn, polar', 'gem,gcn,polar')
  .option('-e, --epochs <n>', 'training epochs', int, 12)
  .option('--train <n>', 'training shapes', int, 80)
  .option('--test <n>', 'test shapes', int, 20)
  .option('--lr <x>', 'Adam learning rate', Number.parseFloat, 5e-3)
  .option('-s, --seed <n>', 'seed of the deformations and the weights', int, 0)
  .option('-o, --out <dir>', 'output folder', 'out')
  .option('--summary-json <file>', 'also write a one-row summary (used by the tour)')
  .parse();

const opts = program.opts<{
  template: string;
  models: string;
  epochs: number;
  train: number;
  test: number;
  lr: number;
  seed: number;
  out: string;
  summaryJson?: string;
}>();
if (opts.template !== 'spot' && opts.template !== 'bunny')
  program.error(`--template must be spot or bunny, not '${opts.template}'`);
const models = opts.models.split(',').map((m) => m.trim()) as ModelKind[];
for (const m of models)
  if (!['gem', 'gcn', 'polar'].includes(m)) program.error(`unknown model '${m}' (gem, gcn, polar)`);

const template = opts.template === 'spot' ? spot() : bunny();
console.log(
  `Erlangen · mesh correspondence on deformed ${opts.template} (${template.numVertices} vertices; backend ${getBackend()}; ` +
    `${opts.train} train / ${opts.test} test shapes, ${opts.epochs} epochs, seed ${opts.seed})`,
);
const buildBar = new SingleBar({
  format: 'shapes [{bar}] {value}/{total} deformed, features + gauges',
  hideCursor: true,
});
buildBar.start(opts.train + opts.test, 0);
const bench = buildCorrespondenceBenchmark(template, {
  numTrain: opts.train,
  numTest: opts.test,
  seed: opts.seed,
  remeshed: true,
  gaugeRandomized: true,
  onShape: (done) => buildBar.update(done),
});
buildBar.stop();
const meanFlips = bench.remeshedFlips.reduce((s, f) => s + f, 0) / bench.remeshedFlips.length;
console.log(
  `  remeshed test split: the ${opts.test} test shapes re-triangulated by ${meanFlips.toFixed(0)} random edge flips each (of ${template.numEdges} edges)`,
);

const names: Record<ModelKind, string> = { gem: 'GemConv', gcn: 'GCN', polar: 'Polar' };
const results: Record<string, unknown> = {};
const predictions: Partial<Record<ModelKind, Int32Array[]>> = {};
for (const kind of models) {
  const model = createCorrespondenceModel(kind, bench.numFeatures, template.numVertices, opts.seed);
  const params = model.parameters().reduce((s, p) => s + p.size, 0);
  const bar = new SingleBar({
    format: `${names[kind].padEnd(7)} [{bar}] {value}/{total} steps · epoch {epoch} · loss {loss} · {eta}s left`,
    hideCursor: true,
    etaBuffer: 40,
  });
  const total = opts.epochs * bench.train.length;
  bar.start(total, 0, { epoch: 1, loss: '—' });
  const t0 = performance.now();
  const losses = trainCorrespondence(model, bench, {
    epochs: opts.epochs,
    learningRate: opts.lr,
    seed: opts.seed,
    onStep: ({ epoch, step, stepsPerEpoch, loss }) => {
      bar.update(epoch * stepsPerEpoch + step + 1, { epoch: epoch + 1, loss: loss.toFixed(3) });
      // Without a terminal the bar is silent: log each epoch instead.
      if (!process.stdout.isTTY && step === stepsPerEpoch - 1)
        console.log(
          `  ${names[kind]} epoch ${epoch + 1}/${opts.epochs} done (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
        );
    },
  });
  bar.stop();
  const seconds = (performance.now() - t0) / 1000;
  const pred = predictCorrespondence(model, bench.test);
  predictions[kind] = pred;
  const score = scoreCorrespondence(template, pred);
  const remeshed = scoreCorrespondence(template, predictCorrespondence(model, bench.remeshedTest));
  const randomGauges = scoreCorrespondence(template, predictCorrespondence(model, bench.gaugeRandomizedTest));
  results[kind] = { parameters: params, trainLoss: losses, seconds, ...score, remeshed, randomGauges };
  console.log(
    `  ${names[kind]}: ${params} parameters, ${seconds.toFixed(0)} s; accuracy at zero geodesic error ${(100 * score.accuracy).toFixed(1)}%, ` +
      `mean geodesic error ${score.meanError.toFixed(4)}·√area; within ${score.curve
        .slice(1)
        .map((c) => `${c.threshold}: ${(100 * c.fraction).toFixed(1)}%`)
        .join(', ')}`,
  );
  console.log(
    `  ${' '.repeat(names[kind].length)}  remeshed split: accuracy ${(100 * remeshed.accuracy).toFixed(1)}%, mean error ${remeshed.meanError.toFixed(4)}·√area; within ${remeshed.curve
      .slice(1)
      .map((c) => `${c.threshold}: ${(100 * c.fraction).toFixed(1)}%`)
      .join(', ')}`,
  );
  console.log(
    `  ${' '.repeat(names[kind].length)}  test split with random gauges: accuracy ${(100 * randomGauges.accuracy).toFixed(1)}%, mean error ${randomGauges.meanError.toFixed(4)}·√area`,
  );
}

const out = resolve(opts.out);
mkdirSync(out, { recursive: true });
const colors = positionColors(template);
const shown = 0;
const panels = [{ mesh: template, colors, title: 'ground truth' }];
for (const kind of models) {
  const p = predictions[kind]![shown]!;
  const c = new Float32Array(colors.length);
  for (let i = 0; i < template.numVertices; i++) c.set(colors.subarray(3 * p[i]!, 3 * p[i]! + 3), 3 * i);
  const r = results[kind] as { accuracy: number };
  panels.push({
    mesh: template,
    colors: c,
    title: `${names[kind]} (${(100 * r.accuracy).toFixed(1)}% exact)`,
  });
}
const svg = meshPanelsSvg(panels, {
  caption: `Test shape 1 of ${opts.test}: each vertex coloured by the template position of its predicted match (drawn on the template).`,
});
const svgPath = join(out, `mesh-correspondence-${opts.template}.svg`);
writeFileSync(svgPath, svg);
const jsonPath = join(out, `mesh-correspondence-${opts.template}.json`);
writeFileSync(jsonPath, `${JSON.stringify({ options: opts, results }, null, 2)}\n`);
console.log(`Wrote ${svgPath} and ${jsonPath}`);
writeTourSummary(opts.summaryJson, {
  task: `shape correspondence, deformed ${opts.template}`,
  model: models.map((k) => names[k]).join(' vs '),
  metric: models
    .map((k) => `${names[k]} ${(100 * (results[k] as { accuracy: number }).accuracy).toFixed(1)}%`)
    .join(', ')
    .concat(' exact'),
  figures: [svgPath],
});
