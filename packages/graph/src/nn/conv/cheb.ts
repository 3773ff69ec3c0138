import { type nn, type Tensor, tensor } from '@erlangen/core';
import { Graph } from '../../data/graph.js';
import { argError, checkPositiveInt } from '../../errors.js';
import { glorotLinear, type LayerInitOptions, zeroBias } from '../init.js';
import { type EdgeContext, MessagePassing } from '../message-passing.js';

export interface ChebConvOptions extends LayerInitOptions {
  /** Laplacian: 'sym' I − D^−½AD^−½ (default), 'rw' I − D^−1A, or 'none' D − A. */
  normalization?: 'sym' | 'rw' | 'none';
  /** Largest eigenvalue used to rescale L to [−1, 1] (default 2, exact bound for 'sym'). */
  lambdaMax?: number;
  bias?: boolean;
}

/**
 * Chebyshev spectral graph convolution (Defferrard et al. 2016; PyG `ChebConv`):
 * X' = Σ_{k<K} T_k(L̂) X Θ_k, with L̂ = 2L/λ_max − I and T_0 = I, T_1 = L̂, T_k = 2L̂T_{k−1} − T_{k−2}.
 * Shapes: x [N, in] → [N, out].
 */
export class ChebConv extends MessagePassing {
  readonly K: number;
  readonly normalization: 'sym' | 'rw' | 'none';
  readonly lambdaMax: number;
  lins: nn.Linear[];
  bias: Tensor | null;

  constructor(inChannels: number, outChannels: number, K: number, opts: ChebConvOptions = {}) {
    super({ aggr: 'sum' });
    checkPositiveInt('ChebConv', 'inChannels', inChannels);
    checkPositiveInt('ChebConv', 'outChannels', outChannels);
    this.K = checkPositiveInt('ChebConv', 'K', K);
    this.normalization = opts.normalization ?? 'sym';
    if (!['sym', 'rw', 'none'].includes(this.normalization))
      argError('ChebConv', 'normalization', "'sym', 'rw' or 'none'", String(opts.normalization));
    this.lambdaMax = opts.lambdaMax ?? 2;
    if (!(this.lambdaMax > 0)) argError('ChebConv', 'lambdaMax', 'a positive number', String(opts.lambdaMax));
    this.lins = Array.from({ length: K }, () => glorotLinear(inChannels, outChannels, opts));
    this.bias = zeroBias(outChannels, opts.bias ?? true);
  }

  /**
   * The scaled Laplacian L̂ as a weighted graph: off-diagonal entries −(2/λ)·Â_ji per edge, and one
   * diagonal entry per node, 2·L_ii/λ − 1 (PyG's `__norm__`, its two diagonal entries merged).
   * Degrees are summed by source, as PyG's `get_laplacian`.
   */
  scaledLaplacian(graph: Graph): Graph {
    const n = graph.numNodes;
    const w = graph.edgeWeight ? (graph.edgeWeight.dataSync() as Float32Array) : null;
    const keep: number[] = [];
    const deg = new Float64Array(n);
    for (let e = 0; e < graph.numEdges; e++) {
      if (graph.src[e] === graph.dst[e]) continue;
      keep.push(e);
      deg[graph.src[e]!]! += w ? w[e]! : 1;
    }
    const m = keep.length;
    const src = new Int32Array(m + n);
    const dst = new Int32Array(m + n);
    const values = new Float32Array(m + n);
    const scale = 2 / this.lambdaMax;
    keep.forEach((e, k) => {
      const j = graph.src[e]!;
      const i = graph.dst[e]!;
      const a = w ? w[e]! : 1;
      let v: number;
      if (this.normalization === 'sym') v = deg[j]! > 0 && deg[i]! > 0 ? a / Math.sqrt(deg[j]! * deg[i]!) : 0;
      else if (this.normalization === 'rw') v = deg[j]! > 0 ? a / deg[j]! : 0;
      else v = a;
      src[k] = j;
      dst[k] = i;
      values[k] = -scale * v;
    });
    for (let i = 0; i < n; i++) {
      const diag = this.normalization === 'none' ? deg[i]! : 1;
      src[m + i] = dst[m + i] = i;
      values[m + i] = scale * diag - 1;
    }
    return new Graph({ edgeIndex: { src, dst }, numNodes: n, edgeWeight: tensor(values, [m + n]) });
  }

  forward(x: Tensor, graph: Graph): Tensor {
    const lap = this.scaledLaplacian(graph);
    let tPrev = x;
    let out = this.lins[0]!.forward(x);
    if (this.K > 1) {
      let tCur = this.propagate(lap, x);
      out = out.add(this.lins[1]!.forward(tCur));
      for (let k = 2; k < this.K; k++) {
        const tNext = this.propagate(lap, tCur).mul(2).sub(tPrev);
        out = out.add(this.lins[k]!.forward(tNext));
        tPrev = tCur;
        tCur = tNext;
      }
    }
    return this.bias ? out.add(this.bias) : out;
  }

  override message(ctx: EdgeContext): Tensor {
    return ctx.xJ.mul(ctx.edgeWeight!.unsqueeze(-1));
  }
}
