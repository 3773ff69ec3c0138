/**
 * Trains GCN (Kipf & Welling) or GAT (Veličković et al.) on Cora inside a Web Worker, so the tab
 * never freezes; posts accuracies and a 2-D PCA of the hidden features every few epochs.
 * Hyper-parameters as PyG's examples (see apps/examples/src/graph/cora-train.ts).
 */
import { manualSeed, nn, noGrad, optim, type Tensor, tensor, tidy } from '@erlangen/core';
import {
  GATConv,
  GCNConv,
  type Graph,
  parsePack,
  planetoidFromPack,
  type SparseMatrix,
  sparseDropout,
} from '@erlangen/graph';
import { chooseBackend } from '../shared/backend.js';
import { pca2 } from './pca.js';
import type { GraphMessage, GraphRequest } from './protocol.js';

const post = (m: GraphMessage) => (self as unknown as Worker).postMessage(m);

/** 2-layer GCN or GAT; `run` returns [hidden [N, H], logits [N, C]] for x [N, F]. */
class CoraModel extends nn.Module {
  constructor(
    readonly kind: 'gcn' | 'gat',
    readonly conv1: GCNConv | GATConv,
    readonly conv2: GCNConv | GATConv,
  ) {
    super();
  }
  static create(kind: 'gcn' | 'gat', features: number, classes: number): CoraModel {
    return kind === 'gcn'
      ? new CoraModel(
          kind,
          new GCNConv(features, 16, { cached: true }),
          new GCNConv(16, classes, { cached: true }),
        )
      : new CoraModel(
          kind,
          new GATConv(features, 8, { heads: 8, dropout: 0.6 }),
          new GATConv(64, classes, { heads: 1, concat: false, dropout: 0.6 }),
        );
  }
  forward(x: SparseMatrix, g: Graph): Tensor {
    return this.run(x, g)[1];
  }
  run(x: SparseMatrix, g: Graph): [Tensor, Tensor] {
    const p = this.kind === 'gcn' ? 0.5 : 0.6;
    const pre = this.conv1.forward(sparseDropout(x, p, this.training), g);
    const h = this.kind === 'gcn' ? pre.relu() : nn.functional.elu(pre);
    return [h, this.conv2.forward(nn.functional.dropout(h, p, this.training), g)];
  }
}

async function gunzip(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`fetching ${url}: HTTP ${response.status}`);
  const stream = response.body.pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function accuracy(pred: ArrayLike<number>, labels: Int32Array, ids: Int32Array): number {
  let ok = 0;
  for (const i of ids) ok += pred[i] === labels[i] ? 1 : 0;
  return ok / ids.length;
}

async function train(req: GraphRequest): Promise<void> {
  const choice = await chooseBackend(req.backend);
  post({ type: 'backend', ...choice });
  post({ type: 'progress', label: 'Downloading Cora…', value: 0, total: req.epochs });
  const cora = planetoidFromPack(parsePack(await gunzip(req.dataUrl)), {
    normalizeFeatures: true,
    dense: false,
  });
  const { graph, labels, split } = cora;
  post({
    type: 'data',
    numNodes: graph.numNodes,
    numEdges: graph.numEdges,
    labels,
    classes: cora.numClasses,
  });
  manualSeed(req.seed);
  const model = CoraModel.create(req.model, cora.numFeatures, cora.numClasses);
  // Kipf & Welling regularise GCN's first layer only.
  const optimizer =
    req.model === 'gcn'
      ? new optim.Adam(
          [
            { params: model.conv1.parameters(), weightDecay: 5e-4 },
            { params: model.conv2.parameters(), weightDecay: 0 },
          ],
          { lr: 0.01 },
        )
      : new optim.Adam(model.parameters(), { lr: 0.005, weightDecay: 5e-4 });
  const trainIds = tensor(split.train, [split.train.length], 'int32');
  const yTrain = graph.y!.indexSelect(0, trainIds);
  const x = cora.features!;
  let best = { val: -1, test: 0 };
  let t0 = performance.now();
  for (let epoch = 1; epoch <= req.epochs; epoch++) {
    model.train();
    const loss = tidy(() => {
      optimizer.zeroGrad();
      const l = nn.functional.crossEntropy(model.run(x, graph)[1].indexSelect(0, trainIds), yTrain);
      l.backward();
      optimizer.step();
      return l.detach();
    });
    const lossValue = (await loss.data())[0]!;
    loss.dispose();
    if (epoch % req.every === 0 || epoch === req.epochs) {
      const msPerEpoch = (performance.now() - t0) / req.every;
      model.eval();
      const [hidden, pred] = noGrad(() =>
        tidy(() => {
          const [h, logits] = model.run(x, graph);
          return [h, logits.argmax(1)];
        }),
      );
      const [h, p] = await Promise.all([hidden.data(), pred.data()]);
      hidden.dispose();
      pred.dispose();
      const val = accuracy(p, labels, split.val);
      const test = accuracy(p, labels, split.test);
      if (val > best.val) best = { val, test };
      post({
        type: 'epoch',
        epoch,
        loss: lossValue,
        train: accuracy(p, labels, split.train),
        val,
        test,
        points: pca2(h as Float32Array, graph.numNodes, hidden.shape[1]!),
        msPerEpoch,
      });
      post({ type: 'progress', label: `epoch ${epoch}/${req.epochs}`, value: epoch, total: req.epochs });
      t0 = performance.now();
    }
  }
  post({ type: 'done', bestVal: best.val, testAtBestVal: best.test, epochs: req.epochs });
}

self.onmessage = (e: MessageEvent<GraphRequest>) => {
  train(e.data).catch((err: unknown) =>
    post({
      type: 'error',
      message: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err),
    }),
  );
};
