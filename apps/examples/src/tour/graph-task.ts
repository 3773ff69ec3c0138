/** Tour stop "graph": the 2-layer GCN of Kipf & Welling on Cora (public Planetoid split). */
import { trainCora } from '../graph/cora-train.js';
import type { TourTask } from './task.js';

export const graphTask: TourTask = {
  name: 'graph',
  domain: 'Graphs',
  description: 'GCN on the Cora citation graph (2,708 papers, 7 topics, 140 labelled)',
  backends: ['cpu', 'wasm'],
  async run(ctx) {
    const epochs = ctx.quick ? 60 : 200;
    const r = trainCora({
      model: 'gcn',
      epochs,
      seed: ctx.seed,
      onEpoch: ({ epoch }) => ctx.progress('GCN epochs', epoch + 1, epochs),
    });
    return {
      task: 'node classification, Cora',
      model: 'GCN, 2 layers (23k parameters)',
      metric: `test ${(100 * r.testAccuracy).toFixed(1)}% at best val (${r.msPerEpoch.toFixed(0)} ms/epoch)`,
      figures: [],
    };
  },
};
