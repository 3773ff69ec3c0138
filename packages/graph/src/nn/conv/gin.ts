import { type nn, type Tensor, tensor } from '@erlangen/core';
import { argError } from '../../errors.js';
import { type EdgeSet, MessagePassing, type NodeFeatures } from '../message-passing.js';

export interface GINConvOptions {
  /** Initial ε (default 0). */
  eps?: number;
  /** Learn ε (GIN-ε); otherwise it stays fixed (GIN-0 with eps = 0). */
  trainEps?: boolean;
}

/**
 * Graph isomorphism network layer (Xu et al. 2019; PyG `GINConv`):
 * x'_i = h_Θ((1 + ε)·x_i + Σ_{j→i} x_j), with h_Θ any module (an MLP). As expressive as 1-WL.
 * Shapes: x [N, F] → h_Θ's output [N, F'].
 */
export class GINConv extends MessagePassing {
  mlp: nn.Module;
  /** ε: a learnable [1] tensor with trainEps, else a number. */
  eps: Tensor | number;

  constructor(mlp: nn.Module, opts: GINConvOptions = {}) {
    super({ aggr: 'sum' });
    if (!mlp || typeof (mlp as nn.Module).forward !== 'function')
      argError('GINConv', 'mlp', 'a Module', String(mlp));
    this.mlp = mlp;
    const eps = opts.eps ?? 0;
    if (typeof eps !== 'number' || !Number.isFinite(eps))
      argError('GINConv', 'eps', 'a finite number', String(eps));
    this.eps = opts.trainEps ? tensor([eps]).requireGrad() : eps;
  }

  forward(x: NodeFeatures, edges: EdgeSet): Tensor {
    const xTarget = Array.isArray(x) ? (x[1] as Tensor | null) : (x as Tensor);
    let out = this.propagate(edges, x);
    if (xTarget) out = out.add(xTarget.mul(typeof this.eps === 'number' ? 1 + this.eps : this.eps.add(1)));
    return this.mlp.forward(out) as Tensor;
  }
}
