/**
 * The training loop and accuracy count shared by the digit-classification examples
 * (grid-rotmnist-quick.ts): Adam at lr 3e-3 on cross-entropy, shuffled
 * batches of 32 (last partial batch dropped), a progress bar per epoch. Synchronous reads
 * (`item()`), so for cpu/wasm backends; mnist-train.ts is the async variant that also runs on webgpu.
 */
import { data, nn, noGrad, optim, type Tensor, tidy } from '@erlangen/core';
import { SingleBar } from 'cli-progress';

export interface DigitTrainingOptions {
  epochs: number;
  /** Seed of the batch shuffling. */
  seed: number;
  /** Width the model name is padded to in the progress bar (default 9). */
  nameWidth?: number;
}

/**
 * Fraction of `images` ([n, ...]) the model classifies as `labels` ([n] int32), in chunks of
 * `chunkSize` under noGrad; puts the model in eval mode.
 */
export function classificationAccuracy(
  model: nn.Module,
  images: Tensor,
  labels: Tensor,
  chunkSize = 500,
): number {
  const n = labels.shape[0]!;
  let correct = 0;
  model.eval();
  for (let start = 0; start < n; start += chunkSize) {
    const size = Math.min(chunkSize, n - start);
    correct += noGrad(() =>
      tidy(() =>
        (model.forward(images.narrow(0, start, size)) as Tensor)
          .argmax(1)
          .eq(labels.narrow(0, start, size))
          .float()
          .sum()
          .item(),
      ),
    );
  }
  return correct / n;
}

/**
 * Trains `model` on `images` [n, ...] → `labels` [n] for `opts.epochs` epochs and leaves it in eval
 * mode. Returns the training time in seconds.
 */
export function trainDigitClassifier(
  name: string,
  model: nn.Module,
  images: Tensor,
  labels: Tensor,
  opts: DigitTrainingOptions,
): number {
  const optimizer = new optim.Adam(model.parameters(), { lr: 3e-3 });
  const loader = new data.BatchIterator(
    { images, labels },
    { batchSize: 32, shuffle: true, seed: opts.seed, dropLast: true },
  );
  const steps = Math.floor(labels.shape[0]! / 32);
  const bar = new SingleBar({
    format: `${name.padEnd(opts.nameWidth ?? 9)} [{bar}] epoch {epoch} · {value}/{total} steps · loss {loss} · {eta}s left`,
    hideCursor: true,
  });
  const start = performance.now();
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    model.train();
    bar.start(steps, 0, { epoch: epoch + 1, loss: '—' });
    let step = 0;
    for (const batch of loader) {
      const loss = tidy(() => {
        optimizer.zeroGrad();
        const l = nn.functional.crossEntropy(model.forward(batch.images!) as Tensor, batch.labels!);
        l.backward();
        optimizer.step();
        return l.item();
      });
      batch.images!.dispose();
      batch.labels!.dispose();
      bar.update(++step, { loss: loss.toFixed(3) });
    }
    bar.stop();
  }
  model.eval();
  return (performance.now() - start) / 1000;
}
