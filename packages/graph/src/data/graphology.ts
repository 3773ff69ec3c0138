/**
 * Conversion to and from graphology, the graph library JavaScript users already have. Node keys
 * map to ids 0..N−1 in graphology's iteration order; an undirected graphology edge becomes two
 * directed edges (both directions), as PyG's `from_networkx` does.
 */
import { type Tensor, tensor } from '@erlangen/core';
import GraphologyGraph from 'graphology';
import type { AbstractGraph, Attributes } from 'graphology-types';
import { argError } from '../errors.js';
import { Graph } from './graph.js';

export interface FromGraphologyOptions {
  /** Node attributes to stack into x [N, F] (each a number or number[]); omit for no features. */
  nodeAttributes?: readonly string[];
  /** Edge attribute holding a numeric weight → edgeWeight [E]. */
  edgeWeightAttribute?: string;
  /** Node attribute holding an integer label → y [N] (int32). */
  labelAttribute?: string;
}

export interface FromGraphologyResult {
  graph: Graph;
  /** keys[i] is the graphology key of node i. */
  keys: string[];
}

function numbersOf(value: unknown, what: string): number[] {
  const arr = Array.isArray(value) ? value : [value];
  for (const v of arr) {
    if (typeof v !== 'number' || Number.isNaN(v))
      argError('fromGraphology', 'nodeAttributes', `numeric values`, `${JSON.stringify(v)} for ${what}`);
  }
  return arr as number[];
}

export function fromGraphology(g: AbstractGraph, opts: FromGraphologyOptions = {}): FromGraphologyResult {
  if (!g || typeof (g as AbstractGraph).forEachEdge !== 'function')
    argError('fromGraphology', 'g', 'a graphology Graph', String(g));
  const keys = g.nodes();
  if (keys.length === 0) argError('fromGraphology', 'g', 'at least one node', 'an empty graph');
  const id = new Map(keys.map((k, i) => [k, i]));
  const src: number[] = [];
  const dst: number[] = [];
  const weights: number[] = [];
  g.forEachEdge((edge, attrs: Attributes, source, target, _sa, _ta, undirected) => {
    let w = 1;
    if (opts.edgeWeightAttribute !== undefined) {
      w = attrs[opts.edgeWeightAttribute];
      if (typeof w !== 'number')
        argError(
          'fromGraphology',
          'edgeWeightAttribute',
          'a numeric attribute on every edge',
          `${JSON.stringify(w)} on edge ${edge}`,
        );
    }
    src.push(id.get(source)!);
    dst.push(id.get(target)!);
    weights.push(w);
    if (undirected && source !== target) {
      src.push(id.get(target)!);
      dst.push(id.get(source)!);
      weights.push(w);
    }
  });
  let x: Tensor | undefined;
  if (opts.nodeAttributes?.length) {
    const rows = keys.map((k) => {
      const a = g.getNodeAttributes(k);
      return opts.nodeAttributes!.flatMap((name) => numbersOf(a[name], `node ${k}, attribute '${name}'`));
    });
    const width = rows[0]!.length;
    rows.forEach((r, i) => {
      if (r.length !== width)
        argError(
          'fromGraphology',
          'nodeAttributes',
          `${width} values per node`,
          `${r.length} on node ${keys[i]}`,
        );
    });
    x = tensor(Float32Array.from(rows.flat()), [keys.length, width]);
  }
  let y: Tensor | undefined;
  if (opts.labelAttribute !== undefined) {
    const labels = keys.map((k) => g.getNodeAttribute(k, opts.labelAttribute!));
    labels.forEach((v, i) => {
      if (!Number.isInteger(v))
        argError(
          'fromGraphology',
          'labelAttribute',
          'an integer on every node',
          `${JSON.stringify(v)} on node ${keys[i]}`,
        );
    });
    y = tensor(Int32Array.from(labels), [keys.length], 'int32');
  }
  const graph = new Graph({
    edgeIndex: [src, dst],
    numNodes: keys.length,
    x,
    y,
    edgeWeight:
      opts.edgeWeightAttribute !== undefined
        ? tensor(Float32Array.from(weights), [weights.length])
        : undefined,
  });
  return { graph, keys };
}

export interface ToGraphologyOptions {
  /** 'directed' (default) keeps every edge; 'undirected' merges (j, i) with (i, j). */
  type?: 'directed' | 'undirected';
  /** Node keys (default '0'..'N−1'). */
  keys?: readonly string[];
  /** Store edgeWeight values under this edge attribute (default 'weight' when the graph has weights). */
  edgeWeightAttribute?: string;
}

export function toGraphology(graph: Graph, opts: ToGraphologyOptions = {}): AbstractGraph {
  const type = opts.type ?? 'directed';
  if (type !== 'directed' && type !== 'undirected')
    argError('toGraphology', 'type', "'directed' or 'undirected'", String(type));
  const keys = opts.keys ?? Array.from({ length: graph.numNodes }, (_, i) => String(i));
  if (keys.length !== graph.numNodes)
    argError('toGraphology', 'keys', `${graph.numNodes} keys`, `${keys.length}`);
  const out = new GraphologyGraph({ type, multi: false, allowSelfLoops: true }) as unknown as AbstractGraph;
  for (const k of keys) out.addNode(k);
  const weights = graph.edgeWeight?.dataSync();
  const attr = opts.edgeWeightAttribute ?? 'weight';
  for (let e = 0; e < graph.numEdges; e++) {
    const s = keys[graph.src[e]!]!;
    const t = keys[graph.dst[e]!]!;
    if (out.hasEdge(s, t)) continue;
    out.addEdge(s, t, weights ? { [attr]: weights[e] } : {});
  }
  return out;
}
