/** Graph utilities against networkx (fixtures/make_utils.py) and PyG's definitions. */
import { noGrad, randn, tensor } from '@erlangen/core';
import { describe, expect, it } from 'vitest';
import {
  addRemainingSelfLoops,
  addSelfLoops,
  coalesce,
  degree,
  fromCsr,
  Graph,
  gcnNorm,
  kHopSubgraph,
  randomNodeSplit,
  removeSelfLoops,
  stratifiedKFold,
  subgraph,
  toCsr,
  toUndirected,
} from '../src/index.js';
import fx from './fixtures/utils.json' with { type: 'json' };

const g = new Graph({ edgeIndex: [fx.src, fx.dst], numNodes: fx.numNodes });
const pairs = (h: Graph) => Array.from(h.src, (s, e) => [s, h.dst[e]!]);

describe('utilities vs networkx', () => {
  it('in- and out-degree', () => {
    expect(Array.from(degree(g.targets, g.numNodes).dataSync())).toEqual(fx.inDegree);
    expect(Array.from(degree(g.sources, g.numNodes).dataSync())).toEqual(fx.outDegree);
  });

  it('k-hop subgraphs in both flows', () => {
    for (const c of fx.khop) {
      const r = kHopSubgraph(c.seed, c.k, g);
      expect(Array.from(r.subset)).toEqual(c.sourceToTarget);
      expect(r.graph.numEdges).toBe(c.numEdgesSourceToTarget);
      expect(r.subset[r.mapping[0]!]).toBe(c.seed);
      const t = kHopSubgraph([c.seed], c.k, g, { flow: 'target_to_source' });
      expect(Array.from(t.subset)).toEqual(c.targetToSource);
    }
  });

  it('induced subgraphs, relabelled in subset order and not', () => {
    for (const c of fx.subgraphs) {
      const plain = subgraph(g, c.subset, { relabelNodes: false }).graph;
      expect(pairs(plain).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!)).toEqual(c.edges);
      const { graph: relabelled, edgeMask } = subgraph(g, c.subset);
      expect(relabelled.numNodes).toBe(c.subset.length);
      expect(
        pairs(relabelled)
          .map(([a, b]) => [c.subset[a!], c.subset[b!]])
          .sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!),
      ).toEqual(c.edges);
      expect(edgeMask.reduce((s, v) => s + v, 0)).toBe(c.edges.length);
    }
  });

  it('toUndirected is symmetric, sorted and matches networkx', () => {
    const u = toUndirected(g);
    expect(Array.from(u.src)).toEqual(fx.undirected.src);
    expect(Array.from(u.dst)).toEqual(fx.undirected.dst);
    expect(u.isUndirected()).toBe(true);
  });

  it('CSR round trip and row contents equal the adjacency matrix', () => {
    const csr = toCsr(g, 'source');
    for (let r = 0; r < fx.numNodes; r++) {
      const cols = Array.from(csr.indices.subarray(csr.indptr[r]!, csr.indptr[r + 1]!)).sort((a, b) => a - b);
      const expected = fx.adjacency[r]!.flatMap((v, c) => (v ? [c] : []));
      expect(cols).toEqual(expected);
    }
    const back = fromCsr(csr);
    expect(pairs(new Graph({ edgeIndex: back, numNodes: fx.numNodes })).sort()).toEqual(pairs(g).sort());
    for (let p = 0; p < csr.edgeIds.length; p++) expect(g.dst[csr.edgeIds[p]!]).toBe(csr.indices[p]);
    const byTarget = toCsr(g, 'target');
    expect(Array.from(byTarget.indptr.subarray(1)).map((v, i) => v - byTarget.indptr[i]!)).toEqual(
      fx.inDegree,
    );
  });
});

describe('self-loops and normalisation (PyG semantics)', () => {
  const w = new Graph({
    edgeIndex: [
      [0, 1, 1, 2],
      [1, 0, 1, 2],
    ],
    numNodes: 3,
    edgeWeight: tensor([0.5, 2, 3, 4]),
  });

  it('addSelfLoops appends one loop per node with the fill value', () => {
    const h = addSelfLoops(w, { fillValue: 7 });
    expect(pairs(h)).toEqual([
      [0, 1],
      [1, 0],
      [1, 1],
      [2, 2],
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    expect(Array.from(h.edgeWeight!.dataSync())).toEqual([0.5, 2, 3, 4, 7, 7, 7]);
  });

  it('addRemainingSelfLoops keeps existing loop weights', () => {
    const h = addRemainingSelfLoops(w, { fillValue: 9 });
    expect(pairs(h)).toEqual([
      [0, 1],
      [1, 0],
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    expect(Array.from(h.edgeWeight!.dataSync())).toEqual([0.5, 2, 9, 3, 4]);
    expect(removeSelfLoops(h).numEdges).toBe(2);
  });

  it('gcnNorm on an unweighted path: d^−½ w d^−½ with loops', () => {
    const path = new Graph({
      edgeIndex: [
        [0, 1, 1, 2],
        [1, 0, 2, 1],
      ],
      numNodes: 3,
    });
    const h = gcnNorm(path);
    // Degrees with loops: 2, 3, 2.
    const expected = [
      1 / Math.sqrt(6),
      1 / Math.sqrt(6),
      1 / Math.sqrt(6),
      1 / Math.sqrt(6),
      1 / 2,
      1 / 3,
      1 / 2,
    ];
    const got = h.edgeWeight!.dataSync();
    for (const [i, v] of expected.entries()) expect(got[i]).toBeCloseTo(v, 6);
  });

  it('coalesce merges duplicates with the reduction', () => {
    const d = new Graph({
      edgeIndex: [
        [1, 0, 1, 0],
        [2, 1, 2, 1],
      ],
      numNodes: 3,
      edgeWeight: tensor([1, 2, 3, 5]),
    });
    const s = coalesce(d);
    expect(pairs(s)).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(Array.from(s.edgeWeight!.dataSync())).toEqual([7, 4]);
    expect(Array.from(coalesce(d, 'max').edgeWeight!.dataSync())).toEqual([5, 3]);
  });

  it('gradients flow through gcnNorm into edge weights', () => {
    const ew = tensor([1, 2, 3, 4]).requireGrad();
    const h = gcnNorm(
      new Graph({
        edgeIndex: [
          [0, 1, 1, 2],
          [1, 0, 2, 1],
        ],
        numNodes: 3,
        edgeWeight: ew,
      }),
    );
    h.edgeWeight!.sum().backward();
    expect(ew.grad!.shape).toEqual([4]);
    expect(Array.from(ew.grad!.dataSync()).every(Number.isFinite)).toBe(true);
    noGrad(() => expect(randn([1]).shape).toEqual([1]));
  });
});

describe('splits', () => {
  const labels = Array.from({ length: 300 }, (_, i) => i % 3);
  it('randomNodeSplit: per-class training nodes, disjoint, seeded', () => {
    const s = randomNodeSplit(labels, { numTrainPerClass: 10, numVal: 50, numTest: 100, seed: 4 });
    expect(s.train.length).toBe(30);
    for (let c = 0; c < 3; c++) expect(Array.from(s.train).filter((i) => labels[i] === c).length).toBe(10);
    const all = new Set([...s.train, ...s.val, ...s.test]);
    expect(all.size).toBe(180);
    expect(randomNodeSplit(labels, { numTrainPerClass: 10, numVal: 50, numTest: 100, seed: 4 })).toEqual(s);
  });
  it('stratifiedKFold: folds partition the items with class balance', () => {
    const folds = stratifiedKFold(labels, 10, { seed: 1 });
    const seen = new Int32Array(300);
    for (const f of folds) {
      expect(f.test.length).toBe(30);
      for (let c = 0; c < 3; c++) expect(Array.from(f.test).filter((i) => labels[i] === c).length).toBe(10);
      for (const i of f.test) seen[i]!++;
      expect(f.train.length + f.test.length).toBe(300);
    }
    expect(seen.every((v) => v === 1)).toBe(true);
  });
});
