/**
 * Edge indices live on the host as well as in tensors: graph structure (self-loops, coalescing,
 * subgraphs, CSR) is integer bookkeeping done once per graph, while features flow through kernels.
 * These helpers move an edge index between the two forms and validate it.
 */
import { Tensor, tensor } from '@erlangen/core';
import { argError, fmtShape } from '../errors.js';

/** A COO edge list on the host: edge e goes from `src[e]` (source j) to `dst[e]` (target i). */
export interface HostEdges {
  src: Int32Array;
  dst: Int32Array;
}

/** What functions accept as an edge index: an int32 [2, E] tensor, or host arrays. */
export type EdgeIndexLike = Tensor | HostEdges | readonly [readonly number[], readonly number[]];

/** Reads an edge index to host arrays, checking dtype and shape. */
export function toHostEdges(op: string, edgeIndex: EdgeIndexLike, arg = 'edgeIndex'): HostEdges {
  if (edgeIndex instanceof Tensor) {
    edgeIndex.assertAlive(op, arg);
    if (edgeIndex.dtype !== 'int32')
      argError(op, arg, 'an int32 tensor of shape [2, E]', `dtype ${edgeIndex.dtype}`);
    if (edgeIndex.ndim !== 2 || edgeIndex.shape[0] !== 2)
      argError(op, arg, 'shape [2, E]', fmtShape(edgeIndex.shape));
    if (!edgeIndex.backend.canReadSync) {
      argError(
        op,
        arg,
        'an edge index readable on the host (graph structure is kept on the CPU)',
        `a tensor on backend '${edgeIndex.backend.name}'; build the Graph from an Int32Array or a cpu tensor`,
      );
    }
    const v = edgeIndex.dataSync() as Int32Array;
    const e = edgeIndex.shape[1]!;
    return { src: v.slice(0, e), dst: v.slice(e, 2 * e) };
  }
  if (Array.isArray(edgeIndex)) {
    if (edgeIndex.length !== 2)
      argError(op, arg, 'two arrays [sources, targets]', `an array of length ${edgeIndex.length}`);
    const [s, d] = edgeIndex as [readonly number[], readonly number[]];
    if (s.length !== d.length)
      argError(op, arg, 'sources and targets of equal length', `lengths ${s.length} and ${d.length}`);
    for (const a of [s, d]) {
      for (let i = 0; i < a.length; i++)
        if (!Number.isInteger(a[i])) argError(op, arg, 'integer node ids', `${a[i]} at position ${i}`);
    }
    return { src: Int32Array.from(s), dst: Int32Array.from(d) };
  }
  const h = edgeIndex as HostEdges;
  if (!(h?.src instanceof Int32Array) || !(h?.dst instanceof Int32Array)) {
    argError(
      op,
      arg,
      'an int32 [2, E] tensor, { src, dst } Int32Arrays or [sources, targets]',
      String(edgeIndex),
    );
  }
  if (h.src.length !== h.dst.length)
    argError(op, arg, 'src and dst of equal length', `lengths ${h.src.length} and ${h.dst.length}`);
  return h;
}

/** Throws unless every id is in [0, numNodes). */
export function checkNodeRange(op: string, edges: HostEdges, numNodes: number, arg = 'edgeIndex'): void {
  for (const [row, ids] of [
    [0, edges.src],
    [1, edges.dst],
  ] as const) {
    for (let e = 0; e < ids.length; e++) {
      const v = ids[e]!;
      if (v < 0 || v >= numNodes) {
        argError(
          op,
          arg,
          `node ids in [0, ${numNodes - 1}] (numNodes = ${numNodes})`,
          `${v} at [${row}, ${e}]`,
        );
      }
    }
  }
}

/** The largest node id + 1 (0 for no edges). */
export function inferNumNodes(edges: HostEdges): number {
  let m = -1;
  for (const a of [edges.src, edges.dst]) for (let i = 0; i < a.length; i++) if (a[i]! > m) m = a[i]!;
  return m + 1;
}

/** An int32 [2, E] tensor from host arrays. */
export function edgeIndexTensor(edges: HostEdges): Tensor {
  const e = edges.src.length;
  const flat = new Int32Array(2 * e);
  flat.set(edges.src, 0);
  flat.set(edges.dst, e);
  return tensor(flat, [2, e], 'int32');
}

/** Picks entries of a per-edge tensor ([E, ...]) by host positions. */
export function selectEdges(values: Tensor | undefined, positions: Int32Array): Tensor | undefined {
  if (!values) return undefined;
  return values.indexSelect(0, tensor(positions, [positions.length], 'int32'));
}
