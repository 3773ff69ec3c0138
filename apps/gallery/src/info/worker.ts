/**
 * Trains Shwartz-Ziv & Tishby's 12-10-7-5-4-3-2 network on the 12-bit task inside a Web Worker (Adam,
 * full batch, shuffled 80% training split) and, at log-spaced epochs, measures I(X;T) and I(T;Y) of
 * every layer on all 4096 inputs with @erlangen/info-bottleneck's binning estimators, posting each
 * record to the page as soon as it is computed.
 *
 * Why not the package's `InformationPlaneRecorder` / `trainTwelveBit`: they read tensors with
 * `dataSync()`, which only the CPU backend can (WebGPU reads are asynchronous). So this worker runs
 * the same steps itself: the layer activations (the package's `sequentialTaps`) are computed on the
 * active backend, read with `await t.data()`, and the package's `binnedInformation` counts them on the
 * host. The initial weights are drawn by the package's `twelveBitNetwork` on the CPU backend (its
 * truncated-normal initialisation also reads synchronously) and copied to the GPU.
 */
import { getBackend, nn, noGrad, optim, setBackend, type Tensor, tensor, tidy } from '@erlangen/core';
import {
  type BinningStrategy,
  binnedInformation,
  discreteEntropy,
  logSpacedEpochs,
  mlp,
  sequentialTaps,
  TWELVE_BIT_SAMPLES,
  TWELVE_BIT_WIDTHS,
  twelveBitDataset,
  twelveBitNetwork,
  twelveBitSplit,
} from '@erlangen/info-bottleneck';
import { type BackendChoice, chooseBackend } from '../shared/backend.js';
import type { EstimatorKey, InfoMessage, InfoRequest, LayerInformation } from './protocol.js';

const post = (m: InfoMessage) => (self as unknown as Worker).postMessage(m);

const STRATEGIES: Record<EstimatorKey, BinningStrategy> = {
  fixed: { kind: 'fixed', edges: 30, range: [-1, 1] },
  floor: { kind: 'floor', binSize: 0.07 },
  adaptive: { kind: 'adaptive', bins: 30, scope: 'neuron' },
};

/**
 * The CPU backend unless WebGPU is asked for: the network is tiny (12-10-7-5-4-3-2, 3276 training
 * rows), so an epoch is many tiny kernels (forward, backward, Adam on 12 parameter tensors) and
 * their dispatch cost dominates. Measured in this
 * project's headless Chromium with software WebGPU (SwiftShader, loaded 2-core machine): 4.6–13 s per
 * epoch on 'webgpu' against about 46 ms on 'cpu' (WebAssembly kernels); both give the same losses and
 * estimates (epoch 10: loss 0.7002 and identical binned values per layer).
 */
async function pickBackend(requested: string | null): Promise<BackendChoice> {
  if (requested === 'webgpu') return chooseBackend(null);
  await setBackend('cpu');
  return {
    backend: getBackend(),
    note:
      requested === 'cpu'
        ? 'CPU backend requested'
        : 'CPU backend by default: this tiny network is dispatch-bound on WebGPU (choose WebGPU below to try it)',
  };
}

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

async function train(req: InfoRequest): Promise<void> {
  const t0 = performance.now();
  const choice = await pickBackend(req.backend);
  post({ type: 'backend', ...choice });
  const backend = getBackend();
  const data = twelveBitDataset();
  const split = twelveBitSplit('shuffled', 0.8, req.seed);
  const trainSet = gather(data.inputs, data.labels, split.train);
  const testSet = gather(data.inputs, data.labels, split.test);
  const model = await buildModel(req.activation, req.seed, backend);
  const { names, taps } = sequentialTaps(model);
  const layerNames = names.map((_, l) =>
    l === names.length - 1 ? 'output (softmax, 2)' : `T${l + 1} (${TWELVE_BIT_WIDTHS[l + 1]} units)`,
  );
  const epochs = logSpacedEpochs(req.epochs, req.recordPoints);
  post({ type: 'plan', epochs, layerNames, labelEntropy: discreteEntropy(data.labels) });

  const probe = tensor(data.inputs, [TWELVE_BIT_SAMPLES, 12]);
  const xTrain = tensor(trainSet.x, [trainSet.y.length, 12]);
  const yTrain = tensor(trainSet.y, [trainSet.y.length], 'int32');
  // Every input is distinct, so X's code is its row index and I(X;T) = H(T) of the binned layer.
  const inputCodes = Int32Array.from({ length: TWELVE_BIT_SAMPLES }, (_, i) => i);
  const optimizer = new optim.Adam(model.parameters(), { lr: 4e-4 });

  const record = async (epoch: number, loss: number) => {
    model.eval();
    const outs = noGrad(() => tidy(() => taps(probe)));
    model.train();
    const layers = await Promise.all(outs.map((t) => t.data()));
    const shapes = outs.map((t) => t.shape);
    for (const t of outs) t.dispose();
    const e0 = performance.now();
    const estimates = {} as Record<EstimatorKey, LayerInformation>;
    for (const [key, strategy] of Object.entries(STRATEGIES) as [EstimatorKey, BinningStrategy][]) {
      const ixt: number[] = [];
      const ity: number[] = [];
      layers.forEach((values, l) => {
        const [rows, cols] = shapes[l] as [number, number];
        const m = { values: Float64Array.from(values), rows, cols };
        const r = binnedInformation(m, inputCodes, data.labels, strategy);
        ixt.push(r.ixt);
        ity.push(r.ity);
      });
      estimates[key] = { ixt, ity };
    }
    post({ type: 'record', epoch, loss, estimates, msEstimators: performance.now() - e0 });
  };

  const toRecord = new Set(epochs);
  await record(0, Number.NaN);
  const tTrain = performance.now();
  const progressEvery = Math.max(1, Math.round(req.epochs / 100));
  for (let epoch = 1; epoch <= req.epochs; epoch++) {
    const loss = tidy(() => {
      optimizer.zeroGrad();
      const l = nn.functional.crossEntropy(model.forward(xTrain) as Tensor, yTrain);
      l.backward();
      optimizer.step();
      return l.detach();
    });
    const recording = toRecord.has(epoch);
    // Reading the loss waits for the GPU: only when it is shown.
    if (recording || epoch % progressEvery === 0) {
      const value = (await loss.data())[0]!;
      if (recording) await record(epoch, value);
      post({
        type: 'progress',
        label: `epoch ${epoch} / ${req.epochs} · loss ${value.toFixed(4)}`,
        value: epoch,
        total: req.epochs,
      });
    }
    loss.dispose();
  }
  const msPerEpoch = (performance.now() - tTrain) / req.epochs;
  const trainAccuracy = await accuracy(model, xTrain, trainSet.y);
  const xTest = tensor(testSet.x, [testSet.y.length, 12]);
  const testAccuracy = await accuracy(model, xTest, testSet.y);
  for (const t of [probe, xTrain, yTrain, xTest]) t.dispose();
  post({ type: 'done', trainAccuracy, testAccuracy, seconds: (performance.now() - t0) / 1000, msPerEpoch });
}

self.onmessage = (e: MessageEvent<InfoRequest>) => {
  train(e.data).catch((err: unknown) =>
    post({
      type: 'error',
      message: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err),
    }),
  );
};
