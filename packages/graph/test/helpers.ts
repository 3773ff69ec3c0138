/**
 * Test helpers: random permutations of graphs; the gradient check and error measure come from
 * `@erlangen/core/testing`, the same ones core's own tests use.
 */
import { type Tensor, tensor } from '@erlangen/core';

export { gradcheck, maxAbsDiff } from '@erlangen/core/testing';

import { Graph, HostRandom } from '../src/index.js';

/**
 * A random permutation π of the nodes and the permuted graph: node i becomes π[i], so
 * x'[π[i]] = x[i] and edges (j, i) → (π[j], π[i]); edge order is shuffled too.
 */
export function permuteGraph(
  graph: Graph,
  seed: number,
): { graph: Graph; perm: Int32Array; inverse: Tensor } {
  const rng = new HostRandom(seed);
  const perm = rng.permutation(graph.numNodes);
  const edgeOrder = rng.permutation(graph.numEdges);
  const inv = new Int32Array(graph.numNodes);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  const inverse = tensor(inv, [inv.length], 'int32'); // x' = x.indexSelect(0, inverse)
  const edgeSel = tensor(edgeOrder, [edgeOrder.length], 'int32');
  const src = Int32Array.from(edgeOrder, (e) => perm[graph.src[e]!]!);
  const dst = Int32Array.from(edgeOrder, (e) => perm[graph.dst[e]!]!);
  return {
    perm,
    inverse,
    graph: new Graph({
      edgeIndex: { src, dst },
      numNodes: graph.numNodes,
      x: graph.x?.indexSelect(0, inverse),
      edgeAttr: graph.edgeAttr?.indexSelect(0, edgeSel),
      edgeWeight: graph.edgeWeight?.indexSelect(0, edgeSel),
    }),
  };
}
