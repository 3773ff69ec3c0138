/**
 * Trains Shwartz-Ziv & Tishby's 12-10-7-5-4-3-2 network on the 12-bit task inside a Web Worker (Adam,
 * full batch, shuffled 80% training split) on WebGPU where the browser has it (else the CPU backend)
 * and, at log-spaced epochs, measures I(X;T) and I(T;Y) of every layer on all 4096 inputs with
 * @erlangen/info-bottleneck's `InformationPlaneRecorder` (three binning estimators), posting each
 * record to the page as soon as it is computed.
 *
 * WebGPU reads are asynchronous, so the loop uses the recorder's async path (`recordNowAsync`,
 * `endEpochAsync`): the layers are computed on the GPU, awaited, and binned on the host. The initial
 * weights are drawn by the package's `twelveBitNetwork` on the CPU backend (its truncated-normal
 * initialisation reads synchronously) and copied to the GPU, so both backends start from the same
 * weights.
 */
import { getBackend, nn, noGrad, optim, setBackend, type Tensor, tensor, tidy } from '@erlangen/core';
import {
  type BinningStrategy,
  discreteEntropy,
  type EpochRecord,
  InformationPlaneRecorder,
  logSpacedEpochs,
  mlp,
  TWELVE_BIT_SAMPLES,
  TWELVE_BIT_WIDTHS,
  twelveBitDataset,
  twelveBitNetwork,
  twelveBitSplit,
} from '@erlangen/info-bottleneck';
import { chooseBackend } from '../shared/backend.js';
import {
  ESTIMATORS,
  type EstimatorKey,
  type InfoMessage,
  type InfoRequest,
  type LayerInformation,
} from './protocol.js';

const post = (m: InfoMessage) => (self as unknown as Worker).postMessage(m);

const STRATEGIES: Record<EstimatorKey, BinningStrategy> = {
  fixed: { kind: 'fixed', edges: 30, range: [-1, 1] },
  floor: { kind: 'floor', binSize: 0.07 },
  adaptive: { kind: 'adaptive', bins: 30, scope: 'neuron' },
};

/** The 12-bit network with the package's initialisation, its parameters on `backend`. */
async function buildModel(
  activation: 'tanh' | 'relu',
  seed: number,
  backend: string,
): Promise<nn.Sequential> {
  if (backend === 'cpu') return twelveBitNetwork(activation, seed);
  await setBackend('cpu');
  const host = twelveBitNetwork(activation, seed);
  await setBackend(backend);
  const model = mlp(TWELVE_BIT_WIDTHS, activation, seed, 'torch');
  // The CPU values are copied to the GPU parameters in place (assign moves them across backends).
  model.loadStateDict(host.stateDict());
  for (const p of host.parameters()) p.dispose();
  return model;
}

/** Rows `idx` of the 4096 × 12 inputs and their labels. */
function gather(inputs: Float32Array, labels: Int32Array, idx: Int32Array) {
  const x = new Float32Array(idx.length * 12);
  const y = new Int32Array(idx.length);
  idx.forEach((r, i) => {
    x.set(inputs.subarray(r * 12, r * 12 + 12), i * 12);
    y[i] = labels[r]!;
  });
  return { x, y };
}

async function accuracy(model: nn.Module, x: Tensor, y: Int32Array): Promise<number> {
  const pred = noGrad(() => tidy(() => (model.forward(x) as Tensor).argmax(1)));
  const p = await pred.data();
  pred.dispose();
  let ok = 0;
  for (let i = 0; i < y.length; i++) ok += p[i] === y[i] ? 1 : 0;
  return ok / y.length;
}

/** The page's view of one recorder epoch: I(X;T), I(T;Y) per layer for each estimator. */
function estimatesOf(rec: EpochRecord): Record<EstimatorKey, LayerInformation> {
  const out = {} as Record<EstimatorKey, LayerInformation>;
  for (const { key } of ESTIMATORS) {
    const rows = rec.records.filter((r) => r.estimator === key).sort((a, b) => a.layer - b.layer);
    out[key] = { ixt: rows.map((r) => r.ixt), ity: rows.map((r) => r.ity) };
  }
  return out;
}

async function train(req: InfoRequest): Promise<void> {
  const t0 = performance.now();
  const choice = await chooseBackend(req.backend);
  post({ type: 'backend', ...choice });
  const backend = getBackend();
  const data = twelveBitDataset();
  const split = twelveBitSplit('shuffled', 0.8, req.seed);
  const trainSet = gather(data.inputs, data.labels, split.train);
  const testSet = gather(data.inputs, data.labels, split.test);
  const model = await buildModel(req.activation, req.seed, backend);
  const layerNames = TWELVE_BIT_WIDTHS.slice(1).map((w, l, all) =>
    l === all.length - 1 ? `output (softmax, ${w})` : `T${l + 1} (${w} units)`,
  );
  const epochs = logSpacedEpochs(req.epochs, req.recordPoints);
  post({ type: 'plan', epochs, layerNames, labelEntropy: discreteEntropy(data.labels) });

  const probe = tensor(data.inputs, [TWELVE_BIT_SAMPLES, 12]);
  const xTrain = tensor(trainSet.x, [trainSet.y.length, 12]);
  const yTrain = tensor(trainSet.y, [trainSet.y.length], 'int32');
  const optimizer = new optim.Adam(model.parameters(), { lr: 4e-4 });
  let loss = Number.NaN;
  let firstLoss = Number.NaN;
  const recorder = new InformationPlaneRecorder({
    model,
    probeInputs: probe,
    probeLabels: data.labels,
    // Every input is distinct, so X's code is its row index and I(X;T) = H(T) of the binned layer.
    inputCodes: Int32Array.from({ length: TWELVE_BIT_SAMPLES }, (_, i) => i),
    estimators: ESTIMATORS.map(({ key }) => ({ kind: 'binning', strategy: STRATEGIES[key], name: key })),
    epochs,
    onRecord: (rec) =>
      post({
        type: 'record',
        epoch: rec.epoch,
        loss,
        estimates: estimatesOf(rec),
        msEstimators: Object.values(rec.estimatorMs).reduce((a, b) => a + b, 0),
      }),
  });

  await recorder.recordNowAsync(0);
  const tTrain = performance.now();
  const progressEvery = Math.max(1, Math.round(req.epochs / 100));
  for (let epoch = 1; epoch <= req.epochs; epoch++) {
    const lossTensor = tidy(() => {
      optimizer.zeroGrad();
      const l = nn.functional.crossEntropy(model.forward(xTrain) as Tensor, yTrain);
      l.backward();
      optimizer.step();
      return l.detach();
    });
    const recording = recorder.isRecordEpoch(epoch);
    // Reading the loss waits for the GPU: only when it is shown (and at the first and last epochs).
    if (recording || epoch % progressEvery === 0 || epoch === 1 || epoch === req.epochs) {
      loss = (await lossTensor.data())[0]!;
      if (epoch === 1) firstLoss = loss;
      await recorder.endEpochAsync(epoch);
      post({
        type: 'progress',
        label: `epoch ${epoch} / ${req.epochs} · loss ${loss.toFixed(4)}`,
        value: epoch,
        total: req.epochs,
      });
    }
    lossTensor.dispose();
  }
  const msPerEpoch = (performance.now() - tTrain) / req.epochs;
  const trainAccuracy = await accuracy(model, xTrain, trainSet.y);
  const xTest = tensor(testSet.x, [testSet.y.length, 12]);
  const testAccuracy = await accuracy(model, xTest, testSet.y);
  recorder.dispose();
  for (const t of [probe, xTrain, yTrain, xTest]) t.dispose();
  post({
    type: 'done',
    trainAccuracy,
    testAccuracy,
    seconds: (performance.now() - t0) / 1000,
    msPerEpoch,
    firstLoss,
    lastLoss: loss,
  });
}

self.onmessage = (e: MessageEvent<InfoRequest>) => {
  train(e.data).catch((err: unknown) =>
    post({
      type: 'error',
      message: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err),
    }),
  );
};
