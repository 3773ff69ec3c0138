/**
 * Node classification on Cora (public Planetoid split) with the two models of the literature:
 * the 2-layer GCN of Kipf & Welling (2017) and the 2-layer GAT of Veličković et al. (2018), with
 * their hyper-parameters as in PyG's examples/gcn.py and examples/gat.py. The reported accuracy is
 * that of the epoch with the best validation accuracy (the papers' model selection) and of the
 * final epoch.
 */
import { manualSeed, nn, noGrad, optim, type Tensor, tensor, tidy } from '@erlangen/core';
import {
  GATConv,
  GCNConv,
  type Graph,
  loadCora,
  type PlanetoidDataset,
  type SparseMatrix,
  sparseDropout,
} from '@erlangen/graph';

/** 2-layer GCN: dropout 0.5 → GCNConv(F, 16) → ReLU → dropout 0.5 → GCNConv(16, C). Shapes [N, F] → [N, C]. */
export class Gcn extends nn.Module {
  conv1: GCNConv;
  conv2: GCNConv;
  constructor(inFeatures: number, hidden: number, classes: number) {
    super();
    // `cached`: Cora's graph is fixed, so the normalised adjacency is computed once.
    this.conv1 = new GCNConv(inFeatures, hidden, { cached: true });
    this.conv2 = new GCNConv(hidden, classes, { cached: true });
  }
  forward(x: SparseMatrix, graph: Graph): Tensor {
    const h = this.conv1.forward(sparseDropout(x, 0.5, this.training), graph).relu();
    return this.conv2.forward(nn.functional.dropout(h, 0.5, this.training), graph);
  }
}

/** 2-layer GAT: 8 heads × 8 features, ELU, 1 output head; dropout 0.6 on inputs and attention. */
export class Gat extends nn.Module {
  conv1: GATConv;
  conv2: GATConv;
  constructor(inFeatures: number, hidden: number, heads: number, classes: number) {
    super();
    this.conv1 = new GATConv(inFeatures, hidden, { heads, dropout: 0.6 });
    this.conv2 = new GATConv(hidden * heads, classes, { heads: 1, concat: false, dropout: 0.6 });
  }
  forward(x: SparseMatrix, graph: Graph): Tensor {
    const h = nn.functional.elu(this.conv1.forward(sparseDropout(x, 0.6, this.training), graph));
    return this.conv2.forward(nn.functional.dropout(h, 0.6, this.training), graph);
  }
}

export type CoraModel = 'gcn' | 'gat';

export interface CoraOptions {
  model?: CoraModel;
  epochs?: number;
  seed?: number;
  /** Called after every epoch (progress bars). */
  onEpoch?: (p: { epoch: number; epochs: number; loss: number; valAccuracy: number }) => void;
  /** Pre-loaded data set (tests share one). */
  dataset?: PlanetoidDataset;
}

export interface CoraResult {
  model: CoraModel;
  /** Test accuracy at the epoch of best validation accuracy. */
  testAccuracy: number;
  bestValAccuracy: number;
  bestEpoch: number;
  /** Test accuracy after the last epoch. */
  finalTestAccuracy: number;
  /** Mean wall time of one training step (forward, backward, Adam), milliseconds. */
  msPerEpoch: number;
}

function accuracyOn(pred: ArrayLike<number>, labels: Int32Array, ids: Int32Array): number {
  let ok = 0;
  for (const i of ids) ok += pred[i] === labels[i] ? 1 : 0;
  return ok / ids.length;
}

export function trainCora(opts: CoraOptions = {}): CoraResult {
  const kind = opts.model ?? 'gcn';
  const epochs = opts.epochs ?? 200;
  manualSeed(opts.seed ?? 0);
  const cora = opts.dataset ?? loadCora({ normalizeFeatures: true, dense: false });
  const x = cora.features!;
  const graph = cora.graph;
  let model: Gcn | Gat;
  let optimizer: optim.Adam;
  if (kind === 'gcn') {
    const gcn = new Gcn(cora.numFeatures, 16, cora.numClasses);
    // Kipf & Welling regularise the first layer only.
    optimizer = new optim.Adam(
      [
        { params: gcn.conv1.parameters(), weightDecay: 5e-4 },
        { params: gcn.conv2.parameters(), weightDecay: 0 },
      ],
      { lr: 0.01 },
    );
    model = gcn;
  } else {
    model = new Gat(cora.numFeatures, 8, 8, cora.numClasses);
    optimizer = new optim.Adam(model.parameters(), { lr: 0.005, weightDecay: 5e-4 });
  }
  const train = tensor(cora.split.train, [cora.split.train.length], 'int32');
  const yTrain = graph.y!.indexSelect(0, train);
  let best = { val: -1, test: 0, epoch: -1 };
  let finalTest = 0;
  let trainMs = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    model.train();
    const t0 = performance.now();
    const loss = tidy(() => {
      optimizer.zeroGrad();
      const l = nn.functional.crossEntropy(model.forward(x, graph).indexSelect(0, train), yTrain);
      l.backward();
      optimizer.step();
      return l.item();
    });
    trainMs += performance.now() - t0;
    model.eval();
    const pred = noGrad(() => tidy(() => model.forward(x, graph).argmax(1).dataSync()));
    const val = accuracyOn(pred, cora.labels, cora.split.val);
    finalTest = accuracyOn(pred, cora.labels, cora.split.test);
    if (val > best.val) best = { val, test: finalTest, epoch };
    opts.onEpoch?.({ epoch, epochs, loss, valAccuracy: val });
  }
  train.dispose();
  yTrain.dispose();
  return {
    model: kind,
    testAccuracy: best.test,
    bestValAccuracy: best.val,
    bestEpoch: best.epoch,
    finalTestAccuracy: finalTest,
    msPerEpoch: trainMs / epochs,
  };
}
