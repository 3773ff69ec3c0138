/**
 * Parity with PyTorch Geometric's layer definitions: fixtures/make_layers.py implements each layer
 * as PyG's source does, in torch (float64), on a small directed graph with an existing self-loop,
 * edge weights and edge features; here the same parameters are loaded and outputs and input
 * gradients compared.
 */
import { enableGrad, nn, type Tensor, tensor } from '@erlangen/core';
import { describe, expect, it } from 'vitest';
import {
  AttentionalAggregation,
  ChebConv,
  GATConv,
  GCNConv,
  GINConv,
  Graph,
  GraphConv,
  globalAddPool,
  globalMaxPool,
  globalMeanPool,
  type MessagePassing,
  SAGEConv,
  scatterMax,
  scatterMean,
  scatterMin,
  segmentSoftmax,
  TopKPooling,
  TransformerConv,
} from '../src/index.js';
import fixture from './fixtures/layers.json' with { type: 'json' };
import { maxAbsDiff } from './helpers.js';

type Case = (typeof fixture.cases)[number];
const F = fixture.numFeatures;
const N = fixture.numNodes;

function graph(c: Case): Graph {
  return new Graph({
    edgeIndex: [fixture.src, fixture.dst],
    numNodes: N,
    edgeWeight: c.options.edgeWeight ? tensor(fixture.edgeWeight) : undefined,
    edgeAttr: tensor(fixture.edgeAttr, [fixture.src.length, 3]),
  });
}

function build(c: Case): MessagePassing {
  const o = c.options as Record<string, any>;
  switch (c.name) {
    case 'GCNConv':
      return new GCNConv(F, 4, { improved: o.improved });
    case 'SAGEConv':
      return new SAGEConv(F, 4, { aggr: o.aggr });
    case 'GINConv':
      return new GINConv(new nn.Sequential(new nn.Linear(F, 6), new nn.ReLU(), new nn.Linear(6, 4)), {
        eps: o.eps,
      });
    case 'GraphConv':
      return new GraphConv(F, 4);
    case 'GATConv':
      return new GATConv(F, o.outChannels, {
        heads: o.heads,
        concat: o.concat,
        edgeDim: o.edgeDim ?? undefined,
      });
    case 'ChebConv':
      return new ChebConv(F, 4, o.K);
    case 'TransformerConv':
      return new TransformerConv(F, o.outChannels, {
        heads: o.heads,
        concat: o.concat,
        beta: o.beta,
        edgeDim: o.edgeDim,
      });
    default:
      throw new Error(`unknown case ${c.name}`);
  }
}

describe('parity with PyG layer definitions (torch reference, fixtures/make_layers.py)', () => {
  for (const c of fixture.cases) {
    it(`${c.name} ${JSON.stringify(c.options)}`, () => {
      const layer = build(c);
      const dict: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(c.params)) dict[k] = tensor(v.data, v.shape);
      layer.loadStateDict(dict, { strict: true });
      const g = graph(c);
      const x = tensor(fixture.x, [N, F]).requireGrad();
      const out = enableGrad(() =>
        (layer as unknown as { forward: (x: Tensor, g: Graph) => Tensor }).forward(x, g),
      );
      expect(out.shape).toEqual(c.out.shape);
      expect(maxAbsDiff(out.dataSync(), c.out.data)).toBeLessThan(1e-5);
      out.mul(tensor(c.r, c.out.shape)).sum().backward();
      expect(maxAbsDiff(x.grad!.dataSync(), c.grad_x)).toBeLessThan(1e-5);
    });
  }

  it('scatter max / min / mean and the segment softmax', () => {
    const src = tensor(fixture.scatter.src, [fixture.src.length, 2]);
    const index = tensor(fixture.dst, [fixture.dst.length], 'int32');
    expect(maxAbsDiff(scatterMax(src, index, N).dataSync(), fixture.scatter.max)).toBeLessThan(1e-6);
    expect(maxAbsDiff(scatterMin(src, index, N).dataSync(), fixture.scatter.min)).toBeLessThan(1e-6);
    expect(maxAbsDiff(scatterMean(src, index, N).dataSync(), fixture.scatter.mean)).toBeLessThan(1e-6);
    expect(maxAbsDiff(segmentSoftmax(src, index, N).dataSync(), fixture.scatter.softmax)).toBeLessThan(1e-6);
  });
});

describe('pooling vs PyG definitions (fixtures/make_layers.py)', () => {
  const p = fixture.pooling;
  const x = tensor(fixture.x, [N, F]);
  const batch = tensor(p.batch, [N], 'int32');
  it('global sum / mean / max pooling', () => {
    expect(maxAbsDiff(globalAddPool(x, batch, 2).dataSync(), p.sum)).toBeLessThan(1e-5);
    expect(maxAbsDiff(globalMeanPool(x, batch, 2).dataSync(), p.mean)).toBeLessThan(1e-5);
    expect(maxAbsDiff(globalMaxPool(x, batch, 2).dataSync(), p.max)).toBeLessThan(1e-5);
  });
  it('AttentionalAggregation', () => {
    const gate = new nn.Linear(F, 1);
    const transform = new nn.Linear(F, 3);
    const pool = new AttentionalAggregation(gate, transform);
    pool.loadStateDict({
      'gate.weight': tensor(p['gate.weight'], [1, F]),
      'gate.bias': tensor(p['gate.bias'], [1]),
      'transform.weight': tensor(p['nn.weight'], [3, F]),
      'transform.bias': tensor(p['nn.bias'], [3]),
    });
    expect(maxAbsDiff(pool.forward(x, batch, 2).dataSync(), p.attention)).toBeLessThan(1e-5);
  });
  it('TopKPooling (ratio 0.5)', () => {
    const pool = new TopKPooling(F, 0.5);
    pool.loadStateDict({ weight: tensor(p.topkWeight, [1, F]) });
    const g = new Graph({ edgeIndex: [fixture.src, fixture.dst], numNodes: N });
    const r = pool.forward(x, g, batch);
    expect(Array.from(r.perm)).toEqual(p.topkPerm);
    expect(maxAbsDiff(r.x.dataSync(), p.topkX)).toBeLessThan(1e-5);
    expect(Array.from(r.batch.dataSync())).toEqual([0, 0, 1, 1]);
  });
});
