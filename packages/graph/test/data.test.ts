/** Graph, Batch, graphology conversion, bundled data sets and generators; bad-input errors. */
import { eye, noGrad, ones, randn, tensor } from '@erlangen/core';
import GraphologyGraph from 'graphology';
import { describe, expect, it } from 'vitest';
import {
  Batch,
  clique,
  erdosRenyi,
  fromGraphology,
  Graph,
  karateClub,
  loadCiteSeer,
  loadCora,
  loadMutag,
  loadPubMed,
  ring,
  stochasticBlockModel,
  toGraphology,
} from '../src/index.js';

describe('Graph validation', () => {
  it('rejects bad input with the argument named', () => {
    expect(
      () =>
        new Graph({
          edgeIndex: [
            [0, 5],
            [1, 0],
          ],
          numNodes: 3,
        }),
    ).toThrow(
      /Graph: argument 'edgeIndex' expected node ids in \[0, 2\] \(numNodes = 3\) but received 5 at \[0, 1\]/,
    );
    expect(() => new Graph({ edgeIndex: tensor([0, 1, 1, 0], [2, 2]) })).toThrow(
      /argument 'edgeIndex' expected an int32 tensor of shape \[2, E\] but received dtype float32/,
    );
    expect(() => new Graph({ edgeIndex: tensor([0, 1, 1], [3, 1], 'int32') })).toThrow(
      /argument 'edgeIndex' expected shape \[2, E\] but received \[3, 1\]/,
    );
    expect(
      () =>
        new Graph({
          edgeIndex: [
            [0, 1],
            [1, 0],
          ],
          numNodes: 3,
          x: randn([4, 2]),
        }),
    ).toThrow(
      /argument 'x' expected 3 rows \(numNodes = 3\) but received shape \[4, 2\] \(features\/nodes mismatch\)/,
    );
    expect(() => new Graph({ edgeIndex: [[], []] })).toThrow(
      /argument 'numNodes' expected at least one node but received 0 nodes \(an empty graph\)/,
    );
    expect(() => new Graph({ edgeIndex: [[0], [1]], edgeWeight: randn([2]) })).toThrow(
      /argument 'edgeWeight' expected shape \[1\]/,
    );
    expect(
      () =>
        new Graph({
          edgeIndex: [
            [0, -1],
            [1, 0],
          ],
        }),
    ).toThrow(/received -1 at \[0, 1\]/);
    expect(() => new Graph({ edgeIndex: [[0, 1], [1]] })).toThrow(/sources and targets of equal length/);
  });
  it('infers numNodes, keeps isolated nodes given by x', () => {
    expect(
      new Graph({
        edgeIndex: [
          [0, 3],
          [3, 0],
        ],
      }).numNodes,
    ).toBe(4);
    const g = new Graph({ edgeIndex: [[0], [1]], x: ones([5, 2]) });
    expect(g.numNodes).toBe(5);
    expect(g.toString()).toBe('Graph(numNodes=5, numEdges=1, x=[5, 2])');
  });
});

describe('Batch', () => {
  const a = new Graph({
    edgeIndex: [
      [0, 1],
      [1, 2],
    ],
    x: randn([3, 2]),
    y: tensor([1], [1], 'int32'),
  });
  const b = new Graph({
    edgeIndex: [
      [1, 0, 1],
      [0, 1, 1],
    ],
    x: randn([2, 2]),
    y: tensor([0], [1], 'int32'),
  });
  it('block-diagonal edges, batch vector, ptr and round trip', () => {
    const batch = Batch.fromGraphs([a, b]);
    expect(batch.numGraphs).toBe(2);
    expect(Array.from(batch.ptr)).toEqual([0, 3, 5]);
    expect(Array.from(batch.batchIds)).toEqual([0, 0, 0, 1, 1]);
    expect(Array.from(batch.src)).toEqual([0, 1, 4, 3, 4]);
    expect(Array.from(batch.dst)).toEqual([1, 2, 3, 4, 4]);
    expect(batch.x!.shape).toEqual([5, 2]);
    expect(Array.from(batch.y!.dataSync())).toEqual([1, 0]);
    const back = batch.getGraph(1);
    expect(Array.from(back.src)).toEqual([1, 0, 1]);
    expect(Array.from(back.x!.dataSync())).toEqual(Array.from(b.x!.dataSync()));
    expect(Array.from(back.y!.dataSync())).toEqual([0]);
  });
  it('errors', () => {
    expect(() => Batch.fromGraphs([])).toThrow(
      /Batch.fromGraphs: argument 'graphs' expected a non-empty array/,
    );
    expect(() => Batch.fromGraphs([a, new Graph({ edgeIndex: [[0], [1]] })])).toThrow(
      /'x' on every graph or on none/,
    );
  });
});

describe('graphology', () => {
  it('round trip of an undirected weighted graph with features and labels', () => {
    const g = new GraphologyGraph({ type: 'undirected' });
    g.addNode('a', { f: [1, 2], label: 0 });
    g.addNode('b', { f: [3, 4], label: 1 });
    g.addNode('c', { f: [5, 6], label: 1 });
    g.addEdge('a', 'b', { weight: 0.5 });
    g.addEdge('b', 'c', { weight: 2 });
    const { graph, keys } = fromGraphology(g, {
      nodeAttributes: ['f'],
      edgeWeightAttribute: 'weight',
      labelAttribute: 'label',
    });
    expect(keys).toEqual(['a', 'b', 'c']);
    expect(graph.numEdges).toBe(4);
    expect(graph.isUndirected()).toBe(true);
    expect(Array.from(graph.x!.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(graph.edgeWeight!.dataSync())).toEqual([0.5, 0.5, 2, 2]);
    const back = toGraphology(graph, { type: 'undirected', keys });
    expect(back.order).toBe(3);
    expect(back.size).toBe(2);
    expect(back.getEdgeAttribute(back.edge('b', 'c')!, 'weight')).toBe(2);
  });
  it('directed graphs keep direction; bad attributes are named', () => {
    const d = new GraphologyGraph({ type: 'directed' });
    d.addNode('x', { f: 1 });
    d.addNode('y', { f: 'no' });
    d.addEdge('x', 'y');
    const { graph } = fromGraphology(d);
    expect([graph.src[0], graph.dst[0], graph.numEdges]).toEqual([0, 1, 1]);
    expect(toGraphology(graph).size).toBe(1);
    expect(() => fromGraphology(d, { nodeAttributes: ['f'] })).toThrow(
      /fromGraphology: argument 'nodeAttributes' expected numeric values but received "no" for node y/,
    );
    expect(() => fromGraphology(new GraphologyGraph())).toThrow(
      /expected at least one node but received an empty graph/,
    );
  });
});

describe('bundled data sets (checksummed, parsed)', () => {
  it('Cora: 2708 nodes, 10556 edges, 1433 features, 7 classes, split 140/500/1000', () => {
    const cora = loadCora({ dense: false });
    expect([cora.graph.numNodes, cora.graph.numEdges, cora.numFeatures, cora.numClasses]).toEqual([
      2708, 10556, 1433, 7,
    ]);
    expect([cora.split.train.length, cora.split.val.length, cora.split.test.length]).toEqual([
      140, 500, 1000,
    ]);
    expect(cora.features!.nnz).toBe(49216);
    expect(cora.graph.isUndirected()).toBe(true);
    expect(cora.graph.hasSelfLoops()).toBe(false);
    const counts = new Array(7).fill(0);
    for (const l of cora.labels) counts[l]++;
    expect(counts).toEqual([351, 217, 418, 818, 426, 298, 180]);
    const normalized = loadCora({ normalizeFeatures: true, dense: false }).features!;
    const rowSum = normalized.toDense().sum(1).dataSync();
    expect(rowSum[0]).toBeCloseTo(1, 5);
  });
  it('CiteSeer and PubMed (PubMed without features)', () => {
    const c = loadCiteSeer({ dense: false });
    expect([c.graph.numNodes, c.graph.numEdges, c.numFeatures, c.numClasses, c.features!.nnz]).toEqual([
      3327, 9104, 3703, 6, 105165,
    ]);
    expect(c.labels.filter((l) => l < 0).length).toBe(15);
    const p = loadPubMed();
    expect([p.graph.numNodes, p.graph.numEdges, p.numClasses, p.features, p.graph.x]).toEqual([
      19717,
      88648,
      3,
      null,
      undefined,
    ]);
    expect([p.split.train.length, p.split.val.length, p.split.test.length]).toEqual([60, 500, 1000]);
  });
  it('MUTAG: 188 graphs, 3371 nodes, 7442 edges, 125 mutagenic', () => {
    const m = loadMutag();
    expect(m.graphs.length).toBe(188);
    expect(m.graphs.reduce((s, g) => s + g.numNodes, 0)).toBe(3371);
    expect(m.graphs.reduce((s, g) => s + g.numEdges, 0)).toBe(7442);
    expect(m.labels.reduce((s, v) => s + v, 0)).toBe(125);
    expect(m.graphs.every((g) => g.isUndirected())).toBe(true);
    expect(m.graphs[0]!.x!.shape).toEqual([17, 7]);
    expect(m.graphs[0]!.edgeAttr!.shape[1]).toBe(4);
  });
  it('karate club and generators', () => {
    const k = karateClub();
    expect([k.numNodes, k.numEdges]).toEqual([34, 156]);
    expect(k.y!.sum().item()).toBe(17);
    expect(ring(6).numEdges).toBe(12);
    expect(clique(5).numEdges).toBe(20);
    const er = erdosRenyi(40, 0.2, { seed: 3 });
    expect(er.isUndirected() && !er.hasSelfLoops()).toBe(true);
    expect(erdosRenyi(40, 0.2, { seed: 3 }).numEdges).toBe(er.numEdges);
    const sbm = stochasticBlockModel(
      [20, 20],
      [
        [0.5, 0.02],
        [0.02, 0.5],
      ],
      { seed: 1 },
    );
    let inside = 0;
    const y = sbm.y!.dataSync();
    for (let e = 0; e < sbm.numEdges; e++) inside += y[sbm.src[e]!] === y[sbm.dst[e]!] ? 1 : 0;
    expect(inside / sbm.numEdges).toBeGreaterThan(0.8);
    expect(() =>
      stochasticBlockModel(
        [3, 3],
        [
          [0.5, 0.1],
          [0.2, 0.5],
        ],
      ),
    ).toThrow(/expected a symmetric matrix/);
    noGrad(() => expect(eye(2).shape).toEqual([2, 2]));
  });
});
