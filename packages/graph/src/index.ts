/**
 * @erlangen/graph: graphs and sets for Erlangen — data (Graph, Batch, utilities, graphology
 * conversion), message passing with gather / scatter kernels, the standard GNN layers, pooling,
 * DeepSets and permutation-equivariant layers, and real data sets.
 */

export { Batch } from './data/batch.js';
export { type Csr, fromCsr, toCsr } from './data/csr.js';
export {
  checkNodeRange,
  type EdgeIndexLike,
  edgeIndexTensor,
  type HostEdges,
  toHostEdges,
} from './data/edge-index.js';
export { Graph, type GraphInit } from './data/graph.js';
export {
  type FromGraphologyOptions,
  type FromGraphologyResult,
  fromGraphology,
  type ToGraphologyOptions,
  toGraphology,
} from './data/graphology.js';
export { HostRandom } from './data/random.js';
export { type NodeSplit, randomNodeSplit, stratifiedKFold } from './data/split.js';
export { type KHopResult, kHopSubgraph, type SubgraphResult, subgraph } from './data/subgraph.js';
export {
  addRemainingSelfLoops,
  addSelfLoops,
  type CoalesceReduce,
  coalesce,
  degree,
  filterEdges,
  type GcnNormOptions,
  gcnNorm,
  removeSelfLoops,
  toUndirected,
} from './data/transforms.js';
export * from './datasets/index.js';
export { ChebConv, type ChebConvOptions } from './nn/conv/cheb.js';
export { GATConv, type GATConvOptions, type GATInput, type GATOutput } from './nn/conv/gat.js';
export { GCNConv, type GCNConvOptions } from './nn/conv/gcn.js';
export { GINConv, type GINConvOptions } from './nn/conv/gin.js';
export { GraphConv } from './nn/conv/graph-conv.js';
export { SAGEConv, type SAGEConvOptions } from './nn/conv/sage.js';
export { TransformerConv, type TransformerConvOptions } from './nn/conv/transformer.js';
export type { LayerInitOptions } from './nn/init.js';
export {
  type Aggregation,
  type BipartiteEdges,
  EdgeContext,
  type EdgeSet,
  edgeSetSize,
  MessagePassing,
  type NodeFeatures,
} from './nn/message-passing.js';
export {
  AttentionalAggregation,
  globalAddPool,
  globalMaxPool,
  globalMeanPool,
  TopKPooling,
  type TopKPoolingResult,
} from './nn/pool.js';
export {
  type ScatterOptions,
  type ScatterReduce,
  scatter,
  scatterExtremePadded,
  scatterMax,
  scatterMeanRows as scatterMean,
  scatterMin,
  scatterSum,
  segmentSoftmax,
} from './ops/scatter.js';
export { linearOf, SparseMatrix, sparseDropout, spmm } from './ops/sparse.js';
export { DeepSets, PermEquivariantLinear, poolSet, type SetPool, singleSet } from './sets/deep-sets.js';
export {
  EquivariantLinear,
  equivariantBasis,
  equivariantMaps,
  numEquivariantMaps,
  setPartitions,
  type TensorOrder,
} from './sets/maron.js';
