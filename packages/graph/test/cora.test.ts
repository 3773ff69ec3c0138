/**
 * Real-data check: the 2-layer GCN of Kipf & Welling on Cora's public split, with the paper's
 * hyper-parameters and model selection (the epoch of best validation accuracy), must reach ≥ 80%
 * test accuracy (paper: 81.5%). apps/examples/src/graph/cora-train.ts runs the same model and GAT.
 */
import { eye, manualSeed, nn, noGrad, optim, type Tensor, tensor, tidy } from '@erlangen/core';
import { describe, expect, it } from 'vitest';
import { GCNConv, type Graph, karateClub, loadCora, type SparseMatrix, sparseDropout } from '../src/index.js';

class Gcn extends nn.Module {
  conv1: GCNConv;
  conv2: GCNConv;
  constructor(inF: number, hidden: number, classes: number) {
    super();
    this.conv1 = new GCNConv(inF, hidden, { cached: true });
    this.conv2 = new GCNConv(hidden, classes, { cached: true });
  }
  forward(x: SparseMatrix, g: Graph): Tensor {
    const h = this.conv1.forward(sparseDropout(x, 0.5, this.training), g).relu();
    return this.conv2.forward(nn.functional.dropout(h, 0.5, this.training), g);
  }
}

describe('GCN on Cora (public Planetoid split)', () => {
  it('reaches ≥ 80% test accuracy in 200 epochs', () => {
    manualSeed(0);
    const cora = loadCora({ normalizeFeatures: true, dense: false });
    const x = cora.features!;
    const g = cora.graph;
    const model = new Gcn(cora.numFeatures, 16, cora.numClasses);
    // As Kipf & Welling (and PyG's gcn.py): L2 regularisation on the first layer only.
    const opt = new optim.Adam(
      [
        { params: model.conv1.parameters(), weightDecay: 5e-4 },
        { params: model.conv2.parameters(), weightDecay: 0 },
      ],
      { lr: 0.01 },
    );
    const train = tensor(cora.split.train, [cora.split.train.length], 'int32');
    const yTrain = g.y!.indexSelect(0, train);
    const accuracy = (pred: ArrayLike<number>, ids: Int32Array) =>
      ids.reduce((ok, i) => ok + (pred[i] === cora.labels[i] ? 1 : 0), 0) / ids.length;
    let best = { val: -1, test: 0 };
    for (let epoch = 0; epoch < 200; epoch++) {
      model.train();
      tidy(() => {
        opt.zeroGrad();
        nn.functional.crossEntropy(model.forward(x, g).indexSelect(0, train), yTrain).backward();
        opt.step();
      });
      model.eval();
      const pred = noGrad(() => tidy(() => model.forward(x, g).argmax(1).dataSync()));
      const val = accuracy(pred, cora.split.val);
      if (val > best.val) best = { val, test: accuracy(pred, cora.split.test) };
    }
    console.log(
      `GCN on Cora: test accuracy ${(100 * best.test).toFixed(1)}% at best validation ${(100 * best.val).toFixed(1)}%`,
    );
    expect(best.test).toBeGreaterThanOrEqual(0.8);
  }, 300_000);
});

describe('GCN on the karate club (semi-supervised, one labelled member per club)', () => {
  it('recovers the split of the club', () => {
    manualSeed(1);
    const club = karateClub();
    const x = eye(club.numNodes); // featureless: one-hot node ids
    const conv1 = new GCNConv(club.numNodes, 8, { cached: true });
    const conv2 = new GCNConv(8, 2, { cached: true });
    const labelled = tensor([0, 33], [2], 'int32'); // Mr. Hi and the Officer
    const target = club.y!.indexSelect(0, labelled);
    const opt = new optim.Adam([...conv1.parameters(), ...conv2.parameters()], { lr: 0.01 });
    const forward = () => conv2.forward(conv1.forward(x, club).tanh(), club);
    for (let epoch = 0; epoch < 200; epoch++) {
      tidy(() => {
        opt.zeroGrad();
        nn.functional.crossEntropy(forward().indexSelect(0, labelled), target).backward();
        opt.step();
      });
    }
    const pred = noGrad(() => forward().argmax(1).dataSync());
    const truth = club.y!.dataSync();
    const acc = Array.from(pred).filter((p, i) => p === truth[i]).length / club.numNodes;
    console.log(`GCN on the karate club: ${(100 * acc).toFixed(1)}% of members assigned to their club`);
    expect(acc).toBeGreaterThanOrEqual(0.8);
  });
});
