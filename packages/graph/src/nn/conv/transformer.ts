import { concat, nn, type Tensor } from '@erlangen/core';
import { checkPositiveInt, checkProbability } from '../../errors.js';
import { segmentSoftmax } from '../../ops/scatter.js';
import type { LayerInitOptions } from '../init.js';
import { type EdgeSet, MessagePassing, type NodeFeatures } from '../message-passing.js';

export interface TransformerConvOptions extends LayerInitOptions {
  heads?: number;
  /** Concatenate heads (default true) or average them. */
  concat?: boolean;
  /** Gate the skip connection with a learned β (PyG `beta`). */
  beta?: boolean;
  /** Dropout on attention coefficients in training. */
  dropout?: number;
  /** Width of edge features added to keys and values. */
  edgeDim?: number;
  /** Bias in the query/key/value/skip projections (default true). */
  bias?: boolean;
  /** Add the skip projection W_r x_i (default true). */
  rootWeight?: boolean;
}

/**
 * Graph transformer layer (Shi et al. 2021; PyG `TransformerConv`): scaled dot-product attention of
 * each node over its incoming edges, as message passing:
 * α_ij = softmax_j((W_q x_i)ᵀ(W_k x_j + W_e e_ij) / √d), x'_i = W_r x_i + Σ_j α_ij (W_v x_j + W_e e_ij).
 * Shapes: x [N, in] → [N, heads·out] (concat) or [N, out].
 */
export class TransformerConv extends MessagePassing {
  readonly heads: number;
  readonly outChannels: number;
  readonly concatHeads: boolean;
  readonly dropoutP: number;
  readonly generator: LayerInitOptions['generator'];
  linKey: nn.Linear;
  linQuery: nn.Linear;
  linValue: nn.Linear;
  linEdge: nn.Linear | null;
  linSkip: nn.Linear | null;
  linBeta: nn.Linear | null;

  constructor(inChannels: number, outChannels: number, opts: TransformerConvOptions = {}) {
    super({ aggr: 'sum' });
    checkPositiveInt('TransformerConv', 'inChannels', inChannels);
    this.outChannels = checkPositiveInt('TransformerConv', 'outChannels', outChannels);
    this.heads = checkPositiveInt('TransformerConv', 'heads', opts.heads ?? 1);
    this.concatHeads = opts.concat ?? true;
    this.dropoutP = checkProbability('TransformerConv', 'dropout', opts.dropout ?? 0);
    this.generator = opts.generator;
    const hc = this.heads * outChannels;
    const g = { generator: opts.generator };
    const bias = opts.bias ?? true;
    this.linKey = new nn.Linear(inChannels, hc, { bias, ...g });
    this.linQuery = new nn.Linear(inChannels, hc, { bias, ...g });
    this.linValue = new nn.Linear(inChannels, hc, { bias, ...g });
    this.linEdge =
      opts.edgeDim !== undefined
        ? new nn.Linear(checkPositiveInt('TransformerConv', 'edgeDim', opts.edgeDim), hc, {
            bias: false,
            ...g,
          })
        : null;
    const outWidth = this.concatHeads ? hc : outChannels;
    const root = opts.rootWeight ?? true;
    this.linSkip = root ? new nn.Linear(inChannels, outWidth, { bias, ...g }) : null;
    this.linBeta = root && opts.beta ? new nn.Linear(3 * outWidth, 1, { bias: false, ...g }) : null;
  }

  forward(x: NodeFeatures, edges: EdgeSet): Tensor {
    const [h, c] = [this.heads, this.outChannels];
    const xs = Array.isArray(x) ? (x[0] as Tensor) : (x as Tensor);
    const xt = Array.isArray(x) ? ((x[1] as Tensor | null) ?? null) : (x as Tensor);
    const query = this.linQuery.forward(xt ?? xs).reshape([(xt ?? xs).shape[0]!, h, c]);
    const key = this.linKey.forward(xs).reshape([xs.shape[0]!, h, c]);
    const value = this.linValue.forward(xs).reshape([xs.shape[0]!, h, c]);
    const out = this.propagateWith(edges, [xs, xt], (ctx) => {
      let keyJ = ctx.gatherSource(key);
      let valueJ = ctx.gatherSource(value);
      if (this.linEdge && ctx.edgeAttr) {
        const ea = ctx.edgeAttr.ndim === 1 ? ctx.edgeAttr.unsqueeze(-1) : ctx.edgeAttr;
        const e = this.linEdge.forward(ea).reshape([ctx.numEdges, h, c]);
        keyJ = keyJ.add(e);
        valueJ = valueJ.add(e);
      }
      const logits = ctx.gatherTarget(query).mul(keyJ).sum(-1).div(Math.sqrt(c));
      let alpha = segmentSoftmax(logits, ctx.targets, ctx.size[1], { hostIndex: ctx.hostTargets });
      alpha = nn.functional.dropout(alpha, this.dropoutP, this.training, { generator: this.generator });
      return valueJ.mul(alpha.unsqueeze(-1));
    });
    let result = this.concatHeads ? out.reshape([out.shape[0]!, h * c]) : out.mean(1);
    if (this.linSkip && xt) {
      const skip = this.linSkip.forward(xt);
      if (this.linBeta) {
        const beta = this.linBeta.forward(concat([result, skip, result.sub(skip)], -1)).sigmoid();
        result = beta.mul(skip).add(beta.neg().add(1).mul(result));
      } else {
        result = result.add(skip);
      }
    }
    return result;
  }
}
