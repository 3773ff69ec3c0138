import { eye, manualSeed, nn, noGrad, ones, randn, tensor } from '@erlangen/core';
import { describe, expect, it } from 'vitest';
import { GATConv, GCNConv, GINConv, Graph, globalAddPool } from '../src/index.js';

describe('exact small cases of the issue', () => {
  it('GCN on the 4-node star with X = I, W = I: Â₀₀ = 1/4, Â₀ⱼ = 1/√8, Âⱼⱼ = 1/2', () => {
    // Undirected star: centre 0, leaves 1..3 (both directions).
    const star = new Graph({
      edgeIndex: [
        [0, 0, 0, 1, 2, 3],
        [1, 2, 3, 0, 0, 0],
      ],
      x: eye(4),
    });
    const conv = new GCNConv(4, 4, { bias: false });
    noGrad(() => conv.lin.weight.assign(eye(4)));
    const a = conv.forward(star.x!, star).dataSync();
    const at = (i: number, j: number) => a[i * 4 + j]!;
    expect(at(0, 0)).toBeCloseTo(0.25, 6);
    for (const j of [1, 2, 3]) {
      expect(at(0, j)).toBeCloseTo(1 / Math.sqrt(8), 6);
      expect(at(j, 0)).toBeCloseTo(1 / Math.sqrt(8), 6);
      expect(at(j, j)).toBeCloseTo(0.5, 6);
      for (const k of [1, 2, 3]) if (k !== j) expect(at(j, k)).toBe(0);
    }
  });

  it('GAT: one coefficient per edge plus a self-loop per node, summing to 1 per target', () => {
    manualSeed(1);
    const g = new Graph({
      edgeIndex: [
        [0, 1, 1, 2, 3, 3, 4],
        [1, 0, 2, 1, 0, 4, 4],
      ],
      x: randn([5, 3]),
    });
    const conv = new GATConv(3, 4, { heads: 3 });
    const { attention, edges } = conv.forwardWithAttention(g.x!, g);
    // 7 edges, one of them the loop (4, 4): 6 non-loop edges + 5 self-loops.
    expect(attention.shape).toEqual([11, 3]);
    const targets = (edges as Graph).dst;
    const a = attention.dataSync();
    const sums = new Float64Array(5 * 3);
    targets.forEach((t, e) => {
      for (let h = 0; h < 3; h++) sums[t * 3 + h]! += a[e * 3 + h]!;
    });
    for (const s of sums) expect(s).toBeCloseTo(1, 6);
    for (const v of a) expect(v).toBeGreaterThan(0);
  });

  it('GIN cannot tell a 6-cycle from two triangles (the 1-WL limit)', () => {
    manualSeed(2);
    const cycle = new Graph({
      edgeIndex: [
        [0, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 0],
        [1, 2, 3, 4, 5, 0, 0, 1, 2, 3, 4, 5],
      ],
      x: ones([6, 1]),
    });
    const triangles = new Graph({
      edgeIndex: [
        [0, 1, 2, 3, 4, 5, 1, 2, 0, 4, 5, 3],
        [1, 2, 0, 4, 5, 3, 0, 1, 2, 3, 4, 5],
      ],
      x: ones([6, 1]),
    });
    const mlp = () => new nn.Sequential(new nn.Linear(1, 8), new nn.ReLU(), new nn.Linear(8, 8));
    const c1 = new GINConv(mlp(), { trainEps: true, eps: 0.3 });
    const c2 = new GINConv(new nn.Sequential(new nn.Linear(8, 8), new nn.ReLU(), new nn.Linear(8, 8)), {
      trainEps: true,
    });
    const embed = (g: Graph) => globalAddPool(c2.forward(c1.forward(g.x!, g).relu(), g), undefined);
    const a = embed(cycle).dataSync();
    const b = embed(triangles).dataSync();
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 5);
    // Node embeddings are identical too: every node of both graphs has the same WL colour.
    const na = c1.forward(cycle.x!, cycle).dataSync();
    const nb = c1.forward(triangles.x!, triangles).dataSync();
    expect(Array.from(na)).toEqual(Array.from(nb));
    expect(tensor([1]).dtype).toBe('float32');
  });
});
