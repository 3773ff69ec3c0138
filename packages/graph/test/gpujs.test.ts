/**
 * The layers on core's `gpujs` backend (gpu.js kernels; here its 'cpu' mode, the one every Node
 * has — the WebGL modes run the same kernels in a browser, tested in core) agree with `cpu`.
 * gpujs reads only asynchronously, so max/min aggregation and the segment softmax take the same
 * padded core-kernel path as on webgpu.
 */
import {
  createGpuJsBackend,
  Generator,
  getBackend,
  nn,
  randn,
  registerBackend,
  setBackend,
  type Tensor,
} from '@erlangen/core';
import { afterAll, describe, expect, it } from 'vitest';
import { GATConv, GCNConv, GINConv, Graph, SAGEConv, TopKPooling } from '../src/index.js';
import { maxAbsDiff } from './helpers.js';

const backend = await createGpuJsBackend({ mode: 'cpu', name: 'gpujs-graph', quiet: true });
registerBackend('gpujs-graph', () => backend);

const edges: [number[], number[]] = [
  [0, 1, 2, 3, 4, 5, 6, 1, 3, 0, 6, 2, 4, 4],
  [1, 2, 3, 4, 5, 6, 0, 0, 1, 5, 3, 6, 4, 2],
];

async function on(
  name: string,
  fn: (x: Tensor, g: Graph) => Tensor | Promise<Tensor>,
): Promise<Float32Array> {
  const previous = getBackend();
  await setBackend(name);
  try {
    const x = randn([7, 5], { generator: new Generator(3) });
    const g = new Graph({ edgeIndex: edges, numNodes: 7 });
    const out = await fn(x, g);
    expect(out.backend.name).toBe(name);
    return Float32Array.from(await out.data());
  } finally {
    await setBackend(previous);
  }
}

describe('gpujs backend parity with cpu', () => {
  afterAll(async () => {
    await setBackend('cpu');
    backend.destroy();
  });
  const cases: [string, (x: Tensor, g: Graph) => Tensor | Promise<Tensor>][] = [
    ['GCNConv', (x, g) => new GCNConv(5, 4, { generator: new Generator(1) }).forward(x, g)],
    [
      'GINConv',
      (x, g) => new GINConv(new nn.Linear(5, 4, { generator: new Generator(1) }), { eps: 0.2 }).forward(x, g),
    ],
    ['SAGEConv mean', (x, g) => new SAGEConv(5, 4, { generator: new Generator(1) }).forward(x, g)],
    [
      'SAGEConv max (padded path)',
      (x, g) => new SAGEConv(5, 4, { aggr: 'max', generator: new Generator(1) }).forward(x, g),
    ],
    [
      'GATConv (segment softmax)',
      (x, g) => new GATConv(5, 3, { heads: 2, generator: new Generator(1) }).forward(x, g),
    ],
    [
      'TopKPooling.forwardAsync',
      async (x, g) => (await new TopKPooling(5, 0.5, { generator: new Generator(2) }).forwardAsync(x, g)).x,
    ],
  ];
  for (const [name, fn] of cases) {
    it(name, async () => {
      expect(maxAbsDiff(await on('cpu', fn), await on('gpujs-graph', fn))).toBeLessThan(1e-4);
    });
  }
});
