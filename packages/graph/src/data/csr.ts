/** Compressed sparse rows of a graph's adjacency: the neighbour lists of every node, contiguous. */
import type { Graph } from './graph.js';

export interface Csr {
  /** int32 [N + 1]: the edges of row r are positions indptr[r] .. indptr[r+1]−1. */
  indptr: Int32Array;
  /** int32 [E]: the column (other end) of each position. */
  indices: Int32Array;
  /** int32 [E]: which COO edge each position came from (to carry edge weights/attributes). */
  edgeIds: Int32Array;
}

/**
 * CSR of the adjacency with rows = `by` ('source': out-neighbours, the usual adjacency A[j, i];
 * 'target': in-neighbours, the lists a node aggregates from). Stable counting sort: edges keep
 * their COO order within a row.
 */
export function toCsr(graph: Graph, by: 'source' | 'target' = 'source'): Csr {
  const [rows, cols] = by === 'source' ? [graph.src, graph.dst] : [graph.dst, graph.src];
  const n = graph.numNodes;
  const indptr = new Int32Array(n + 1);
  for (let e = 0; e < rows.length; e++) indptr[rows[e]! + 1]!++;
  for (let r = 0; r < n; r++) indptr[r + 1]! += indptr[r]!;
  const next = indptr.slice(0, n);
  const indices = new Int32Array(rows.length);
  const edgeIds = new Int32Array(rows.length);
  for (let e = 0; e < rows.length; e++) {
    const p = next[rows[e]!]!++;
    indices[p] = cols[e]!;
    edgeIds[p] = e;
  }
  return { indptr, indices, edgeIds };
}

/** The COO edges (row → column for 'source' rows) of a CSR, in CSR order. */
export function fromCsr(csr: Pick<Csr, 'indptr' | 'indices'>): { src: Int32Array; dst: Int32Array } {
  const n = csr.indptr.length - 1;
  const src = new Int32Array(csr.indices.length);
  for (let r = 0; r < n; r++) src.fill(r, csr.indptr[r]!, csr.indptr[r + 1]!);
  return { src, dst: Int32Array.from(csr.indices) };
}
