import { argError, checkPositiveInt, nn, optim, type Tensor, tensor, tidy } from '@erlangen/core';
import {
  type EpochRecord,
  type EstimatorSpec,
  InformationPlaneRecorder,
  logSpacedEpochs,
} from '../recorder.js';
import { type Activation, twelveBitNetwork, type WeightInit } from './networks.js';
import { TWELVE_BIT_SAMPLES, twelveBitDataset, twelveBitSplit } from './twelve-bit.js';

export interface TwelveBitRunOptions {
  activation?: Activation;
  /** training epochs (default 8000) */
  epochs?: number;
  /** minibatch size (default 256, ibsgd's; the whole training set = full batch) */
  batchSize?: number;
  /** Adam learning rate (default 4e-4) */
  lr?: number;
  /** 'original' (IDNNs' unshuffled 80%) or 'shuffled' (default) */
  split?: 'original' | 'shuffled';
  /** fraction of the 4096 samples that trains (default 0.8) */
  trainFraction?: number;
  /** weight initialisation (default 'truncated-normal', IDNNs') */
  init?: WeightInit;
  /**
   * minibatch order: 'shuffled' (default; a seeded reshuffle every epoch, as Keras' `fit`) or 'fixed'
   * (the same consecutive slices of the training set every epoch, as IDNNs)
   */
  batchOrder?: 'shuffled' | 'fixed';
  seed?: number;
  /** estimators run at each recorded epoch (default: 30-edge binning) */
  estimators?: EstimatorSpec[];
  /** number of log-spaced recording epochs (default 60) */
  recordPoints?: number;
  /** called after every epoch */
  onProgress?: (p: { epoch: number; epochs: number; loss: number }) => void;
  /** called with each recorded epoch */
  onRecord?: (r: EpochRecord) => void;
}

export interface TwelveBitRunResult {
  recorder: InformationPlaneRecorder;
  trainAccuracy: number;
  testAccuracy: number;
  finalLoss: number;
  msTraining: number;
  msRecording: number;
}

function accuracy(model: nn.Module, x: Tensor, y: Int32Array): number {
  return tidy(() => {
    const pred = (model.forward(x) as Tensor).argmax(1).dataSync();
    let ok = 0;
    for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) ok++;
    return ok / Math.max(1, y.length);
  });
}

function gatherRows(
  inputs: Float32Array,
  labels: Int32Array,
  idx: Int32Array,
): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(idx.length * 12);
  const y = new Int32Array(idx.length);
  idx.forEach((r, i) => {
    x.set(inputs.subarray(r * 12, r * 12 + 12), i * 12);
    y[i] = labels[r]!;
  });
  return { x, y };
}

/**
 * Trains the 12-10-7-5-4-3-2 network on the 12-bit task with Adam and records the information plane
 * of all 4096 inputs (the probe set) at log-spaced epochs, epoch 0 being the initialisation.
 * Minibatches are drawn by a seeded shuffle each epoch (`batchOrder: 'shuffled'`) or are the same
 * consecutive slices every epoch (`'fixed'`). `result.recorder.dispose()` releases the probe set.
 */
export function trainTwelveBit(opts: TwelveBitRunOptions = {}): TwelveBitRunResult {
  const op = 'trainTwelveBit';
  const epochs = checkPositiveInt(op, 'epochs', opts.epochs ?? 8000);
  const lr = opts.lr ?? 4e-4;
  if (!(lr > 0)) argError(op, 'lr', 'a positive learning rate', String(lr));
  const seed = opts.seed ?? 0;
  const data = twelveBitDataset();
  const split = twelveBitSplit(opts.split ?? 'shuffled', opts.trainFraction ?? 0.8, seed);
  const train = gatherRows(data.inputs, data.labels, split.train);
  const test = gatherRows(data.inputs, data.labels, split.test);
  const nTrain = train.y.length;
  const batchSize = Math.min(nTrain, checkPositiveInt(op, 'batchSize', opts.batchSize ?? 256));
  const batchOrder = opts.batchOrder ?? 'shuffled';
  if (batchOrder !== 'shuffled' && batchOrder !== 'fixed')
    argError(op, 'batchOrder', "'shuffled' or 'fixed'", String(batchOrder));
  const model = twelveBitNetwork(opts.activation ?? 'tanh', seed, opts.init ?? 'truncated-normal');
  const optimizer = new optim.Adam(model.parameters(), { lr });
  const probeX = tensor(data.inputs, [TWELVE_BIT_SAMPLES, 12]).keep();
  const xTrain = tensor(train.x, [nTrain, 12]).keep();
  const yTrain = tensor(train.y, [nTrain], 'int32').keep();
  const recorder = new InformationPlaneRecorder({
    model,
    probeInputs: probeX,
    probeLabels: data.labels,
    // Every input is distinct: X's code is its row.
    inputCodes: Int32Array.from({ length: TWELVE_BIT_SAMPLES }, (_, i) => i),
    estimators: opts.estimators,
    epochs: logSpacedEpochs(epochs, opts.recordPoints ?? 60),
    onRecord: opts.onRecord,
  });
  let msRecording = 0;
  const t0 = performance.now();
  const timeRecord = (epoch: number, after: boolean) => {
    const r0 = performance.now();
    if (after) recorder.endEpoch(epoch);
    else recorder.recordNow(epoch);
    msRecording += performance.now() - r0;
  };
  timeRecord(0, false);
  // Seeded batch order (xorshift), independent of the core generator that initialised the weights.
  let s = (seed * 2654435761 + 1) >>> 0 || 1;
  const rand = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const order = Int32Array.from({ length: nTrain }, (_, i) => i);
  let loss = Number.NaN;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      recorder.beginEpoch(epoch);
      const recording = recorder.isRecordEpoch(epoch);
      for (let i = batchOrder === 'fixed' ? 0 : nTrain - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
      let total = 0;
      let batches = 0;
      for (let start = 0; start < nTrain; start += batchSize) {
        const len = Math.min(batchSize, nTrain - start);
        total += tidy(() => {
          const full = len === nTrain;
          const idx = full ? null : tensor(order.subarray(start, start + len), [len], 'int32');
          const xb = idx ? xTrain.indexSelect(0, idx) : xTrain;
          const yb = idx ? yTrain.indexSelect(0, idx) : yTrain;
          optimizer.zeroGrad();
          const l = nn.functional.crossEntropy(model.forward(xb) as Tensor, yb);
          l.backward();
          if (recording) recorder.observeGradients();
          optimizer.step();
          return l.item();
        });
        batches++;
      }
      loss = total / batches;
      opts.onProgress?.({ epoch, epochs, loss });
      timeRecord(epoch, true);
    }
    const msTotal = performance.now() - t0;
    return {
      recorder,
      trainAccuracy: accuracy(model, xTrain, train.y),
      testAccuracy: tidy(() => accuracy(model, tensor(test.x, [test.y.length, 12]), test.y)),
      finalLoss: loss,
      msTraining: msTotal - msRecording,
      msRecording,
    };
  } finally {
    xTrain.dispose();
    yTrain.dispose();
  }
}
