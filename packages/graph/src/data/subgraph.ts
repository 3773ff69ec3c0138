/** Induced subgraphs and k-hop neighbourhoods (PyG `subgraph`, `k_hop_subgraph`). */
import { tensor } from '@erlangen/core';
import { argError } from '../errors.js';
import type { Graph } from './graph.js';
import { filterEdges } from './transforms.js';

function checkNodes(op: string, arg: string, nodes: readonly number[] | Int32Array, n: number): void {
  for (let k = 0; k < nodes.length; k++) {
    const v = nodes[k]!;
    if (!Number.isInteger(v) || v < 0 || v >= n)
      argError(op, arg, `node ids in [0, ${n - 1}]`, `${v} at position ${k}`);
  }
}

export interface SubgraphResult {
  graph: Graph;
  /** 1 for the edges of the original graph that were kept. */
  edgeMask: Uint8Array;
}

/**
 * The subgraph induced by `subset` (edges with both ends in it). With `relabelNodes` (default
 * true) node `subset[k]` becomes node k and x/y rows are picked in subset order, as PyG does for an
 * index subset; otherwise ids are kept and numNodes is unchanged.
 */
export function subgraph(
  graph: Graph,
  subset: readonly number[] | Int32Array,
  opts: { relabelNodes?: boolean } = {},
): SubgraphResult {
  const n = graph.numNodes;
  checkNodes('subgraph', 'subset', subset, n);
  const newId = new Int32Array(n).fill(-1);
  for (let k = 0; k < subset.length; k++) {
    if (newId[subset[k]!] !== -1) argError('subgraph', 'subset', 'distinct node ids', `${subset[k]} twice`);
    newId[subset[k]!] = k;
  }
  const edgeMask = new Uint8Array(graph.numEdges);
  const keep: number[] = [];
  for (let e = 0; e < graph.numEdges; e++) {
    if (newId[graph.src[e]!]! >= 0 && newId[graph.dst[e]!]! >= 0) {
      edgeMask[e] = 1;
      keep.push(e);
    }
  }
  const kept = filterEdges(graph, Int32Array.from(keep));
  if (opts.relabelNodes === false) return { graph: kept, edgeMask };
  if (subset.length === 0) argError('subgraph', 'subset', 'at least one node', 'an empty subset');
  const src = kept.src.map((v) => newId[v]!);
  const dst = kept.dst.map((v) => newId[v]!);
  const rows = tensor(Int32Array.from(subset), [subset.length], 'int32');
  const pickY = graph.y && graph.y.ndim >= 1 && graph.y.shape[0] === n;
  return {
    graph: kept.with({
      edgeIndex: { src, dst },
      numNodes: subset.length,
      edgeWeight: kept.edgeWeight,
      edgeAttr: kept.edgeAttr,
      x: graph.x?.indexSelect(0, rows),
      y: pickY ? graph.y!.indexSelect(0, rows) : graph.y,
    }),
    edgeMask,
  };
}

export interface KHopResult {
  /** The nodes within `numHops` hops, sorted ascending. */
  subset: Int32Array;
  /** The subgraph on `subset` (relabelled to 0..|subset|−1 unless `relabelNodes` is false). */
  graph: Graph;
  /** Where the seed nodes went in the relabelled graph. */
  mapping: Int32Array;
  /** 1 for the original edges that were kept. */
  edgeMask: Uint8Array;
}

/**
 * PyG `k_hop_subgraph`: the nodes from which `seeds` can be reached in at most `numHops` steps
 * along edges (flow 'source_to_target', the default: messages flow into the seeds), or that the
 * seeds reach ('target_to_source'), and the subgraph they induce.
 */
export function kHopSubgraph(
  seeds: number | readonly number[],
  numHops: number,
  graph: Graph,
  opts: { relabelNodes?: boolean; flow?: 'source_to_target' | 'target_to_source' } = {},
): KHopResult {
  const n = graph.numNodes;
  const seedList = typeof seeds === 'number' ? [seeds] : seeds;
  checkNodes('kHopSubgraph', 'seeds', seedList, n);
  if (!Number.isInteger(numHops) || numHops < 0)
    argError('kHopSubgraph', 'numHops', 'a non-negative integer', String(numHops));
  const flow = opts.flow ?? 'source_to_target';
  if (flow !== 'source_to_target' && flow !== 'target_to_source')
    argError('kHopSubgraph', 'flow', "'source_to_target' or 'target_to_source'", String(flow));
  // Messages flow row → col; to collect what reaches the seeds, walk edges backwards from col to row.
  const [from, to] = flow === 'source_to_target' ? [graph.dst, graph.src] : [graph.src, graph.dst];
  const inSet = new Uint8Array(n);
  let frontier = new Uint8Array(n);
  for (const s of seedList) inSet[s] = frontier[s] = 1;
  for (let hop = 0; hop < numHops; hop++) {
    const next = new Uint8Array(n);
    for (let e = 0; e < from.length; e++) if (frontier[from[e]!]) next[to[e]!] = 1;
    for (let i = 0; i < n; i++) if (next[i]) inSet[i] = 1;
    frontier = next;
  }
  const subset: number[] = [];
  for (let i = 0; i < n; i++) if (inSet[i]) subset.push(i);
  const subsetArr = Int32Array.from(subset);
  const { graph: sub, edgeMask } = subgraph(graph, subsetArr, opts);
  const position = new Map(subset.map((v, k) => [v, k]));
  const mapping = Int32Array.from(seedList.map((s) => (opts.relabelNodes === false ? s : position.get(s)!)));
  return { subset: subsetArr, graph: sub, mapping, edgeMask };
}
