/**
 * The `MessagePassing` base class, after PyG: a layer defines `message` (one tensor per edge,
 * computed from gathered source features x_j, target features x_i and edge features), the base
 * class aggregates the messages at each target (sum, mean, max, min) and `update` maps the result.
 * Gathers are core's `indexSelect` and the sum/mean aggregation is core's `indexAdd`: first-class
 * kernels on every backend.
 */
import { nn, type Tensor } from '@erlangen/core';
import type { Graph } from '../data/graph.js';
import { argError, fmtShape } from '../errors.js';
import { type ScatterReduce, scatter } from '../ops/scatter.js';

export type Aggregation = 'sum' | 'add' | 'mean' | 'max' | 'min';

/**
 * The edges messages travel along: a `Graph` (sources and targets are its nodes), or a bipartite
 * edge set from `size[0]` source nodes to `size[1]` target nodes.
 */
export interface BipartiteEdges {
  /** int32 [E]: source node (j) of every edge, in [0, size[0]). */
  sources: Tensor;
  /** int32 [E]: target node (i) of every edge, in [0, size[1]). */
  targets: Tensor;
  /** [number of source nodes, number of target nodes]. */
  size: readonly [number, number];
  edgeAttr?: Tensor | undefined;
  edgeWeight?: Tensor | undefined;
  /** Optional host copy of `targets`, for max/min aggregation on backends without synchronous reads. */
  hostTargets?: Int32Array | undefined;
}

export type EdgeSet = Graph | BipartiteEdges;

/** Source and target sizes of an edge set. */
export function edgeSetSize(edges: EdgeSet): [number, number] {
  return 'size' in edges ? [edges.size[0], edges.size[1]] : [edges.numNodes, edges.numNodes];
}

/** Node features: one [N, F] tensor, or [source features, target features] for bipartite edges. */
export type NodeFeatures = Tensor | readonly [Tensor, Tensor | null];

/** What `message`, `aggregate` and `update` see for one propagation. */
export class EdgeContext {
  private gatheredSource = new Map<Tensor, Tensor>();
  private gatheredTarget = new Map<Tensor, Tensor>();
  constructor(
    /** int32 [E]: source of each edge. */
    readonly sources: Tensor,
    /** int32 [E]: target of each edge (the segment ids the aggregation sums over). */
    readonly targets: Tensor,
    /** [number of source nodes, number of target nodes]. */
    readonly size: readonly [number, number],
    /** Source-side node features [numSources, ...]. */
    readonly xSource: Tensor | null,
    /** Target-side node features [numTargets, ...] (the same tensor as xSource for a plain graph). */
    readonly xTarget: Tensor | null,
    readonly edgeAttr: Tensor | undefined,
    readonly edgeWeight: Tensor | undefined,
    /** Host copy of `targets` when the edges came from a Graph (lets max/min run on any backend). */
    readonly hostTargets?: Int32Array,
  ) {}

  get numEdges(): number {
    return this.sources.shape[0]!;
  }

  /** x_j: source features of every edge, [E, ...]. Gathered once per tensor. */
  get xJ(): Tensor {
    if (!this.xSource) throw new Error('EdgeContext.xJ: this propagation has no source features');
    return this.gatherSource(this.xSource);
  }

  /** x_i: target features of every edge, [E, ...]. */
  get xI(): Tensor {
    if (!this.xTarget) throw new Error('EdgeContext.xI: this propagation has no target features');
    return this.gatherTarget(this.xTarget);
  }

  /** Rows of a per-source-node tensor [numSources, ...] for every edge → [E, ...]. */
  gatherSource(t: Tensor): Tensor {
    return this.gather(t, this.sources, this.size[0], 'source');
  }

  /** Rows of a per-target-node tensor [numTargets, ...] for every edge → [E, ...]. */
  gatherTarget(t: Tensor): Tensor {
    return this.gather(t, this.targets, this.size[1], 'target');
  }

  private gather(t: Tensor, index: Tensor, rows: number, side: 'source' | 'target'): Tensor {
    if (t.ndim < 1 || t.shape[0] !== rows) {
      argError(
        'MessagePassing',
        `${side} features`,
        `[${rows}, ...] (one row per ${side} node)`,
        fmtShape(t.shape),
      );
    }
    const cache = side === 'source' ? this.gatheredSource : this.gatheredTarget;
    let g = cache.get(t);
    if (!g) cache.set(t, (g = t.indexSelect(0, index)));
    return g;
  }
}

function checkNodeFeatures(op: string, x: Tensor, rows: number, arg: string): void {
  if (x.ndim < 1 || x.shape[0] !== rows)
    argError(op, arg, `node features with ${rows} rows ([N, F])`, fmtShape(x.shape));
}

/**
 * Base of graph layers. Subclasses call `this.propagate(edges, x, extras)` from `forward` and
 * override `message` (default: x_j), optionally `aggregate` (default: this.aggr over incoming edges)
 * and `update` (default: identity). Shapes: x [N, F] (or [numSources, F], [numTargets, F']) →
 * [numTargets, F_out].
 */
export abstract class MessagePassing extends nn.Module {
  readonly aggr: Aggregation;

  constructor(opts: { aggr?: Aggregation } = {}) {
    super();
    const aggr = opts.aggr ?? 'sum';
    if (!['sum', 'add', 'mean', 'max', 'min'].includes(aggr))
      argError(this.constructor.name, 'aggr', "'sum', 'add', 'mean', 'max' or 'min'", JSON.stringify(aggr));
    this.aggr = aggr;
  }

  /**
   * Runs message → aggregate → update over `edges`. `x` is one tensor of node features or a
   * [source, target] pair; `edgeAttr`/`edgeWeight` default to those of `edges`.
   */
  propagate(
    edges: EdgeSet,
    x: NodeFeatures | null,
    extras: { edgeAttr?: Tensor | undefined; edgeWeight?: Tensor | undefined } = {},
  ): Tensor {
    const op = this.constructor.name;
    if (!edges || typeof edges !== 'object' || !('sources' in edges))
      argError(op, 'edges', 'a Graph or { sources, targets, size }', String(edges));
    const size = edgeSetSize(edges);
    let xSource: Tensor | null = null;
    let xTarget: Tensor | null = null;
    if (Array.isArray(x)) {
      [xSource, xTarget] = [x[0] as Tensor, (x[1] as Tensor | null) ?? null];
    } else if (x) {
      xSource = xTarget = x as Tensor;
    }
    if (xSource) checkNodeFeatures(op, xSource, size[0], 'x (source side)');
    if (xTarget) checkNodeFeatures(op, xTarget, size[1], 'x (target side)');
    const ctx = new EdgeContext(
      edges.sources,
      edges.targets,
      size,
      xSource,
      xTarget,
      extras.edgeAttr ?? edges.edgeAttr,
      extras.edgeWeight ?? edges.edgeWeight,
      'size' in edges ? edges.hostTargets : edges.dst,
    );
    const messages = this.pendingMessage ? this.pendingMessage(ctx) : this.message(ctx);
    if (messages.ndim < 1 || messages.shape[0] !== ctx.numEdges)
      argError(op, 'message()', `one row per edge ([${ctx.numEdges}, ...])`, fmtShape(messages.shape));
    return this.update(this.aggregate(messages, ctx), ctx);
  }

  /**
   * `propagate` with a one-off message function (for layers whose message needs values computed in
   * forward, such as attention scores), aggregated and updated as usual.
   */
  protected propagateWith(
    edges: EdgeSet,
    x: NodeFeatures | null,
    message: (ctx: EdgeContext) => Tensor,
    extras: { edgeAttr?: Tensor | undefined; edgeWeight?: Tensor | undefined } = {},
  ): Tensor {
    this.pendingMessage = message;
    try {
      return this.propagate(edges, x, extras);
    } finally {
      this.pendingMessage = undefined;
    }
  }

  private pendingMessage: ((ctx: EdgeContext) => Tensor) | undefined;

  /** The message of every edge, [E, ...]. Default: the source features x_j. */
  message(ctx: EdgeContext): Tensor {
    return ctx.xJ;
  }

  /** Combines the messages arriving at each target: [E, ...] → [numTargets, ...]. */
  aggregate(messages: Tensor, ctx: EdgeContext): Tensor {
    return scatter(messages, ctx.targets, ctx.size[1], this.aggr as ScatterReduce, {
      hostIndex: ctx.hostTargets,
    });
  }

  /** Maps the aggregated messages to the output. Default: identity. */
  update(aggregated: Tensor, _ctx: EdgeContext): Tensor {
    return aggregated;
  }
}
