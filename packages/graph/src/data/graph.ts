/**
 * `Graph`: one (possibly directed) graph in COO form, as PyG's `Data`. Edge e goes from source
 * `edgeIndex[0, e]` (j) to target `edgeIndex[1, e]` (i); message passing sends along it.
 */
import { Tensor, tensor } from '@erlangen/core';
import { argError, fmtShape } from '../errors.js';
import {
  checkNodeRange,
  type EdgeIndexLike,
  edgeIndexTensor,
  type HostEdges,
  inferNumNodes,
  toHostEdges,
} from './edge-index.js';

export interface GraphInit {
  /** int32 [2, E] tensor, `{ src, dst }` Int32Arrays or `[sources, targets]`. */
  edgeIndex: EdgeIndexLike;
  /** Number of nodes; defaults to x.shape[0], else the largest id + 1. */
  numNodes?: number;
  /** Node features [N, F]. */
  x?: Tensor;
  /** Edge features [E, D] (or [E]). */
  edgeAttr?: Tensor;
  /** Scalar edge weights [E]. */
  edgeWeight?: Tensor;
  /** Targets: per node [N] / [N, ...] or per graph. */
  y?: Tensor;
}

function checkFloatTensor(op: string, arg: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) argError(op, arg, 'a Tensor', String(t));
  t.assertAlive(op, arg);
  return t;
}

/**
 * A graph: structure on the host (`src`, `dst` Int32Arrays) and, created on demand and cached, as
 * tensors of the active backend (`edgeIndex`, `sources`, `targets`; re-created if a tidy scope
 * freed them). Feature tensors are held by reference, like PyG's `Data`: create a graph you reuse
 * across tidy scopes outside them (or `keep` its tensors), and `dispose()` it when done.
 */
export class Graph {
  readonly numNodes: number;
  readonly src: Int32Array;
  readonly dst: Int32Array;
  readonly x: Tensor | undefined;
  readonly edgeAttr: Tensor | undefined;
  readonly edgeWeight: Tensor | undefined;
  readonly y: Tensor | undefined;
  private cache = new Map<string, Tensor>();

  constructor(init: GraphInit) {
    const op = 'Graph';
    if (init === null || typeof init !== 'object')
      argError(op, 'init', 'an object { edgeIndex, x?, ... }', String(init));
    const edges = toHostEdges(op, init.edgeIndex);
    const e = edges.src.length;
    let n = init.numNodes;
    if (init.x !== undefined) {
      const x = checkFloatTensor(op, 'x', init.x);
      if (x.ndim < 1) argError(op, 'x', 'node features of shape [N, F]', fmtShape(x.shape));
      if (n !== undefined && x.shape[0] !== n) {
        argError(
          op,
          'x',
          `${n} rows (numNodes = ${n})`,
          `shape ${fmtShape(x.shape)} (features/nodes mismatch)`,
        );
      }
      n = x.shape[0]!;
    }
    if (n === undefined) n = inferNumNodes(edges);
    if (!Number.isInteger(n) || n < 0) argError(op, 'numNodes', 'a non-negative integer', String(n));
    if (n === 0) argError(op, 'numNodes', 'at least one node', '0 nodes (an empty graph)');
    checkNodeRange(op, edges, n);
    for (const [arg, t] of [
      ['edgeAttr', init.edgeAttr],
      ['edgeWeight', init.edgeWeight],
    ] as const) {
      if (t === undefined) continue;
      checkFloatTensor(op, arg, t);
      const ok = arg === 'edgeWeight' ? t.ndim === 1 && t.shape[0] === e : t.ndim >= 1 && t.shape[0] === e;
      if (!ok)
        argError(op, arg, arg === 'edgeWeight' ? `shape [${e}]` : `shape [${e}, ...]`, fmtShape(t.shape));
    }
    if (init.y !== undefined) checkFloatTensor(op, 'y', init.y);
    this.numNodes = n;
    this.src = edges.src;
    this.dst = edges.dst;
    this.x = init.x;
    this.edgeAttr = init.edgeAttr;
    this.edgeWeight = init.edgeWeight;
    this.y = init.y;
  }

  get numEdges(): number {
    return this.src.length;
  }

  /** Feature width F of x ([N, F]); 0 without features. */
  get numFeatures(): number {
    return this.x ? (this.x.shape[1] ?? 1) : 0;
  }

  get hostEdges(): HostEdges {
    return { src: this.src, dst: this.dst };
  }

  private cached(key: string, make: () => Tensor): Tensor {
    let t = this.cache.get(key);
    if (!t || t.isDisposed) {
      t = make();
      this.cache.set(key, t);
    }
    return t;
  }

  /** int32 [2, E]. */
  get edgeIndex(): Tensor {
    return this.cached('edgeIndex', () => edgeIndexTensor(this.hostEdges));
  }
  /** int32 [E]: the source (j) of every edge. */
  get sources(): Tensor {
    return this.cached('sources', () => tensor(this.src, [this.numEdges], 'int32'));
  }
  /** int32 [E]: the target (i) of every edge. */
  get targets(): Tensor {
    return this.cached('targets', () => tensor(this.dst, [this.numEdges], 'int32'));
  }

  /** A copy with some fields replaced (structure is shared, not copied). */
  with(changes: Partial<GraphInit>): Graph {
    return new Graph({
      edgeIndex: changes.edgeIndex ?? this.hostEdges,
      numNodes: changes.numNodes ?? (changes.x ? undefined : this.numNodes),
      x: 'x' in changes ? changes.x : this.x,
      edgeAttr: 'edgeAttr' in changes ? changes.edgeAttr : changes.edgeIndex ? undefined : this.edgeAttr,
      edgeWeight:
        'edgeWeight' in changes ? changes.edgeWeight : changes.edgeIndex ? undefined : this.edgeWeight,
      y: 'y' in changes ? changes.y : this.y,
    });
  }

  /** True when there is an edge (i, i). */
  hasSelfLoops(): boolean {
    for (let e = 0; e < this.numEdges; e++) if (this.src[e] === this.dst[e]) return true;
    return false;
  }

  /** True when every edge (j, i) has its reverse (i, j). */
  isUndirected(): boolean {
    const key = (a: number, b: number) => a * this.numNodes + b;
    const set = new Set<number>();
    for (let e = 0; e < this.numEdges; e++) set.add(key(this.src[e]!, this.dst[e]!));
    for (let e = 0; e < this.numEdges; e++) if (!set.has(key(this.dst[e]!, this.src[e]!))) return false;
    return true;
  }

  /** Releases the tensors this graph holds (its own and the ones it was given). */
  dispose(): void {
    for (const t of this.cache.values()) t.dispose();
    this.cache.clear();
    for (const t of [this.x, this.edgeAttr, this.edgeWeight, this.y]) t?.dispose();
  }

  toString(): string {
    const parts = [`numNodes=${this.numNodes}`, `numEdges=${this.numEdges}`];
    if (this.x) parts.push(`x=${fmtShape(this.x.shape)}`);
    if (this.edgeAttr) parts.push(`edgeAttr=${fmtShape(this.edgeAttr.shape)}`);
    if (this.edgeWeight) parts.push('edgeWeight');
    if (this.y) parts.push(`y=${fmtShape(this.y.shape)}`);
    return `Graph(${parts.join(', ')})`;
  }
}
