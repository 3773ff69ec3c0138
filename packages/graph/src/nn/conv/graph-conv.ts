import { nn, type Tensor } from '@erlangen/core';
import { checkPositiveInt } from '../../errors.js';
import type { LayerInitOptions } from '../init.js';
import {
  type Aggregation,
  type EdgeContext,
  type EdgeSet,
  MessagePassing,
  type NodeFeatures,
} from '../message-passing.js';

/**
 * The graph convolution of Morris et al. 2019 ("Weisfeiler and Leman go neural"; PyG `GraphConv`):
 * x'_i = W_1 x_i + W_2 · aggr_{j→i} e_ji · x_j (bias in W_2). Shapes: x [N, in] → [N, out].
 */
export class GraphConv extends MessagePassing {
  linRel: nn.Linear;
  linRoot: nn.Linear;

  constructor(
    inChannels: number,
    outChannels: number,
    opts: LayerInitOptions & { aggr?: Aggregation; bias?: boolean } = {},
  ) {
    super({ aggr: opts.aggr ?? 'sum' });
    checkPositiveInt('GraphConv', 'inChannels', inChannels);
    checkPositiveInt('GraphConv', 'outChannels', outChannels);
    this.linRel = new nn.Linear(inChannels, outChannels, {
      bias: opts.bias ?? true,
      generator: opts.generator,
    });
    this.linRoot = new nn.Linear(inChannels, outChannels, { bias: false, generator: opts.generator });
  }

  forward(x: NodeFeatures, edges: EdgeSet): Tensor {
    const xTarget = Array.isArray(x) ? (x[1] as Tensor | null) : (x as Tensor);
    const out = this.linRel.forward(this.propagate(edges, x));
    return xTarget ? out.add(this.linRoot.forward(xTarget)) : out;
  }

  override message(ctx: EdgeContext): Tensor {
    return ctx.edgeWeight ? ctx.xJ.mul(ctx.edgeWeight.unsqueeze(-1)) : ctx.xJ;
  }
}
