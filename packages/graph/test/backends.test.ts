/**
 * The layers on core's opt-in `wasm` backend agree with `cpu`: gathers and scatter-adds run as the
 * wasm backend's kernels, and this package's max/min kernels through core's CPU fallback.
 */
import {
  Generator,
  getBackend,
  randn,
  registerWasmBackend,
  setBackend,
  type Tensor,
  tensor,
} from '@erlangen/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATConv, GCNConv, Graph, SAGEConv, scatterMax, segmentSoftmax } from '../src/index.js';
import { maxAbsDiff } from './helpers.js';

const edges: [number[], number[]] = [
  [0, 1, 2, 3, 4, 5, 6, 1, 3, 0, 6, 2],
  [1, 2, 3, 4, 5, 6, 0, 0, 1, 5, 3, 6],
];

/** Runs `fn` on a backend with freshly created inputs and returns its output's values. */
async function on(backend: string, fn: (x: Tensor, g: Graph) => Tensor): Promise<Float32Array> {
  const previous = getBackend();
  await setBackend(backend);
  try {
    const x = randn([7, 5], { generator: new Generator(3) });
    const g = new Graph({ edgeIndex: edges, numNodes: 7 });
    return Float32Array.from(await fn(x, g).data());
  } finally {
    await setBackend(previous);
  }
}

describe('wasm backend parity with cpu', () => {
  beforeAll(() => registerWasmBackend());
  afterAll(async () => setBackend('cpu'));
  const cases: [string, (x: Tensor, g: Graph) => Tensor][] = [
    ['GCNConv', (x, g) => new GCNConv(5, 4, { generator: new Generator(1) }).forward(x, g)],
    [
      'SAGEConv max',
      (x, g) => new SAGEConv(5, 4, { aggr: 'max', generator: new Generator(1) }).forward(x, g),
    ],
    [
      'GATConv (segment softmax)',
      (x, g) => new GATConv(5, 3, { heads: 2, generator: new Generator(1) }).forward(x, g),
    ],
    ['scatterMax', (x, g) => scatterMax(x.indexSelect(0, g.sources), g.targets, 7)],
    ['segmentSoftmax', (x, g) => segmentSoftmax(x.indexSelect(0, g.sources), g.targets, 7)],
  ];
  for (const [name, fn] of cases) {
    it(name, async () => {
      const cpu = await on('cpu', fn);
      const wasm = await on('wasm', fn);
      expect(maxAbsDiff(cpu, wasm)).toBeLessThan(1e-5);
      expect(tensor([1]).size).toBe(1);
    });
  }
});
