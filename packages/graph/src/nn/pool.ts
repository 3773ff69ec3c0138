/**
 * Graph-level readout: global sum/mean/max pooling over the nodes of each graph of a batch,
 * attention pooling and top-k pooling. `batch` is the int32 [N] graph id of every node
 * (`Batch.batch`); without it all nodes form one graph.
 */
import { nn, type Tensor, tensor } from '@erlangen/core';
import { Graph } from '../data/graph.js';
import { argError, fmtShape } from '../errors.js';
import { scatter, segmentSoftmax } from '../ops/scatter.js';
import type { LayerInitOptions } from './init.js';

function pool(
  op: string,
  x: Tensor,
  batch: Tensor | undefined,
  size: number | undefined,
  reduce: 'sum' | 'mean' | 'max',
) {
  if (x.ndim < 1) argError(op, 'x', 'node features [N, F]', fmtShape(x.shape));
  if (!batch) {
    if (reduce === 'sum') return x.sum(0, true);
    if (reduce === 'mean') return x.mean(0, true);
    return x.max(0, true);
  }
  if (batch.dtype !== 'int32' || batch.ndim !== 1 || batch.shape[0] !== x.shape[0])
    argError(
      op,
      'batch',
      `an int32 tensor of shape [${x.shape[0]}]`,
      `${batch.dtype} ${fmtShape(batch.shape)}`,
    );
  const numGraphs = size ?? (batch.shape[0] === 0 ? 0 : (batch.max().item() as number) + 1);
  return scatter(x, batch, numGraphs, reduce);
}

/** Σ of node features per graph: x [N, F], batch [N] → [numGraphs, F]. */
export function globalAddPool(x: Tensor, batch?: Tensor, size?: number): Tensor {
  return pool('globalAddPool', x, batch, size, 'sum');
}
/** Mean of node features per graph: x [N, F], batch [N] → [numGraphs, F]. */
export function globalMeanPool(x: Tensor, batch?: Tensor, size?: number): Tensor {
  return pool('globalMeanPool', x, batch, size, 'mean');
}
/** Elementwise max of node features per graph: x [N, F], batch [N] → [numGraphs, F]. */
export function globalMaxPool(x: Tensor, batch?: Tensor, size?: number): Tensor {
  return pool('globalMaxPool', x, batch, size, 'max');
}

/**
 * Soft attention readout (Li et al. 2016; PyG `AttentionalAggregation`): per graph,
 * r = Σ_i softmax_i(gate(x_i)) · h(x_i). `gate` maps [N, F] → [N, 1] (or [N, F']); `h` defaults
 * to the identity. Shapes: x [N, F], batch [N] → [numGraphs, F'].
 */
export class AttentionalAggregation extends nn.Module {
  gate: nn.Module;
  transform: nn.Module | null;
  constructor(gate: nn.Module, transform?: nn.Module) {
    super();
    this.gate = gate;
    this.transform = transform ?? null;
  }
  forward(x: Tensor, batch?: Tensor, size?: number): Tensor {
    const n = x.shape[0]!;
    const index = batch ?? tensor(new Int32Array(n), [n], 'int32');
    const numGraphs = batch ? (size ?? (batch.max().item() as number) + 1) : 1;
    const scores = this.gate.forward(x) as Tensor;
    if (scores.ndim !== 2 || scores.shape[0] !== n)
      argError('AttentionalAggregation', 'gate', `an output of shape [${n}, 1 or F]`, fmtShape(scores.shape));
    const weights = segmentSoftmax(scores, index, numGraphs);
    const values = this.transform ? (this.transform.forward(x) as Tensor) : x;
    return scatter(weights.mul(values), index, numGraphs, 'sum');
  }
}

export interface TopKPoolingResult {
  /** Kept node features, gated by their score: [K, F]. */
  x: Tensor;
  /** The graph on the kept nodes (relabelled 0..K−1; edges with both ends kept). */
  graph: Graph;
  /** int32 [K] graph id of each kept node. */
  batch: Tensor;
  /** Original ids of the kept nodes, graph by graph, best score first. */
  perm: Int32Array;
  /** tanh scores of the kept nodes [K]. */
  score: Tensor;
}

/**
 * Top-k pooling (Gao & Ji 2019, Cangea et al. 2018; PyG `TopKPooling`): score y = tanh(X p / ‖p‖),
 * keep the ⌈ratio·n_g⌉ best nodes of every graph, X' = X[idx] ⊙ y[idx]. The selection is made on
 * the host (scores are read back), the gating keeps p trainable.
 */
export class TopKPooling extends nn.Module {
  readonly ratio: number;
  /** [1, inChannels] projection vector p. */
  weight: Tensor;
  constructor(inChannels: number, ratio = 0.5, opts: LayerInitOptions = {}) {
    super();
    if (!(ratio > 0 && ratio <= 1)) argError('TopKPooling', 'ratio', 'a number in (0, 1]', String(ratio));
    this.ratio = ratio;
    const bound = 1 / Math.sqrt(inChannels);
    this.weight = nn.init
      .uniform([1, inChannels], -bound, bound, { generator: opts.generator })
      .requireGrad();
  }

  /**
   * Selection with a synchronous read of the scores (`cpu`, `wasm`). On a backend that reads only
   * asynchronously (`webgpu`) use `forwardAsync`.
   */
  forward(x: Tensor, graph: Graph, batch?: Tensor): TopKPoolingResult {
    const score = this.score(x, graph);
    const ids = batch ? (batch.dataSync() as Int32Array) : new Int32Array(x.shape[0]!);
    return this.select(x, graph, score, score.dataSync() as Float32Array, ids);
  }

  /** As `forward`, reading the scores with `await data()`: works on every backend. */
  async forwardAsync(x: Tensor, graph: Graph, batch?: Tensor): Promise<TopKPoolingResult> {
    const score = this.score(x, graph);
    const ids = batch ? ((await batch.data()) as Int32Array) : new Int32Array(x.shape[0]!);
    return this.select(x, graph, score, (await score.data()) as Float32Array, ids);
  }

  /** tanh(X p / ‖p‖): [N, F] → [N]. */
  private score(x: Tensor, graph: Graph): Tensor {
    if (x.ndim !== 2 || x.shape[0] !== graph.numNodes)
      argError('TopKPooling', 'x', `[${graph.numNodes}, F] (graph.numNodes rows)`, fmtShape(x.shape));
    return x.mul(this.weight).sum(-1).div(this.weight.square().sum().sqrt()).tanh();
  }

  /** Keeps the ⌈ratio·n_g⌉ best nodes per graph (host side) and builds the pooled graph. */
  private select(
    x: Tensor,
    graph: Graph,
    score: Tensor,
    values: Float32Array,
    ids: Int32Array,
  ): TopKPoolingResult {
    const n = x.shape[0]!;
    const byGraph = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const list = byGraph.get(ids[i]!) ?? [];
      list.push(i);
      byGraph.set(ids[i]!, list);
    }
    const perm: number[] = [];
    const newBatch: number[] = [];
    for (const g of [...byGraph.keys()].sort((a, b) => a - b)) {
      const nodes = byGraph.get(g)!.sort((a, b) => values[b]! - values[a]! || a - b);
      const k = Math.ceil(this.ratio * nodes.length);
      for (const i of nodes.slice(0, k)) {
        perm.push(i);
        newBatch.push(g);
      }
    }
    const permArr = Int32Array.from(perm);
    const permT = tensor(permArr, [perm.length], 'int32');
    const kept = score.indexSelect(0, permT);
    const newId = new Int32Array(n).fill(-1);
    permArr.forEach((v, k) => {
      newId[v] = k;
    });
    const src: number[] = [];
    const dst: number[] = [];
    const edgeIds: number[] = [];
    for (let e = 0; e < graph.numEdges; e++) {
      const a = newId[graph.src[e]!]!;
      const b = newId[graph.dst[e]!]!;
      if (a >= 0 && b >= 0) {
        src.push(a);
        dst.push(b);
        edgeIds.push(e);
      }
    }
    const edgeSel = tensor(Int32Array.from(edgeIds), [edgeIds.length], 'int32');
    const pooled = new Graph({
      edgeIndex: [src, dst],
      numNodes: perm.length,
      edgeAttr: graph.edgeAttr?.indexSelect(0, edgeSel),
      edgeWeight: graph.edgeWeight?.indexSelect(0, edgeSel),
    });
    return {
      x: x.indexSelect(0, permT).mul(kept.unsqueeze(-1)),
      graph: pooled,
      batch: tensor(Int32Array.from(newBatch), [newBatch.length], 'int32'),
      perm: permArr,
      score: kept,
    };
  }
}
