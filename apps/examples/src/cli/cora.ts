import { getBackend, registerWasmBackend, setBackend } from '@erlangen/core';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { type CoraModel, trainCora } from '../graph/cora-train.js';
import { writeTourSummary } from '../tour/summary.js';

const program = new Command()
  .name('erlangen-cora')
  .description(
    'Train GCN and GAT on the Cora citation graph (public Planetoid split) and report test accuracy.',
  )
  .option('-m, --model <name>', "'gcn', 'gat' or 'both'", 'both')
  .option('-e, --epochs <n>', 'training epochs', (v) => Number.parseInt(v, 10), 200)
  .option('-s, --seed <n>', 'random seed (weights and dropout)', (v) => Number.parseInt(v, 10), 0)
  .option('-b, --backend <name>', "'cpu' or 'wasm' (the training loop reads values synchronously)", 'cpu')
  .option('--summary-json <file>', 'also write a one-row summary (used by the tour)')
  .parse();

const opts = program.opts<{
  model: string;
  epochs: number;
  seed: number;
  backend: string;
  summaryJson?: string;
}>();
if (opts.backend !== 'cpu' && opts.backend !== 'wasm')
  program.error(`--backend must be cpu or wasm, not '${opts.backend}'`);
if (opts.backend === 'wasm') registerWasmBackend();
await setBackend(opts.backend);
if (!['gcn', 'gat', 'both'].includes(opts.model))
  program.error(`--model must be gcn, gat or both, not '${opts.model}'`);
const models: CoraModel[] = opts.model === 'both' ? ['gcn', 'gat'] : [opts.model as CoraModel];
console.log(
  `Erlangen · node classification on Cora (backend: ${getBackend()}, ${opts.epochs} epochs, seed ${opts.seed})`,
);

const metrics: string[] = [];
for (const model of models) {
  const bar = new SingleBar({
    format: `${model.toUpperCase().padEnd(3)} [{bar}] {value}/{total} epochs · loss {loss} · val {val}% · {eta}s left`,
    hideCursor: true,
    etaBuffer: 20,
  });
  bar.start(opts.epochs, 0, { loss: '—', val: '—' });
  const r = trainCora({
    model,
    epochs: opts.epochs,
    seed: opts.seed,
    onEpoch: ({ epoch, loss, valAccuracy }) =>
      bar.update(epoch + 1, { loss: loss.toFixed(3), val: (100 * valAccuracy).toFixed(1) }),
  });
  bar.stop();
  console.log(
    `  ${model.toUpperCase()}: test accuracy ${(100 * r.testAccuracy).toFixed(1)}% at the best validation epoch ` +
      `(${r.bestEpoch + 1}, val ${(100 * r.bestValAccuracy).toFixed(1)}%); final epoch ${(100 * r.finalTestAccuracy).toFixed(1)}%; ` +
      `${r.msPerEpoch.toFixed(0)} ms per training epoch`,
  );
  metrics.push(`${model.toUpperCase()} test ${(100 * r.testAccuracy).toFixed(1)}%`);
}
writeTourSummary(opts.summaryJson, {
  task: 'node classification, Cora',
  model: `${models.map((m) => (m === 'gcn' ? 'GCN' : 'GAT')).join(' + ')}, 2 layers`,
  metric: `${metrics.join(', ')} at best val`,
  figures: [],
});
