import { data, Generator, manualSeed, nn, noGrad, optim, type Tensor, tidy } from '@erlangen/core';
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

/** Fraction of `split` the model classifies correctly, in batches to bound memory. */
export function accuracy(model: nn.Module, split: DigitSplit, batchSize = 500): number {
  const n = split.labels.shape[0]!;
  let correct = 0;
  noGrad(() => {
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      correct += tidy(() => {
        const logits = model.forward(split.images.narrow(0, start, size)) as Tensor;
        return logits
          .argmax(1)
          .eq(split.labels.narrow(0, start, size))
          .float()
          .sum()
          .item();
      });
    }
  });
  return correct / n;
}

/** Trains the small CNN on the 10,000 digits of the `mnist` package (80/20 split per class). */
export function trainMnistCnn(opts: MnistOptions = {}): MnistResult {
  const epochs = opts.epochs ?? 3;
  const batchSize = opts.batchSize ?? 32;
  const seed = opts.seed ?? 0;
  manualSeed(seed);
  const { train, test } = loadMnistDigits();
  const model = smallCnn(new Generator(seed), opts.width ?? 8);
  const optimizer = new optim.Adam(model.parameters(), { lr: opts.learningRate ?? 3e-3 });
  const numTrain = train.labels.shape[0]!;
  const stepsPerEpoch = Math.floor(numTrain / batchSize);
  const loader = new data.BatchIterator(
    { images: train.images, labels: train.labels },
    { batchSize, shuffle: true, seed, dropLast: true },
  );
  const epochLosses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    model.train();
    let total = 0;
    let step = 0;
    for (const batch of loader) {
      const loss = tidy(() => {
        optimizer.zeroGrad();
        const logits = model.forward(batch.images!) as Tensor;
        const l = nn.functional.crossEntropy(logits, batch.labels!);
        l.backward();
        optimizer.step();
        return l.item();
      });
      batch.images!.dispose();
      batch.labels!.dispose();
      total += loss;
      step++;
      opts.onProgress?.({ epoch, epochs, step, stepsPerEpoch, loss });
    }
    epochLosses.push(total / Math.max(step, 1));
    model.eval();
    opts.onEpoch?.(epoch, accuracy(model, test), epochLosses[epoch]!);
  }
  model.eval();
  return {
    testAccuracy: accuracy(model, test),
    trainAccuracy: accuracy(model, train),
    epochLosses,
    numTrain,
    numTest: test.labels.shape[0]!,
    numParameters: model.numParameters(),
  };
}
