import { registerWebGPUBackend, setBackend } from '@erlangen/core';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { trainMnistCnn } from '../mnist-train.js';

const program = new Command()
  .name('erlangen-mnist')
  .description(
    'Train a small CNN on 10,000 real handwritten digits with @erlangen/core and report test accuracy.',
  )
  .option('-e, --epochs <n>', 'training epochs', (v) => Number.parseInt(v, 10), 3)
  .option('-b, --batch-size <n>', 'mini-batch size', (v) => Number.parseInt(v, 10), 32)
  .option('--lr <x>', 'Adam learning rate', Number.parseFloat, 3e-3)
  .option('-s, --seed <n>', 'random seed (weights and shuffling)', (v) => Number.parseInt(v, 10), 0)
  .option('--backend <name>', "backend to train on: 'cpu' or 'webgpu'", 'cpu')
  .parse();

const opts = program.opts<{ epochs: number; batchSize: number; lr: number; seed: number; backend: string }>();
if (opts.backend === 'webgpu') registerWebGPUBackend();
console.log(
  `Erlangen · small CNN on MNIST digits (backend: ${opts.backend}, ${opts.epochs} epochs, batch ${opts.batchSize})`,
);

const bar = new SingleBar({
  format: 'epoch {epoch}/{epochs} [{bar}] {value}/{total} steps · loss {loss} · {eta}s left',
  hideCursor: true,
  etaBuffer: 50,
});
let started = -1;
const t0 = performance.now();
const result = await trainMnistCnn({
  backend: opts.backend,
  epochs: opts.epochs,
  batchSize: opts.batchSize,
  learningRate: opts.lr,
  seed: opts.seed,
  onProgress: ({ epoch, epochs, step, stepsPerEpoch, loss }) => {
    if (started !== epoch) {
      started = epoch;
      bar.start(stepsPerEpoch, 0, { epoch: epoch + 1, epochs, loss: '—' });
    }
    bar.update(step, { loss: loss.toFixed(3) });
  },
  onEpoch: (epoch, acc, meanLoss) => {
    bar.stop();
    console.log(
      `  epoch ${epoch + 1}: mean train loss ${meanLoss.toFixed(4)}, test accuracy ${(100 * acc).toFixed(2)}%`,
    );
  },
});
const seconds = (performance.now() - t0) / 1000;
console.log(
  `\nTest accuracy ${(100 * result.testAccuracy).toFixed(2)}% on ${result.numTest} held-out digits ` +
    `(train ${(100 * result.trainAccuracy).toFixed(2)}% on ${result.numTrain}; ${result.numParameters} parameters; ${seconds.toFixed(1)} s).`,
);
if (opts.backend === 'webgpu') {
  // Dawn's worker threads must stop before Node exits (lavapipe aborts otherwise): free the device.
  const gpu = (await setBackend('webgpu')) as { destroy?: () => void };
  await setBackend('cpu');
  gpu.destroy?.();
}
