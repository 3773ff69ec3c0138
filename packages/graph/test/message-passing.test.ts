/**
 * The MessagePassing base: a user-defined layer (message from x_i, x_j and edge features), every
 * aggregation, bipartite propagation, against per-edge loops written here as the definition;
 * and a training loop whose live-tensor count stays flat.
 */
import { Generator, memory, nn, optim, randn, type Tensor, tensor, tidy } from '@erlangen/core';
import { describe, expect, it } from 'vitest';
import {
  type Aggregation,
  type BipartiteEdges,
  type EdgeContext,
  GATConv,
  GCNConv,
  Graph,
  MessagePassing,
  SAGEConv,
} from '../src/index.js';
import { maxAbsDiff } from './helpers.js';

/** EdgeConv-like: message = (x_j − x_i) · w_ji + e_ji·1, aggregated with `aggr`. */
class DiffConv extends MessagePassing {
  forward(x: Tensor, g: Graph): Tensor {
    return this.propagate(g, x);
  }
  override message(ctx: EdgeContext): Tensor {
    return ctx.xJ.sub(ctx.xI).mul(ctx.edgeWeight!.unsqueeze(-1)).add(ctx.edgeAttr!);
  }
}

const src = [0, 1, 2, 3, 3, 4, 1, 0];
const dst = [1, 2, 3, 0, 1, 1, 1, 4]; // node 1 receives 4 messages, node 5 none
const N = 6;
const F = 3;

function reference(x: Float32Array, w: Float32Array, e: Float32Array, aggr: Aggregation): number[] {
  const out: number[][] = Array.from({ length: N }, () => []);
  const result = new Array(N * F).fill(0);
  src.forEach((_, k) => {
    out[dst[k]!]!.push(k);
  });
  for (let i = 0; i < N; i++) {
    for (let f = 0; f < F; f++) {
      const msgs = out[i]!.map((k) => (x[src[k]! * F + f]! - x[i * F + f]!) * w[k]! + e[k]!);
      if (msgs.length === 0) continue;
      const v =
        aggr === 'sum' || aggr === 'add'
          ? msgs.reduce((a, b) => a + b, 0)
          : aggr === 'mean'
            ? msgs.reduce((a, b) => a + b, 0) / msgs.length
            : aggr === 'max'
              ? Math.max(...msgs)
              : Math.min(...msgs);
      result[i * F + f] = v;
    }
  }
  return result;
}

describe('MessagePassing', () => {
  const gen = new Generator(4);
  const x = randn([N, F], { generator: gen });
  const w = randn([src.length], { generator: gen });
  const e = randn([src.length, 1], { generator: gen });
  const g = new Graph({ edgeIndex: [src, dst], numNodes: N, edgeWeight: w, edgeAttr: e });
  for (const aggr of ['sum', 'mean', 'max', 'min'] as const) {
    it(`a custom layer with x_i, x_j, edge weights and features, aggr '${aggr}'`, () => {
      const out = new DiffConv({ aggr }).forward(x, g);
      const expected = reference(
        x.dataSync() as Float32Array,
        w.dataSync() as Float32Array,
        e.dataSync() as Float32Array,
        aggr,
      );
      expect(maxAbsDiff(out.dataSync(), expected)).toBeLessThan(1e-5);
    });
  }

  it('bipartite: 4 source nodes → 3 target nodes, features of different widths', () => {
    const xs = randn([4, 5], { generator: new Generator(1) });
    const xt = randn([3, 5], { generator: new Generator(2) });
    const edges: BipartiteEdges = {
      sources: tensor([0, 1, 3, 3, 2], [5], 'int32'),
      targets: tensor([0, 0, 1, 2, 2], [5], 'int32'),
      size: [4, 3],
    };
    const conv = new SAGEConv(5, 2, { generator: new Generator(3) });
    const out = conv.forward([xs, xt], edges);
    expect(out.shape).toEqual([3, 2]);
    const xsv = xs.dataSync();
    const agg = [[0, 1], [3], [3, 2]].map((js) =>
      Array.from({ length: 5 }, (_, f) => js.reduce((s, j) => s + xsv[j * 5 + f]!, 0) / js.length),
    );
    const expected = conv.linL.forward(tensor(agg.flat(), [3, 5])).add(conv.linR!.forward(xt));
    expect(maxAbsDiff(out.dataSync(), expected.dataSync())).toBeLessThan(1e-5);
    expect(() => conv.forward([xt, xt], edges)).toThrow(
      /argument 'x \(source side\)' expected node features with 4 rows/,
    );
  });

  it('a message of the wrong length is reported', () => {
    class Bad extends MessagePassing {
      override message(ctx: EdgeContext): Tensor {
        return ctx.xJ.narrow(0, 0, 2);
      }
      forward(x: Tensor, graph: Graph) {
        return this.propagate(graph, x);
      }
    }
    expect(() => new Bad().forward(x, g)).toThrow(
      /Bad: argument 'message\(\)' expected one row per edge \(\[8, \.\.\.\]\)/,
    );
    expect(() => new DiffConv({ aggr: 'prod' as never })).toThrow(/DiffConv: argument 'aggr'/);
  });

  it('training GCN and GAT in tidy leaks no tensors', () => {
    const graph = new Graph({ edgeIndex: [src, dst], numNodes: N });
    const features = randn([N, F], { generator: new Generator(5) });
    const conv1 = new GCNConv(F, 4, { cached: true });
    const conv2 = new GATConv(4, 2, { heads: 2, concat: false, dropout: 0.2 });
    const target = tensor([0, 1, 0, 1, 1, 0], [N], 'int32');
    const opt = new optim.Adam([...conv1.parameters(), ...conv2.parameters()], { lr: 0.01 });
    const step = () =>
      tidy(() => {
        opt.zeroGrad();
        nn.functional
          .crossEntropy(conv2.forward(conv1.forward(features, graph).relu(), graph), target)
          .backward();
        opt.step();
      });
    step();
    step();
    const before = memory().numTensors;
    for (let k = 0; k < 5; k++) step();
    expect(memory().numTensors).toBe(before);
  });
});

describe('bad input to layers', () => {
  const g = new Graph({ edgeIndex: [src, dst], numNodes: N });
  it('names the argument and what came', () => {
    expect(() => new GCNConv(F, 4).forward(randn([N + 1, F]), g)).toThrow(
      /GCNConv: argument 'x \(source side\)' expected node features with 6 rows \(\[N, F\]\) but received \[7, 4\]/,
    );
    expect(() => new GCNConv(F, 4).forward(randn([N, F + 2]), g)).toThrow(
      /argument 'x' expected shape \[\.\.\., 3\]/,
    );
    expect(() => new GCNConv(0, 4)).toThrow(
      /GCNConv: argument 'inChannels' expected a positive integer but received 0/,
    );
    expect(() => new GATConv(F, 4, { dropout: 1.5 })).toThrow(
      /GATConv: argument 'dropout' expected a probability in \[0, 1\) but received 1.5/,
    );
    expect(() => new GATConv(F, 4, { heads: 0 })).toThrow(/argument 'heads' expected a positive integer/);
    expect(() => new SAGEConv(F, 4, { aggr: 'median' as never })).toThrow(/SAGEConv: argument 'aggr'/);
  });
});
