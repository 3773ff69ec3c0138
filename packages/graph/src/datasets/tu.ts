/** MUTAG (TUDataset): 188 molecules, atoms as nodes (7 types), bonds as edges (4 types), mutagenic or not. */
import { oneHot, tensor } from '@erlangen/core';
import { Graph } from '../data/graph.js';
import { loadPack } from './pack.js';

export interface GraphClassificationDataset {
  name: string;
  /** One Graph per molecule: x one-hot atom type [n, 7], edgeAttr one-hot bond type [e, 4], y int32 [1]. */
  graphs: Graph[];
  /** Host copy of the graph labels (1 = mutagenic, 0 = not; PyG's mapping of the TU labels 1 / −1). */
  labels: Int32Array;
  numNodeFeatures: number;
  numEdgeFeatures: number;
  numClasses: number;
  source: Record<string, unknown>;
}

export function loadMutag(): GraphClassificationDataset {
  const pack = loadPack('loadMutag', 'mutag');
  const a = pack.arrays;
  const ptr = a.ptr!.data as Int32Array;
  const edges = a.edge_index!.data as Int32Array;
  const e = a.edge_index!.shape[1]!;
  const nodeLabels = a.node_labels!.data as Int32Array;
  const edgeLabels = a.edge_labels!.data as Int32Array;
  const labels = a.graph_labels!.data as Int32Array;
  const numGraphs = ptr.length - 1;
  // Edges are grouped by graph (every edge joins two nodes of one graph; graphs are contiguous).
  const byGraph: number[][] = Array.from({ length: numGraphs }, () => []);
  let g = 0;
  for (let k = 0; k < e; k++) {
    const s = edges[k]!;
    while (s >= ptr[g + 1]!) g++;
    while (s < ptr[g]!) g--;
    byGraph[g]!.push(k);
  }
  const graphs = byGraph.map((edgeIds, gi) => {
    const off = ptr[gi]!;
    const n = ptr[gi + 1]! - off;
    const src = Int32Array.from(edgeIds, (k) => edges[k]! - off);
    const dst = Int32Array.from(edgeIds, (k) => edges[e + k]! - off);
    return new Graph({
      edgeIndex: { src, dst },
      numNodes: n,
      x: oneHot(tensor(nodeLabels.slice(off, off + n), [n], 'int32'), 7),
      edgeAttr: oneHot(
        tensor(
          Int32Array.from(edgeIds, (k) => edgeLabels[k]!),
          [edgeIds.length],
          'int32',
        ),
        4,
      ),
      y: tensor([labels[gi]!], [1], 'int32'),
    });
  });
  return {
    name: 'MUTAG',
    graphs,
    labels,
    numNodeFeatures: 7,
    numEdgeFeatures: 4,
    numClasses: 2,
    source: pack.source,
  };
}
