import { nn, type Tensor } from '@erlangen/core';
import { checkPositiveInt } from '../../errors.js';
import type { LayerInitOptions } from '../init.js';
import { type Aggregation, type EdgeSet, MessagePassing, type NodeFeatures } from '../message-passing.js';

export interface SAGEConvOptions extends LayerInitOptions {
  /** Neighbourhood aggregation (default 'mean'). */
  aggr?: Aggregation;
  /** L2-normalise each output row. */
  normalize?: boolean;
  /** Add W_r·x_i (default true). */
  rootWeight?: boolean;
  bias?: boolean;
}

/**
 * GraphSAGE (Hamilton et al.; PyG `SAGEConv`): x'_i = W_l · aggr_{j→i} x_j + W_r · x_i (+ bias in
 * W_l), optionally L2-normalised. Shapes: x [N, in] (or [source, target] pair) → [N_target, out].
 */
export class SAGEConv extends MessagePassing {
  readonly normalize: boolean;
  linL: nn.Linear;
  linR: nn.Linear | null;

  constructor(inChannels: number, outChannels: number, opts: SAGEConvOptions = {}) {
    super({ aggr: opts.aggr ?? 'mean' });
    checkPositiveInt('SAGEConv', 'inChannels', inChannels);
    checkPositiveInt('SAGEConv', 'outChannels', outChannels);
    this.normalize = opts.normalize ?? false;
    this.linL = new nn.Linear(inChannels, outChannels, {
      bias: opts.bias ?? true,
      generator: opts.generator,
    });
    this.linR =
      (opts.rootWeight ?? true)
        ? new nn.Linear(inChannels, outChannels, { bias: false, generator: opts.generator })
        : null;
  }

  forward(x: NodeFeatures, edges: EdgeSet): Tensor {
    const xTarget = Array.isArray(x) ? (x[1] as Tensor | null) : (x as Tensor);
    let out = this.linL.forward(this.propagate(edges, x));
    if (this.linR && xTarget) out = out.add(this.linR.forward(xTarget));
    if (this.normalize) out = out.div(out.square().sum(-1, true).sqrt().maximum(1e-12));
    return out;
  }
}
