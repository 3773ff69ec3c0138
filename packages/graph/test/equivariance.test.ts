/**
 * Permutation symmetry of every layer: relabelling the nodes (and shuffling the edge list) permutes
 * node-level outputs the same way (equivariance) and leaves graph-level outputs unchanged
 * (invariance), to < 1e-5 in float32.
 */
import { Generator, manualSeed, nn, noGrad, randn, type Tensor, tensor } from '@erlangen/core';
import { describe, expect, it } from 'vitest';
import {
  AttentionalAggregation,
  Batch,
  ChebConv,
  DeepSets,
  EquivariantLinear,
  erdosRenyi,
  GATConv,
  GCNConv,
  GINConv,
  Graph,
  GraphConv,
  globalAddPool,
  globalMaxPool,
  globalMeanPool,
  HostRandom,
  PermEquivariantLinear,
  SAGEConv,
  TopKPooling,
  TransformerConv,
} from '../src/index.js';
import { maxAbsDiff, permuteGraph } from './helpers.js';

const F = 6;

function randomGraph(seed: number): Graph {
  const base = erdosRenyi(12, 0.3, { seed });
  const gen = new Generator(seed);
  // Directed extras and a self-loop so the graph is not symmetric.
  const src = Int32Array.from([...base.src, 0, 5, 7]);
  const dst = Int32Array.from([...base.dst, 3, 5, 2]);
  return new Graph({
    edgeIndex: { src, dst },
    numNodes: 12,
    x: randn([12, F], { generator: gen }),
    edgeWeight: randn([src.length], { generator: gen }).abs().add(0.1),
    edgeAttr: randn([src.length, 3], { generator: gen }),
  });
}

type NodeLayer = (x: Tensor, g: Graph) => Tensor;

function expectEquivariant(layer: NodeLayer, seeds = [1, 2, 3]): void {
  for (const seed of seeds) {
    const g = randomGraph(seed);
    const { graph: pg, inverse } = permuteGraph(g, seed + 100);
    noGrad(() => {
      const y = layer(g.x!, g);
      const py = layer(pg.x!, pg);
      // Node perm[i] of the permuted graph is node i: py = y.indexSelect(0, inverse).
      expect(maxAbsDiff(py.dataSync(), y.indexSelect(0, inverse).dataSync())).toBeLessThan(1e-5);
    });
  }
}

describe('node-level layers are permutation equivariant', () => {
  manualSeed(0);
  const mlp = () => new nn.Sequential(new nn.Linear(F, 8), new nn.ReLU(), new nn.Linear(8, 4));
  const layers: [string, NodeLayer][] = [
    ['GCNConv', (x, g) => new GCNConv(F, 4, { generator: new Generator(1) }).forward(x, g)],
    ['SAGEConv mean', (x, g) => new SAGEConv(F, 4, { generator: new Generator(1) }).forward(x, g)],
    [
      'SAGEConv max',
      (x, g) => new SAGEConv(F, 4, { aggr: 'max', generator: new Generator(1) }).forward(x, g),
    ],
    [
      'SAGEConv min normalised',
      (x, g) =>
        new SAGEConv(F, 4, { aggr: 'min', normalize: true, generator: new Generator(1) }).forward(x, g),
    ],
    [
      'GINConv',
      (() => {
        const c = new GINConv(mlp(), { trainEps: true, eps: 0.1 });
        return (x: Tensor, g: Graph) => c.forward(x, g);
      })(),
    ],
    ['GraphConv', (x, g) => new GraphConv(F, 4, { generator: new Generator(1) }).forward(x, g)],
    ['GATConv', (x, g) => new GATConv(F, 3, { heads: 2, generator: new Generator(1) }).forward(x, g)],
    [
      'GATConv edge features',
      (x, g) =>
        new GATConv(F, 3, { heads: 2, edgeDim: 3, concat: false, generator: new Generator(1) }).forward(x, g),
    ],
    ['ChebConv K=3', (x, g) => new ChebConv(F, 4, 3, { generator: new Generator(1) }).forward(x, g)],
    [
      'TransformerConv',
      (x, g) =>
        new TransformerConv(F, 3, { heads: 2, edgeDim: 3, beta: true, generator: new Generator(1) }).forward(
          x,
          g,
        ),
    ],
    [
      'PermEquivariantLinear (a set)',
      (x) =>
        new PermEquivariantLinear(F, 4, { generator: new Generator(1) }).forward(x.unsqueeze(0)).squeeze(0),
    ],
  ];
  for (const [name, layer] of layers) it(name, () => expectEquivariant(layer));
});

describe('graph-level readouts are permutation invariant', () => {
  const readouts: [string, (x: Tensor, g: Graph) => Tensor][] = [
    ['globalAddPool', (x) => globalAddPool(x)],
    ['globalMeanPool', (x) => globalMeanPool(x)],
    ['globalMaxPool', (x) => globalMaxPool(x)],
    [
      'AttentionalAggregation',
      (x) =>
        new AttentionalAggregation(
          new nn.Linear(F, 1, { generator: new Generator(3) }),
          new nn.Linear(F, 5, { generator: new Generator(4) }),
        ).forward(x),
    ],
    [
      'GCN + sum readout',
      (x, g) => globalAddPool(new GCNConv(F, 4, { generator: new Generator(1) }).forward(x, g).relu()),
    ],
    [
      'TopKPooling + mean readout',
      (x, g) => {
        const r = new TopKPooling(F, 0.5, { generator: new Generator(5) }).forward(x, g);
        return globalMeanPool(new GCNConv(F, 4, { generator: new Generator(1) }).forward(r.x, r.graph));
      },
    ],
    [
      'DeepSets',
      (x) =>
        new DeepSets(
          new nn.Linear(F, 8, { generator: new Generator(6) }),
          new nn.Linear(8, 2, { generator: new Generator(7) }),
          {
            pool: 'max',
          },
        ).forward(x.unsqueeze(0)),
    ],
  ];
  for (const [name, readout] of readouts) {
    it(name, () => {
      for (const seed of [1, 2, 3]) {
        const g = randomGraph(seed);
        const { graph: pg } = permuteGraph(g, seed + 100);
        noGrad(() =>
          expect(maxAbsDiff(readout(g.x!, g).dataSync(), readout(pg.x!, pg).dataSync())).toBeLessThan(1e-5),
        );
      }
    });
  }

  it('pooling per graph of a Batch is invariant to permuting nodes within each graph', () => {
    const graphs = [1, 2, 3].map(randomGraph);
    const permuted = graphs.map((g, k) => permuteGraph(g, 50 + k).graph);
    const conv = new GCNConv(F, 4, { generator: new Generator(1) });
    const readout = (b: Batch) => globalMeanPool(conv.forward(b.x!, b), b.batch, b.numGraphs);
    noGrad(() => {
      const a = readout(Batch.fromGraphs(graphs));
      expect(a.shape).toEqual([3, 4]);
      expect(maxAbsDiff(a.dataSync(), readout(Batch.fromGraphs(permuted)).dataSync())).toBeLessThan(1e-5);
    });
  });
});

describe('Maron et al. layers commute with permutations', () => {
  const n = 5;
  const rng = new HostRandom(9);
  const perm = rng.permutation(n);
  const p = tensor(perm, [n], 'int32');
  const permute1 = (x: Tensor) => x.indexSelect(1, p); // [B, n, C]
  const permute2 = (x: Tensor) => x.indexSelect(1, p).indexSelect(2, p); // [B, n, n, C]
  for (const [kIn, kOut] of [
    [1, 1],
    [1, 2],
    [2, 1],
    [2, 2],
  ] as const) {
    it(`${kIn} → ${kOut}`, () => {
      const layer = new EquivariantLinear(kIn, kOut, 3, 4, { generator: new Generator(2) });
      const x = randn(kIn === 1 ? [2, n, 3] : [2, n, n, 3], { generator: new Generator(3) });
      const pin = kIn === 1 ? permute1 : permute2;
      const pout = kOut === 1 ? permute1 : permute2;
      noGrad(() =>
        expect(maxAbsDiff(layer.forward(pin(x)).dataSync(), pout(layer.forward(x)).dataSync())).toBeLessThan(
          1e-5,
        ),
      );
    });
  }
});
