import { getBackend } from '@erlangen/core';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { trainMutag } from '../graph/mutag-train.js';

const program = new Command()
  .name('erlangen-mutag')
  .description('Classify MUTAG molecules with GIN, stratified k-fold cross-validation.')
  .option('-f, --folds <n>', 'cross-validation folds', (v) => Number.parseInt(v, 10), 10)
  .option('-e, --epochs <n>', 'epochs per fold', (v) => Number.parseInt(v, 10), 100)
  .option('-b, --batch-size <n>', 'graphs per mini-batch', (v) => Number.parseInt(v, 10), 32)
  .option('-s, --seed <n>', 'random seed (folds, weights, shuffling)', (v) => Number.parseInt(v, 10), 0)
  .option('-r, --readout <kind>', "'last' (MLP on the last layer) or 'all-layers' (Xu et al.)", 'all-layers')
  .option('--hidden <n>', 'hidden units per GIN layer', (v) => Number.parseInt(v, 10), 32)
  .parse();

const opts = program.opts<{
  folds: number;
  epochs: number;
  batchSize: number;
  seed: number;
  readout: 'last' | 'all-layers';
  hidden: number;
}>();
if (opts.readout !== 'last' && opts.readout !== 'all-layers') {
  program.error(`--readout must be 'last' or 'all-layers'; received '${opts.readout}'`);
}
console.log(
  `Erlangen · GIN on MUTAG (backend: ${getBackend()}, ${opts.folds}-fold CV, ${opts.epochs} epochs per fold, batch ${opts.batchSize})`,
);
const bar = new SingleBar({
  format: 'fold {fold}/{folds} [{bar}] {value}/{total} epochs · loss {loss} · {eta}s left',
  hideCursor: true,
  etaBuffer: 20,
});
const t0 = performance.now();
const result = trainMutag({
  ...opts,
  onEpoch: ({ fold, folds, epoch, epochs, loss }) => {
    if (epoch === 0) bar.start(epochs, 0, { fold: fold + 1, folds, loss: '—' });
    bar.update(epoch + 1, { loss: loss.toFixed(3) });
  },
  onFold: (fold, acc, selected) => {
    bar.stop();
    console.log(
      `  fold ${fold + 1}: test accuracy ${(100 * acc).toFixed(1)}% after the last epoch, ${(100 * selected).toFixed(1)}% at the best inner-validation epoch`,
    );
  },
});
console.log(
  `\nMean test accuracy ${(100 * result.meanAccuracy).toFixed(1)}% ± ${(100 * result.stdAccuracy).toFixed(1)}% over ${opts.folds} folds ` +
    `(${((performance.now() - t0) / 1000).toFixed(0)} s).`,
);
console.log(
  `Mean test accuracy at the best inner-validation epoch (selection without the test folds): ${(100 * result.selectedMeanAccuracy).toFixed(1)}% ± ${(100 * result.selectedStdAccuracy).toFixed(1)}%.`,
);
console.log(
  `Best fold-averaged epoch (Xu et al.'s protocol, selects on the test folds): ${(100 * result.bestEpochAccuracy).toFixed(1)}% at epoch ${result.bestEpoch + 1}.`,
);
