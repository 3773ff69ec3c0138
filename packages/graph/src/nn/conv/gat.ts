import { concat, leakyRelu, nn, type Tensor, tensor } from '@erlangen/core';
import { Graph } from '../../data/graph.js';
import { checkPositiveInt, checkProbability } from '../../errors.js';
import { scatterMeanRows, segmentSoftmax } from '../../ops/scatter.js';
import { linearOf, type SparseMatrix } from '../../ops/sparse.js';
import { glorot, glorotLinear, type LayerInitOptions, zeroBias } from '../init.js';
import { type EdgeSet, MessagePassing } from '../message-passing.js';

export type GATInput = Tensor | SparseMatrix | readonly [Tensor | SparseMatrix, Tensor | SparseMatrix | null];

export interface GATConvOptions extends LayerInitOptions {
  /** Attention heads (default 1). */
  heads?: number;
  /** Concatenate the heads (default true) or average them. */
  concat?: boolean;
  /** Slope of the LeakyReLU on attention logits (default 0.2). */
  negativeSlope?: number;
  /** Dropout on the attention coefficients in training (default 0). */
  dropout?: number;
  /** Replace existing self-loops by one per node (default true; plain graphs only). */
  addSelfLoops?: boolean;
  /** Width of edge features to include in the attention logits. */
  edgeDim?: number;
  bias?: boolean;
}

export interface GATOutput {
  /** [N_target, heads·out] (concat) or [N_target, out]. */
  out: Tensor;
  /** The edges attended over (with the self-loops GAT added). */
  edges: EdgeSet;
  /** α [E', heads]: the attention of every edge; sums to 1 over each target's incoming edges. */
  attention: Tensor;
}

/**
 * Graph attention (Veličković et al. 2018; PyG `GATConv`, the original "GAT" scoring):
 * α_ij = softmax_j LeakyReLU(a_srcᵀ W x_j + a_dstᵀ W x_i [+ a_edgeᵀ W_e e_ij]), x'_i = Σ_j α_ij W x_j,
 * per head, heads concatenated or averaged, + bias. Shapes: x [N, in] → [N, heads·out] or [N, out].
 */
export class GATConv extends MessagePassing {
  readonly heads: number;
  readonly outChannels: number;
  readonly concatHeads: boolean;
  readonly negativeSlope: number;
  readonly dropoutP: number;
  readonly addLoops: boolean;
  readonly generator: LayerInitOptions['generator'];
  lin: nn.Linear;
  /** [1, heads, out] */
  attSrc: Tensor;
  /** [1, heads, out] */
  attDst: Tensor;
  linEdge: nn.Linear | null;
  attEdge: Tensor | null;
  bias: Tensor | null;

  constructor(inChannels: number, outChannels: number, opts: GATConvOptions = {}) {
    super({ aggr: 'sum' });
    checkPositiveInt('GATConv', 'inChannels', inChannels);
    this.outChannels = checkPositiveInt('GATConv', 'outChannels', outChannels);
    this.heads = checkPositiveInt('GATConv', 'heads', opts.heads ?? 1);
    this.concatHeads = opts.concat ?? true;
    this.negativeSlope = opts.negativeSlope ?? 0.2;
    this.dropoutP = checkProbability('GATConv', 'dropout', opts.dropout ?? 0);
    this.addLoops = opts.addSelfLoops ?? true;
    this.generator = opts.generator;
    const h = this.heads;
    this.lin = glorotLinear(inChannels, h * outChannels, opts);
    this.attSrc = glorot([1, h, outChannels], opts);
    this.attDst = glorot([1, h, outChannels], opts);
    if (opts.edgeDim !== undefined) {
      checkPositiveInt('GATConv', 'edgeDim', opts.edgeDim);
      this.linEdge = glorotLinear(opts.edgeDim, h * outChannels, opts);
      this.attEdge = glorot([1, h, outChannels], opts);
    } else {
      this.linEdge = null;
      this.attEdge = null;
    }
    this.bias = zeroBias(this.concatHeads ? h * outChannels : outChannels, opts.bias ?? true);
  }

  /** The edge set attention runs over: self-loops replaced by one per node, as PyG. */
  attentionEdges(edges: EdgeSet): EdgeSet {
    if (!this.addLoops || !(edges instanceof Graph)) return edges;
    const n = edges.numNodes;
    const keep: number[] = [];
    for (let e = 0; e < edges.numEdges; e++) if (edges.src[e] !== edges.dst[e]) keep.push(e);
    const src = new Int32Array(keep.length + n);
    const dst = new Int32Array(keep.length + n);
    keep.forEach((e, k) => {
      src[k] = edges.src[e]!;
      dst[k] = edges.dst[e]!;
    });
    for (let i = 0; i < n; i++) src[keep.length + i] = dst[keep.length + i] = i;
    let edgeAttr: Tensor | undefined;
    if (edges.edgeAttr && this.linEdge) {
      // Self-loop features: the mean of each node's incoming edge features (PyG fill_value='mean').
      const kept = edges.edgeAttr.indexSelect(0, tensor(Int32Array.from(keep), [keep.length], 'int32'));
      const attr2d = kept.ndim === 1 ? kept.unsqueeze(-1) : kept;
      const targets = tensor(Int32Array.from(keep.map((e) => edges.dst[e]!)), [keep.length], 'int32');
      edgeAttr = concat([attr2d, scatterMeanRows(attr2d, targets, n)], 0);
    }
    return new Graph({ edgeIndex: { src, dst }, numNodes: n, edgeAttr });
  }

  /** x: [N, in] (dense or a SparseMatrix), or a [source, target] pair. */
  forward(x: GATInput, edges: EdgeSet): Tensor {
    return this.forwardWithAttention(x, edges).out;
  }

  /** Like `forward`, also returning the attention coefficients and the edges they belong to. */
  forwardWithAttention(x: GATInput, edges: EdgeSet): GATOutput {
    const [h, c] = [this.heads, this.outChannels];
    const xs = Array.isArray(x) ? x[0] : (x as Tensor | SparseMatrix);
    const xt = Array.isArray(x) ? (x[1] ?? null) : (x as Tensor | SparseMatrix);
    const hs = linearOf(this.lin, xs).reshape([xs.shape[0]!, h, c]);
    const ht = xt === xs ? hs : xt ? linearOf(this.lin, xt).reshape([xt.shape[0]!, h, c]) : null;
    const scoreSrc = hs.mul(this.attSrc).sum(-1); // [N_src, heads]
    const scoreDst = ht ? ht.mul(this.attDst).sum(-1) : null; // [N_dst, heads]
    const att = this.attentionEdges(edges);
    let attention: Tensor | undefined;
    const out = this.propagateWith(att, hs, (ctx) => {
      let logits = ctx.gatherSource(scoreSrc);
      if (scoreDst) logits = logits.add(ctx.gatherTarget(scoreDst));
      if (this.linEdge && this.attEdge && ctx.edgeAttr) {
        const ea = ctx.edgeAttr.ndim === 1 ? ctx.edgeAttr.unsqueeze(-1) : ctx.edgeAttr;
        const we = this.linEdge.forward(ea).reshape([ctx.numEdges, h, c]);
        logits = logits.add(we.mul(this.attEdge).sum(-1));
      }
      let alpha = segmentSoftmax(leakyRelu(logits, this.negativeSlope), ctx.targets, ctx.size[1], {
        hostIndex: ctx.hostTargets,
      });
      attention = alpha;
      alpha = nn.functional.dropout(alpha, this.dropoutP, this.training, { generator: this.generator });
      return ctx.xJ.mul(alpha.unsqueeze(-1));
    });
    let result = this.concatHeads ? out.reshape([out.shape[0]!, h * c]) : out.mean(1);
    if (this.bias) result = result.add(this.bias);
    return { out: result, edges: att, attention: attention! };
  }
}
