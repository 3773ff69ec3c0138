import type { nn, Tensor } from '@erlangen/core';
import type { Graph } from '../../data/graph.js';
import { gcnNorm } from '../../data/transforms.js';
import { checkPositiveInt } from '../../errors.js';
import { linearOf, type SparseMatrix } from '../../ops/sparse.js';
import { glorotLinear, type LayerInitOptions, zeroBias } from '../init.js';
import { type EdgeContext, MessagePassing } from '../message-passing.js';

export interface GCNConvOptions extends LayerInitOptions {
  /** Â = A + 2I instead of A + I. */
  improved?: boolean;
  /** Add remaining self-loops before normalising (default true). */
  addSelfLoops?: boolean;
  /** Apply the symmetric normalisation D̂^−½ Â D̂^−½ (default true); otherwise use edge weights as given. */
  normalize?: boolean;
  /** Cache the normalised graph of the first call (transductive training on one fixed graph). */
  cached?: boolean;
  bias?: boolean;
}

/**
 * Graph convolution of Kipf & Welling (PyG `GCNConv`): X' = D̂^−½ Â D̂^−½ X W + b with Â = A + I
 * (self-loops added as PyG's `add_remaining_self_loops`, edge weights respected).
 * Shapes: x [N, inChannels] → [N, outChannels].
 */
export class GCNConv extends MessagePassing {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly opts: Required<Omit<GCNConvOptions, 'generator'>>;
  lin: nn.Linear;
  bias: Tensor | null;
  private cachedGraph: Graph | undefined;

  constructor(inChannels: number, outChannels: number, opts: GCNConvOptions = {}) {
    super({ aggr: 'sum' });
    this.inChannels = checkPositiveInt('GCNConv', 'inChannels', inChannels);
    this.outChannels = checkPositiveInt('GCNConv', 'outChannels', outChannels);
    this.opts = {
      improved: opts.improved ?? false,
      addSelfLoops: opts.addSelfLoops ?? true,
      normalize: opts.normalize ?? true,
      cached: opts.cached ?? false,
      bias: opts.bias ?? true,
    };
    this.lin = glorotLinear(inChannels, outChannels, opts);
    this.bias = zeroBias(outChannels, this.opts.bias);
  }

  /** The graph with self-loops and normalised edge weights that propagation uses. */
  normalizedGraph(graph: Graph): Graph {
    if (this.opts.cached && this.cachedGraph) return this.cachedGraph;
    const g = this.opts.normalize
      ? gcnNorm(graph, { improved: this.opts.improved, addSelfLoops: this.opts.addSelfLoops })
      : graph;
    if (this.opts.cached) {
      // The cache outlives tidy scopes of the training loop.
      g.edgeWeight?.keep();
      g.sources.keep();
      g.targets.keep();
      this.cachedGraph = g;
    }
    return g;
  }

  /** x: dense [N, in] or a SparseMatrix [N, in] (bag-of-words features). */
  forward(x: Tensor | SparseMatrix, graph: Graph): Tensor {
    const g = this.normalizedGraph(graph);
    const out = this.propagate(g, linearOf(this.lin, x));
    return this.bias ? out.add(this.bias) : out;
  }

  override message(ctx: EdgeContext): Tensor {
    return ctx.edgeWeight ? ctx.xJ.mul(ctx.edgeWeight.unsqueeze(-1)) : ctx.xJ;
  }

  protected override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}`;
  }
}
