/**
 * The layers on core's `webgpu` backend agree with `cpu`. Gathers and sum/mean scatters are core's
 * WGSL kernels; max/min aggregation and the segment softmax take the padded core-kernel path
 * (there is no WGSL kernel for them and webgpu cannot read back synchronously). Without an adapter
 * the suite is skipped with the reason, except under CI=true, where it must run (and fails).
 */
import { Generator, getBackend, nn, optim, randn, setBackend, type Tensor, tensor } from '@erlangen/core';
import { probeWebGPU } from '@erlangen/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Batch,
  GATConv,
  GCNConv,
  GINConv,
  Graph,
  globalMaxPool,
  SAGEConv,
  scatterMax,
  TopKPooling,
  TransformerConv,
} from '../src/index.js';
import { maxAbsDiff } from './helpers.js';

const { unavailable, skip } = await probeWebGPU('graph webgpu tests');

const edges: [number[], number[]] = [
  [0, 1, 2, 3, 4, 5, 6, 1, 3, 0, 6, 2, 4, 4],
  [1, 2, 3, 4, 5, 6, 0, 0, 1, 5, 3, 6, 4, 2],
];

/** Builds inputs and a model on `backend` from fixed seeds (Threefry: the same values everywhere) and runs `fn`. */
async function on(backend: string, fn: (x: Tensor, g: Graph) => Tensor): Promise<Float32Array> {
  const previous = getBackend();
  await setBackend(backend);
  try {
    const x = randn([7, 5], { generator: new Generator(3) });
    const g = new Graph({ edgeIndex: edges, numNodes: 7 });
    const out = fn(x, g);
    expect(out.backend.name).toBe(backend);
    return Float32Array.from(await out.data());
  } finally {
    await setBackend(previous);
  }
}

describe.skipIf(skip)('webgpu backend parity with cpu', () => {
  afterAll(async () => setBackend('cpu'));
  it('has an adapter', () => expect(unavailable).toBeNull());
  const cases: [string, (x: Tensor, g: Graph) => Tensor][] = [
    ['GCNConv', (x, g) => new GCNConv(5, 4, { generator: new Generator(1) }).forward(x, g)],
    [
      'GINConv',
      (x, g) => new GINConv(new nn.Linear(5, 4, { generator: new Generator(1) }), { eps: 0.2 }).forward(x, g),
    ],
    [
      'SAGEConv max (padded path)',
      (x, g) => new SAGEConv(5, 4, { aggr: 'max', generator: new Generator(1) }).forward(x, g),
    ],
    [
      'SAGEConv min (padded path)',
      (x, g) => new SAGEConv(5, 4, { aggr: 'min', generator: new Generator(1) }).forward(x, g),
    ],
    [
      'GATConv (segment softmax)',
      (x, g) => new GATConv(5, 3, { heads: 2, generator: new Generator(1) }).forward(x, g),
    ],
    [
      'TransformerConv',
      (x, g) => new TransformerConv(5, 3, { heads: 2, generator: new Generator(1) }).forward(x, g),
    ],
    [
      'global max pool of a Batch',
      (x, g) => {
        const b = Batch.fromGraphs([g, g]);
        const both = x
          .reshape([7, 5])
          .add(0)
          .indexSelect(0, tensor([0, 1, 2, 3, 4, 5, 6, 6, 5, 4, 3, 2, 1, 0], [14], 'int32'));
        return scatterMax(both, b.batch, 2, { hostIndex: b.batchIds });
      },
    ],
  ];
  for (const [name, fn] of cases) {
    it(name, async () => {
      const cpu = await on('cpu', fn);
      const gpu = await on('webgpu', fn);
      expect(maxAbsDiff(cpu, gpu)).toBeLessThan(1e-4);
    });
  }
  it('a GAT training step: same gradients', async () => {
    const step = (x: Tensor, g: Graph) => {
      const conv = new GATConv(5, 3, { heads: 2, generator: new Generator(1) });
      const opt = new optim.SGD(conv.parameters(), { lr: 0.1 });
      const loss = conv.forward(x, g).square().mean();
      loss.backward();
      opt.step();
      return conv.lin.weight;
    };
    expect(maxAbsDiff(await on('cpu', step), await on('webgpu', step))).toBeLessThan(1e-4);
  });
  it('TopKPooling.forwardAsync (scores read with await)', async () => {
    const pool = async (backend: string) => {
      const previous = getBackend();
      await setBackend(backend);
      try {
        const x = randn([7, 5], { generator: new Generator(3) });
        const g = new Graph({ edgeIndex: edges, numNodes: 7 });
        const batch = tensor([0, 0, 0, 1, 1, 1, 1], [7], 'int32');
        const r = await new TopKPooling(5, 0.5, { generator: new Generator(2) }).forwardAsync(x, g, batch);
        return { x: Float32Array.from(await r.x.data()), perm: r.perm, edges: r.graph.numEdges };
      } finally {
        await setBackend(previous);
      }
    };
    const cpu = await pool('cpu');
    const gpu = await pool('webgpu');
    expect(Array.from(gpu.perm)).toEqual(Array.from(cpu.perm));
    expect(gpu.edges).toBe(cpu.edges);
    expect(maxAbsDiff(cpu.x, gpu.x)).toBeLessThan(1e-5);
  });
  it('max pooling without a host index names what is missing', async () => {
    await setBackend('webgpu');
    try {
      const x = randn([4, 2]);
      expect(() => globalMaxPool(x, tensor([0, 0, 1, 1], [4], 'int32'), 2)).toThrow(
        /argument 'opts.hostIndex' expected a host copy/,
      );
    } finally {
      await setBackend('cpu');
    }
  });
});
