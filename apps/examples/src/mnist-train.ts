import {
  data,
  Generator,
  getBackend,
  manualSeed,
  nn,
  noGrad,
  optim,
  setBackend,
  type Tensor,
  tidy,
} from '@erlangen/core';
import { type DigitSplit, loadMnistDigits } from './mnist-data.js';

export interface MnistProgress {
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  loss: number;
}

export interface MnistOptions {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  /** Channels of the first conv layer (the second has twice as many). */
  width?: number;
  /**
   * Backend to train on ('cpu', 'webgpu', …; registered beforehand). Default: the active one. The
   * previously active backend is restored afterwards.
   */
  backend?: string;
  /** Use only the first this many digits of each class (default: all ~1,000), for quick runs. */
  limitPerClass?: number;
  /** Called after every optimisation step (progress bars). */
  onProgress?: (p: MnistProgress) => void;
  /** Called after every epoch with the test accuracy so far. */
  onEpoch?: (epoch: number, testAccuracy: number, meanLoss: number) => void;
}

export interface MnistResult {
  testAccuracy: number;
  trainAccuracy: number;
  epochLosses: number[];
  numTrain: number;
  numTest: number;
  numParameters: number;
}

/**
 * A small CNN: two 3×3 conv + ReLU + 2×2 max-pool stages and a linear classifier.
 * Shapes: [batch, 1, 28, 28] → [batch, 8, 14, 14] → [batch, 16, 7, 7] → [batch, 10].
 */
export function smallCnn(generator: Generator, width = 8): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, width, 3, { padding: 1, generator }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(width, 2 * width, 3, { padding: 1, generator }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(2 * width * 7 * 7, 10, { generator }),
  );
}

/**
 * Fraction of `split` the model classifies correctly, in batches to bound memory. Counts are read
 * with `await t.data()`, so it runs on backends that read asynchronously (webgpu) as well as on cpu.
 */
export async function accuracy(model: nn.Module, split: DigitSplit, batchSize = 500): Promise<number> {
  const n = split.labels.shape[0]!;
  let correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const count = noGrad(() =>
      tidy(() => {
        const logits = model.forward(split.images.narrow(0, start, size)) as Tensor;
        return logits
          .argmax(1)
          .eq(split.labels.narrow(0, start, size))
          .float()
          .sum();
      }),
    );
    correct += (await count.data())[0]!;
    count.dispose();
  }
  return correct / n;
}

/**
 * Trains the small CNN on the 10,000 digits of the `mnist` package (80/20 split per class) on the
 * chosen backend. The loop is backend-agnostic: every step is built inside `tidy` (which cannot wrap
 * an async function) and its loss is read afterwards with `await t.data()`.
 */
export async function trainMnistCnn(opts: MnistOptions = {}): Promise<MnistResult> {
  const previous = getBackend();
  if (opts.backend) await setBackend(opts.backend);
  try {
    return await train(opts);
  } finally {
    if (opts.backend) await setBackend(previous);
  }
}

async function train(opts: MnistOptions): Promise<MnistResult> {
  const epochs = opts.epochs ?? 3;
  const batchSize = opts.batchSize ?? 32;
  const seed = opts.seed ?? 0;
  manualSeed(seed);
  // Data, weights and optimiser state all live on the active backend.
  const { train, test } = loadMnistDigits(0.8, opts.limitPerClass);
  const model = smallCnn(new Generator(seed), opts.width ?? 8);
  const optimizer = new optim.Adam(model.parameters(), { lr: opts.learningRate ?? 3e-3 });
  const numTrain = train.labels.shape[0]!;
  const stepsPerEpoch = Math.floor(numTrain / batchSize);
  const loader = new data.BatchIterator(
    { images: train.images, labels: train.labels },
    { batchSize, shuffle: true, seed, dropLast: true },
  );
  const epochLosses: number[] = [];
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      model.train();
      let total = 0;
      let step = 0;
      for (const batch of loader) {
        const lossTensor = tidy(() => {
          optimizer.zeroGrad();
          const logits = model.forward(batch.images!) as Tensor;
          const l = nn.functional.crossEntropy(logits, batch.labels!);
          l.backward();
          optimizer.step();
          return l;
        });
        batch.images!.dispose();
        batch.labels!.dispose();
        const loss = (await lossTensor.data())[0]!;
        lossTensor.dispose();
        total += loss;
        step++;
        opts.onProgress?.({ epoch, epochs, step, stepsPerEpoch, loss });
      }
      epochLosses.push(total / Math.max(step, 1));
      model.eval();
      // Evaluating costs a full forward pass over the test split: only when someone listens.
      if (opts.onEpoch) opts.onEpoch(epoch, await accuracy(model, test), epochLosses[epoch]!);
    }
    model.eval();
    return {
      testAccuracy: await accuracy(model, test),
      trainAccuracy: await accuracy(model, train),
      epochLosses,
      numTrain,
      numTest: test.labels.shape[0]!,
      numParameters: model.numParameters(),
    };
  } finally {
    for (const t of [train.images, train.labels, test.images, test.labels]) t.dispose();
  }
}
