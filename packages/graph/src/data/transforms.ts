/**
 * Structural utilities after torch_geometric.utils: self-loops, coalescing, to-undirected, degree
 * and the symmetric GCN normalisation. Structure is rebuilt on the host (integer bookkeeping once
 * per graph); edge weights stay tensors so gradients flow through the normalisation, as in PyG.
 */
import { concat as cat, full, indexAdd, type Tensor, tensor } from '@erlangen/core';
import { argError, fmtShape } from '../errors.js';
import { scatter } from '../ops/scatter.js';
import { selectEdges } from './edge-index.js';
import type { Graph } from './graph.js';

/** Appends a self-loop (i, i) for every node (PyG `add_self_loops`); new edge weights/attrs are `fillValue`. */
export function addSelfLoops(graph: Graph, opts: { fillValue?: number } = {}): Graph {
  const n = graph.numNodes;
  const e = graph.numEdges;
  const src = new Int32Array(e + n);
  const dst = new Int32Array(e + n);
  src.set(graph.src);
  dst.set(graph.dst);
  for (let i = 0; i < n; i++) src[e + i] = dst[e + i] = i;
  const fill = opts.fillValue ?? 1;
  const extend = (t: Tensor | undefined) =>
    t ? cat([t, full([n, ...t.shape.slice(1)], fill)], 0) : undefined;
  return graph.with({
    edgeIndex: { src, dst },
    edgeWeight: extend(graph.edgeWeight),
    edgeAttr: extend(graph.edgeAttr),
  });
}

/**
 * PyG `add_remaining_self_loops`: drops nothing but the existing self-loops from the edge list,
 * then appends one loop per node in node order; a node that had a loop keeps its (last) weight,
 * the others get `fillValue`. Shapes: edgeWeight [E] → [E − loops + N].
 */
export function addRemainingSelfLoops(graph: Graph, opts: { fillValue?: number } = {}): Graph {
  const n = graph.numNodes;
  const keep: number[] = [];
  const loopEdge = new Int32Array(n).fill(-1);
  for (let e = 0; e < graph.numEdges; e++) {
    if (graph.src[e] === graph.dst[e]) loopEdge[graph.src[e]!] = e;
    else keep.push(e);
  }
  const positions = Int32Array.from(keep);
  const src = new Int32Array(keep.length + n);
  const dst = new Int32Array(keep.length + n);
  for (let k = 0; k < keep.length; k++) {
    src[k] = graph.src[keep[k]!]!;
    dst[k] = graph.dst[keep[k]!]!;
  }
  for (let i = 0; i < n; i++) src[keep.length + i] = dst[keep.length + i] = i;
  const fill = opts.fillValue ?? 1;
  const extend = (t: Tensor | undefined) => {
    if (!t) return undefined;
    let loops = full([n, ...t.shape.slice(1)], fill);
    const had = [...loopEdge].map((e, i) => [i, e] as const).filter(([, e]) => e >= 0);
    if (had.length) {
      // Existing loop values replace the fill at their nodes: loops·(1 − m) + scatter(values).
      const nodes = tensor(Int32Array.from(had.map(([i]) => i)), [had.length], 'int32');
      const values = selectEdges(t, Int32Array.from(had.map(([, e]) => e)))!;
      const mask = indexAdd(full([had.length, ...t.shape.slice(1)], 1), 0, nodes, n);
      loops = loops.mul(mask.neg().add(1)).add(indexAdd(values, 0, nodes, n));
    }
    return cat([selectEdges(t, positions)!, loops], 0);
  };
  return graph.with({
    edgeIndex: { src, dst },
    edgeWeight: extend(graph.edgeWeight),
    edgeAttr: extend(graph.edgeAttr),
  });
}

/** Drops every edge (i, i). */
export function removeSelfLoops(graph: Graph): Graph {
  const keep: number[] = [];
  for (let e = 0; e < graph.numEdges; e++) if (graph.src[e] !== graph.dst[e]) keep.push(e);
  return filterEdges(graph, Int32Array.from(keep));
}

/** The graph restricted to the edges at `positions` (in that order). */
export function filterEdges(graph: Graph, positions: Int32Array): Graph {
  const src = new Int32Array(positions.length);
  const dst = new Int32Array(positions.length);
  for (let k = 0; k < positions.length; k++) {
    src[k] = graph.src[positions[k]!]!;
    dst[k] = graph.dst[positions[k]!]!;
  }
  return graph.with({
    edgeIndex: { src, dst },
    edgeWeight: selectEdges(graph.edgeWeight, positions),
    edgeAttr: selectEdges(graph.edgeAttr, positions),
  });
}

/**
 * Number of occurrences of each node id in `index` (PyG `degree(index, num_nodes)`), float32 [N].
 * Pass `graph.targets` for in-degree and `graph.sources` for out-degree; weights sum instead.
 */
export function degree(index: Tensor, numNodes: number, weight?: Tensor): Tensor {
  if (index.dtype !== 'int32' || index.ndim !== 1)
    argError('degree', 'index', 'an int32 tensor of shape [E]', `${index.dtype} ${fmtShape(index.shape)}`);
  const w = weight ?? full([index.shape[0]!], 1);
  if (w.ndim !== 1 || w.shape[0] !== index.shape[0])
    argError('degree', 'weight', `shape [${index.shape[0]}]`, fmtShape(w.shape));
  if (index.shape[0] === 0) return full([numNodes], 0);
  return indexAdd(w, 0, index, numNodes);
}

export type CoalesceReduce = 'sum' | 'mean' | 'max' | 'min';

/**
 * Sorts edges by (source, target) and merges duplicates (PyG `coalesce`); their weights/attributes
 * combine with `reduce` (default 'sum').
 */
export function coalesce(graph: Graph, reduce: CoalesceReduce = 'sum'): Graph {
  const n = graph.numNodes;
  const e = graph.numEdges;
  const order = Array.from({ length: e }, (_, k) => k);
  const key = (k: number) => graph.src[k]! * n + graph.dst[k]!;
  order.sort((a, b) => key(a) - key(b) || a - b);
  const groupOf = new Int32Array(e);
  const firsts: number[] = [];
  let last = -1;
  for (const k of order) {
    if (key(k) !== last) {
      firsts.push(k);
      last = key(k);
    }
    groupOf[k] = firsts.length - 1;
  }
  const positions = Int32Array.from(firsts);
  const src = new Int32Array(firsts.length);
  const dst = new Int32Array(firsts.length);
  firsts.forEach((k, g) => {
    src[g] = graph.src[k]!;
    dst[g] = graph.dst[k]!;
  });
  const groups = tensor(groupOf, [e], 'int32');
  const merge = (t: Tensor | undefined) => {
    if (!t) return undefined;
    if (firsts.length === e) return selectEdges(t, positions);
    return scatterReduce(t, groups, firsts.length, reduce);
  };
  return graph.with({
    edgeIndex: { src, dst },
    edgeWeight: merge(graph.edgeWeight),
    edgeAttr: merge(graph.edgeAttr),
  });
}

function scatterReduce(t: Tensor, index: Tensor, size: number, reduce: CoalesceReduce): Tensor {
  return scatter(t, index, size, reduce);
}

/**
 * Adds the reverse of every edge and coalesces (PyG `to_undirected`): the result is symmetric,
 * sorted by (source, target), and duplicate edges merge their weights/attributes with `reduce`.
 */
export function toUndirected(graph: Graph, opts: { reduce?: CoalesceReduce } = {}): Graph {
  const e = graph.numEdges;
  const src = new Int32Array(2 * e);
  const dst = new Int32Array(2 * e);
  src.set(graph.src);
  src.set(graph.dst, e);
  dst.set(graph.dst);
  dst.set(graph.src, e);
  const twice = (t: Tensor | undefined) => (t ? cat([t, t], 0) : undefined);
  const both = graph.with({
    edgeIndex: { src, dst },
    edgeWeight: twice(graph.edgeWeight),
    edgeAttr: twice(graph.edgeAttr),
  });
  return coalesce(both, opts.reduce ?? 'sum');
}

export interface GcnNormOptions {
  /** Self-loop weight 2 instead of 1 (PyG `improved`, Â = A + 2I). */
  improved?: boolean;
  /** Add remaining self-loops first (default true). */
  addSelfLoops?: boolean;
}

/**
 * PyG's `gcn_norm`: with self-loops added as `add_remaining_self_loops` (weight 1, or 2 when
 * improved), deg = Σ of weights over incoming edges (by target), and each edge (j → i) weighted
 * deg(j)^−½ · w · deg(i)^−½ (0 where a degree is 0). Returns the graph with the new structure and
 * `edgeWeight` [E'] set to those coefficients.
 */
export function gcnNorm(graph: Graph, opts: GcnNormOptions = {}): Graph {
  const fill = opts.improved ? 2 : 1;
  const base = graph.edgeWeight ? graph : graph.with({ edgeWeight: full([graph.numEdges], 1) });
  const g = (opts.addSelfLoops ?? true) ? addRemainingSelfLoops(base, { fillValue: fill }) : base;
  const w = g.edgeWeight!;
  const deg = degree(g.targets, g.numNodes, w);
  // deg^−½ with 0 for isolated nodes (PyG masks the inf of 0^−½).
  const positive = deg.gt(0);
  const invSqrt = deg.maximum(1e-30).rsqrt().mul(positive.float());
  const norm = invSqrt.indexSelect(0, g.sources).mul(w).mul(invSqrt.indexSelect(0, g.targets));
  return g.with({ edgeWeight: norm });
}
