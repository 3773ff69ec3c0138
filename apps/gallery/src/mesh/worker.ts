/**
 * The mesh page's worker: builds the region task on Spot, trains the small GemConv network on it
 * (full batch, Adam), posts the predicted regions as it learns, then checks gauge equivariance: the
 * same network in a gauge turned by a random angle at every vertex must give the same logits
 * (they are scalars) and hidden order-n fields turned by ρ_n(−α). Runs on WebGPU or the CPU backend.
 */
import { loadSafetensors, manualSeed, nn, noGrad, optim, type Tensor, tensor, tidy } from '@erlangen/core';
import { ConvGeometry, HostRandom, rotateFieldsHost, rotateGauge, spot } from '@erlangen/mesh-gauge';
import { chooseBackend } from '../shared/backend.js';
import { RegionNet } from './model.js';
import type { MeshMessage, MeshRequest } from './protocol.js';
import { buildRegionTask } from './task.js';

const post = (m: MeshMessage) => (self as unknown as Worker).postMessage(m);

function accuracy(pred: ArrayLike<number>, labels: Int32Array, mask: Uint8Array, want: number): number {
  let ok = 0;
  let n = 0;
  for (let i = 0; i < labels.length; i++)
    if (mask[i] === want) {
      n++;
      ok += pred[i] === labels[i] ? 1 : 0;
    }
  return n ? ok / n : 0;
}

/** max |value| over the order ≥ 1 entries of hidden features [V, hiddenType.dim]. */
function largestVector(hidden: Float32Array, net: RegionNet): number {
  const dim = net.hiddenType.dim;
  const scalars = net.hiddenType.multiplicities[0]!;
  let m = 0;
  for (let i = 0; i < hidden.length; i++) if (i % dim >= scalars) m = Math.max(m, Math.abs(hidden[i]!));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

async function run(req: MeshRequest): Promise<void> {
  const choice = await chooseBackend(req.backend);
  post({ type: 'backend', ...choice });
  post({ type: 'progress', label: 'Computing regions and curvature features…', value: 0, total: req.steps });
  const mesh = spot();
  const task = buildRegionTask(mesh, req.regions, req.seed);
  const nv = mesh.numVertices;
  const geom = new ConvGeometry(mesh, { rings: 2 });
  manualSeed(req.seed);
  const model = new RegionNet(task.numFeatures, req.regions);
  let pretrained: { steps: number; train: number; test: number } | null = null;
  if (req.steps === 0) {
    post({ type: 'progress', label: 'Loading the pretrained weights…', value: 0, total: 1 });
    const response = await fetch(req.weightsUrl);
    if (!response.ok) throw new Error(`fetching ${req.weightsUrl}: HTTP ${response.status}`);
    const { tensors, metadata } = loadSafetensors(await response.arrayBuffer());
    model.loadStateDict(tensors);
    for (const t of Object.values(tensors)) t.dispose();
    pretrained = {
      steps: Number(metadata.steps),
      train: Number(metadata.trainAccuracy),
      test: Number(metadata.testAccuracy),
    };
  }
  model.eval();
  post({
    type: 'data',
    labels: task.labels,
    trainMask: task.trainMask,
    seeds: task.seeds,
    parameters: model.numParameters(),
    features: task.numFeatures,
    pretrained,
  });
  const x = tensor(task.features, [nv, task.numFeatures]).keep();
  const trainIds = Int32Array.from(Array.from(task.trainMask.keys()).filter((i) => task.trainMask[i] === 1));
  const trainIndex = tensor(trainIds, [trainIds.length], 'int32').keep();
  const yTrain = tensor(
    Int32Array.from(trainIds, (i) => task.labels[i]!),
    [trainIds.length],
    'int32',
  ).keep();
  // As scripts/train-region-net.ts, which made the pretrained weights.
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.02, weightDecay: 1e-3 });
  const predict = async (
    g: ConvGeometry,
    net: RegionNet = model,
  ): Promise<{ hidden: Float32Array; logits: Float32Array }> => {
    const [h, l] = noGrad(() => tidy(() => net.run(x, g)));
    const [hidden, logits] = (await Promise.all([h.data(), l.data()])) as [Float32Array, Float32Array];
    h.dispose();
    l.dispose();
    return { hidden, logits };
  };
  const argmax = (logits: Float32Array): Int32Array =>
    Int32Array.from({ length: nv }, (_, i) => {
      let best = 0;
      for (let c = 1; c < req.regions; c++)
        if (logits[i * req.regions + c]! > logits[i * req.regions + best]!) best = c;
      return best;
    });
  let t0 = performance.now();
  let last = { train: 0, test: 0 };
  // The trained network's outputs in the original gauge, kept for the gauge check (one forward pass less).
  let current: { hidden: Float32Array; logits: Float32Array } | null = null;
  if (req.steps === 0) {
    current = await predict(geom);
    const predicted = argmax(current.logits);
    last = {
      train: accuracy(predicted, task.labels, task.trainMask, 1),
      test: accuracy(predicted, task.labels, task.trainMask, 0),
    };
    post({ type: 'step', step: 0, loss: Number.NaN, ...last, predicted, msPerStep: 0 });
  }
  for (let step = 1; step <= req.steps; step++) {
    const loss = tidy(() => {
      optimizer.zeroGrad();
      const l = nn.functional.crossEntropy(model.forward(x, geom).indexSelect(0, trainIndex), yTrain);
      l.backward();
      optimizer.step();
      return l.detach();
    });
    const lossValue = (await loss.data())[0]!;
    loss.dispose();
    if (step % req.every === 0 || step === req.steps) {
      const msPerStep = (performance.now() - t0) / (step % req.every || req.every);
      current = await predict(geom);
      const predicted = argmax(current.logits);
      last = {
        train: accuracy(predicted, task.labels, task.trainMask, 1),
        test: accuracy(predicted, task.labels, task.trainMask, 0),
      };
      post({ type: 'step', step, loss: lossValue, ...last, predicted, msPerStep });
      post({ type: 'progress', label: `step ${step}/${req.steps}`, value: step, total: req.steps });
      t0 = performance.now();
    }
  }

  // Gauge check: turn every vertex's frame by a random angle α_i and run the same network.
  post({ type: 'progress', label: 'Checking gauge equivariance…', value: 0, total: 1 });
  const c0 = performance.now();
  const rng = new HostRandom(req.seed + 99);
  const alpha = Float64Array.from({ length: nv }, () => 2 * Math.PI * rng.uniform());
  const turned = geom.withGauge(rotateGauge(geom.gauge, alpha));
  const minusAlpha = alpha.map((a) => -a);
  const measure = async (net: RegionNet, known: { hidden: Float32Array; logits: Float32Array } | null) => {
    const before = known ?? (await predict(geom, net));
    const after = await predict(turned, net);
    return {
      error: maxAbsDiff(before.logits, after.logits),
      scale: before.logits.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
      vectorError: maxAbsDiff(rotateFieldsHost(before.hidden, net.hiddenType, minusAlpha), after.hidden),
      // Without turning the fields back: how much the check would report for a gauge-blind reading.
      control: maxAbsDiff(before.hidden, after.hidden),
      vectorScale: largestVector(before.hidden, net),
    };
  };
  // The last prediction came from the final weights (the loop predicts at its last step).
  const trained = await measure(model, current);
  // Also on freshly initialised weights: a network whose training let its order-1 and 2 fields die
  // out (strong weight decay does that here) would pass the check almost trivially.
  manualSeed(req.seed + 1);
  const freshNet = new RegionNet(task.numFeatures, req.regions);
  const fresh = await measure(freshNet, null);
  turned.dispose();
  post({ type: 'check', trained, fresh, alpha, ms: performance.now() - c0 });
  for (const t of [x, trainIndex, yTrain] as Tensor[]) t.dispose();
  post({ type: 'done', ...last, steps: req.steps });
}

self.onmessage = (e: MessageEvent<MeshRequest>) => {
  run(e.data).catch((err: unknown) =>
    post({
      type: 'error',
      message: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err),
    }),
  );
};
