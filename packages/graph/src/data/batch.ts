/**
 * `Batch`: many graphs as one disconnected graph (block-diagonal adjacency), PyG's `Batch`. Node
 * ids of graph g are offset by ptr[g]; `batch[i]` says which graph node i belongs to.
 */
import { concat, type Tensor, tensor } from '@erlangen/core';
import { argError } from '../errors.js';
import { Graph } from './graph.js';

export class Batch extends Graph {
  readonly numGraphs: number;
  /** int32 [N]: graph id of every node. */
  readonly batchIds: Int32Array;
  /** int32 [numGraphs + 1]: nodes of graph g are ptr[g] .. ptr[g+1]−1. */
  readonly ptr: Int32Array;
  /** int32 [numGraphs + 1]: edges of graph g are edgePtr[g] .. edgePtr[g+1]−1. */
  readonly edgePtr: Int32Array;
  private batchTensor: Tensor | undefined;

  private constructor(graph: Graph, batchIds: Int32Array, ptr: Int32Array, edgePtr: Int32Array) {
    super({
      edgeIndex: graph.hostEdges,
      numNodes: graph.numNodes,
      x: graph.x,
      edgeAttr: graph.edgeAttr,
      edgeWeight: graph.edgeWeight,
      y: graph.y,
    });
    this.numGraphs = ptr.length - 1;
    this.batchIds = batchIds;
    this.ptr = ptr;
    this.edgePtr = edgePtr;
  }

  /** int32 [N] tensor of graph ids (the `batch` vector pooling layers take). */
  get batch(): Tensor {
    if (!this.batchTensor || this.batchTensor.isDisposed)
      this.batchTensor = tensor(this.batchIds, [this.batchIds.length], 'int32');
    return this.batchTensor;
  }

  /**
   * Concatenates graphs: node features, edge features/weights and targets are concatenated along
   * axis 0 (so per-graph targets of shape [] or [1] become [numGraphs]); every graph must have the
   * same fields.
   */
  static fromGraphs(graphs: readonly Graph[]): Batch {
    if (!Array.isArray(graphs) || graphs.length === 0)
      argError('Batch.fromGraphs', 'graphs', 'a non-empty array of Graph', String(graphs));
    graphs.forEach((g, k) => {
      if (!(g instanceof Graph)) argError('Batch.fromGraphs', `graphs[${k}]`, 'a Graph', String(g));
    });
    const fields = ['x', 'edgeAttr', 'edgeWeight', 'y'] as const;
    for (const f of fields) {
      const count = graphs.filter((g) => g[f] !== undefined).length;
      if (count !== 0 && count !== graphs.length)
        argError(
          'Batch.fromGraphs',
          'graphs',
          `'${f}' on every graph or on none`,
          `it on ${count} of ${graphs.length}`,
        );
    }
    const ptr = new Int32Array(graphs.length + 1);
    const edgePtr = new Int32Array(graphs.length + 1);
    graphs.forEach((g, k) => {
      ptr[k + 1] = ptr[k]! + g.numNodes;
      edgePtr[k + 1] = edgePtr[k]! + g.numEdges;
    });
    const n = ptr[graphs.length]!;
    const e = edgePtr[graphs.length]!;
    const src = new Int32Array(e);
    const dst = new Int32Array(e);
    const batchIds = new Int32Array(n);
    graphs.forEach((g, k) => {
      const off = ptr[k]!;
      for (let q = 0; q < g.numEdges; q++) {
        src[edgePtr[k]! + q] = g.src[q]! + off;
        dst[edgePtr[k]! + q] = g.dst[q]! + off;
      }
      batchIds.fill(k, off, ptr[k + 1]!);
    });
    // A per-graph scalar target (shape []) becomes a row of [numGraphs]; everything else concatenates
    // along axis 0, as PyG's collate does.
    const join = (f: (typeof fields)[number]) => {
      if (graphs[0]![f] === undefined) return undefined;
      return concat(
        graphs.map((g) => (g[f]!.ndim === 0 ? g[f]!.reshape([1]) : g[f]!)),
        0,
      );
    };
    const merged = new Graph({
      edgeIndex: { src, dst },
      numNodes: n,
      x: join('x'),
      edgeAttr: join('edgeAttr'),
      edgeWeight: join('edgeWeight'),
      y: join('y'),
    });
    return new Batch(merged, batchIds, ptr, edgePtr);
  }

  /** Graph g of the batch, with its own node numbering. */
  getGraph(g: number): Graph {
    if (!Number.isInteger(g) || g < 0 || g >= this.numGraphs)
      argError('Batch.getGraph', 'g', `an integer in [0, ${this.numGraphs - 1}]`, String(g));
    const [n0, n1] = [this.ptr[g]!, this.ptr[g + 1]!];
    const [e0, e1] = [this.edgePtr[g]!, this.edgePtr[g + 1]!];
    const src = this.src.slice(e0, e1).map((v) => v - n0);
    const dst = this.dst.slice(e0, e1).map((v) => v - n0);
    const perNode =
      this.y !== undefined && this.y.shape[0] === this.numNodes && this.numNodes !== this.numGraphs;
    return new Graph({
      edgeIndex: { src, dst },
      numNodes: n1 - n0,
      x: this.x?.narrow(0, n0, n1 - n0),
      edgeAttr: this.edgeAttr?.narrow(0, e0, e1 - e0),
      edgeWeight: this.edgeWeight?.narrow(0, e0, e1 - e0),
      y: this.y ? (perNode ? this.y.narrow(0, n0, n1 - n0) : this.y.narrow(0, g, 1)) : undefined,
    });
  }
}
