/**
 * Trains the mesh page's GemConv region network (../model.ts) on the page's task (../task.ts: six
 * geodesic Voronoi regions of Spot, curvature inputs, a random half of the vertices for training)
 * and writes its weights to ../assets/region-net.safetensors, with the accuracies as metadata.
 *
 * Run from the repository root after `npx turbo run build` (it imports the built packages):
 *   npx esbuild apps/gallery/src/mesh/scripts/train-region-net.ts --bundle --platform=node \
 *     --format=esm --packages=external --outfile=apps/gallery/scripts/dist/train-region-net.mjs
 *   node apps/gallery/scripts/dist/train-region-net.mjs [--steps 200] [--weight-decay 1e-3] [--seed 0]
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manualSeed, nn, noGrad, optim, saveSafetensors, tensor, tidy } from '@erlangen/core';
import { ConvGeometry, spot } from '@erlangen/mesh-gauge';
import { RegionNet } from '../model.js';
import { buildRegionTask } from '../task.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const REGIONS = 6;
const LEARNING_RATE = 0.02;
/** L2 weight decay: keeps the logits moderate (and the held-out accuracy up) on this tiny task. */
const WEIGHT_DECAY = option('weight-decay', 1e-3);

const steps = option('steps', 200);
const seed = option('seed', 0);
const out = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'mesh', 'assets');
const outDir = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1]! : out;

const mesh = spot();
const nv = mesh.numVertices;
const task = buildRegionTask(mesh, REGIONS, seed);
const geom = new ConvGeometry(mesh, { rings: 2 });
manualSeed(seed);
const model = new RegionNet(task.numFeatures, REGIONS);
const x = tensor(task.features, [nv, task.numFeatures]).keep();
const trainIds = Int32Array.from(Array.from(task.trainMask.keys()).filter((i) => task.trainMask[i] === 1));
const trainIndex = tensor(trainIds, [trainIds.length], 'int32').keep();
const yTrain = tensor(
  Int32Array.from(trainIds, (i) => task.labels[i]!),
  [trainIds.length],
  'int32',
).keep();
const optimizer = new optim.Adam(model.parameters(), { lr: LEARNING_RATE, weightDecay: WEIGHT_DECAY });

function accuracies(): { train: number; test: number } {
  const logits = noGrad(() => tidy(() => model.forward(x, geom).argmax(1)));
  const pred = logits.dataSync();
  logits.dispose();
  const hit = [0, 0];
  const count = [0, 0];
  for (let i = 0; i < nv; i++) {
    const m = task.trainMask[i]!;
    count[m]!++;
    hit[m]! += pred[i] === task.labels[i] ? 1 : 0;
  }
  return { train: hit[1]! / count[1]!, test: hit[0]! / count[0]! };
}

const t0 = Date.now();
let lossValue = 0;
for (let step = 1; step <= steps; step++) {
  const loss = tidy(() => {
    optimizer.zeroGrad();
    const l = nn.functional.crossEntropy(model.forward(x, geom).indexSelect(0, trainIndex), yTrain);
    l.backward();
    optimizer.step();
    return l.detach();
  });
  lossValue = loss.dataSync()[0]!;
  loss.dispose();
  if (step % 50 === 0 || step === steps) {
    const acc = accuracies();
    console.log(
      `step ${step}: loss ${lossValue.toFixed(4)}, train ${(100 * acc.train).toFixed(1)}%, held-out ${(100 * acc.test).toFixed(1)}%`,
    );
  }
}
const acc = accuracies();
const maxLogit = noGrad(() => tidy(() => model.forward(x, geom).abs().max())).dataSync()[0]!;
const hidden = noGrad(() => tidy(() => model.run(x, geom)[0])).dataSync();
const scalars = model.hiddenType.multiplicities[0]!;
let maxVector = 0;
for (let i = 0; i < hidden.length; i++)
  if (i % model.hiddenType.dim >= scalars) maxVector = Math.max(maxVector, Math.abs(hidden[i]!));
console.log(
  `largest |logit|: ${maxLogit.toFixed(2)}; largest |order-1 or 2 hidden field|: ${maxVector.toExponential(2)}`,
);
const bytes = saveSafetensors(Object.fromEntries(model.namedParameters()), {
  steps: String(steps),
  seed: String(seed),
  regions: String(REGIONS),
  learningRate: String(LEARNING_RATE),
  weightDecay: String(WEIGHT_DECAY),
  loss: lossValue.toFixed(4),
  trainAccuracy: acc.train.toFixed(4),
  testAccuracy: acc.test.toFixed(4),
  parameters: String(model.numParameters()),
});
writeFileSync(join(outDir, 'region-net.safetensors'), bytes);
console.log(
  `wrote ${join(outDir, 'region-net.safetensors')} (${bytes.length} bytes): ${model.numParameters()} parameters, ` +
    `${steps} steps in ${((Date.now() - t0) / 1000).toFixed(0)} s, train ${(100 * acc.train).toFixed(1)}%, held-out ${(100 * acc.test).toFixed(1)}%`,
);
