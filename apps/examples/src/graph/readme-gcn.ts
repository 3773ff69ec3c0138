// The example of packages/graph/README.md, verbatim: a 2-layer GCN on Cora.
// Run: npm run build --workspace @erlangen/examples && node apps/examples/dist/graph-readme.js
import { manualSeed, nn, noGrad, optim, tensor, tidy } from '@erlangen/core';
import { GCNConv, loadCora, sparseDropout } from '@erlangen/graph';

manualSeed(0);
const cora = loadCora({ normalizeFeatures: true, dense: false }); // bundled, checksummed
const { graph, features: x, split, labels } = cora; // x: sparse [2708, 1433]

const conv1 = new GCNConv(cora.numFeatures, 16, { cached: true }); // [N, 1433] → [N, 16]
const conv2 = new GCNConv(16, cora.numClasses, { cached: true }); //  [N, 16] → [N, 7]
const forward = (training: boolean) => {
  const h = conv1.forward(sparseDropout(x!, 0.5, training), graph).relu();
  return conv2.forward(nn.functional.dropout(h, 0.5, training), graph); // logits [N, 7]
};

const optimizer = new optim.Adam(
  [
    { params: conv1.parameters(), weightDecay: 5e-4 },
    { params: conv2.parameters(), weightDecay: 0 },
  ],
  { lr: 0.01 },
);
const train = tensor(split.train, [split.train.length], 'int32');
const yTrain = graph.y!.indexSelect(0, train);
for (let epoch = 0; epoch < 200; epoch++) {
  tidy(() => {
    optimizer.zeroGrad();
    nn.functional.crossEntropy(forward(true).indexSelect(0, train), yTrain).backward();
    optimizer.step();
  });
}

const predicted = noGrad(() => tidy(() => forward(false).argmax(1).dataSync()));
const correct = split.test.filter((i) => predicted[i] === labels[i]).length;
console.log(`GCN on Cora: test accuracy ${((100 * correct) / split.test.length).toFixed(1)}%`);
