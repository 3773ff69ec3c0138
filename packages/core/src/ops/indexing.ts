import { record } from '../autograd.js';
import { argError, fmtShape } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { arange, cast, fullLike } from './creation.js';
import { asOp, assertDType, assertMinRank, assertTensor, sameBackend, wrap } from './util.js';

function assertIndex(op: string, index: Tensor, rank?: number): void {
  assertTensor(op, 'index', index);
  assertDType(op, 'index', index, ['int32']);
  if (rank !== undefined && index.ndim !== rank) {
    argError(op, 'index', `a ${rank}-d int32 tensor`, `shape ${fmtShape(index.shape)}`);
  }
}

function assertDimSize(op: string, dimSize: number): void {
  if (!Number.isInteger(dimSize) || dimSize < 0)
    argError(op, 'dimSize', 'a non-negative integer', `${dimSize}`);
}

/*
 * Every backward below reads `index`, which is not a differentiable input: it is passed as a saved
 * tensor so that tidy keeps it alive with the graph.
 */

/**
 * Rows of `x` along `axis` picked by a 1-d int32 `index` (gather of node features per edge).
 * Shapes: x [..., n, ...], index [e] → [..., e, ...]. Gradient: `indexAdd`.
 */
export function indexSelect(x: Tensor, axis: number, index: Tensor): Tensor {
  assertTensor('indexSelect', 'x', x);
  assertMinRank('indexSelect', 'x', x, 1);
  assertIndex('indexSelect', index, 1);
  sameBackend('indexSelect', x, index);
  const a = normalizeAxis('indexSelect', axis, x.ndim);
  const shape = x.shape.map((d, i) => (i === a ? index.shape[0]! : d));
  const out = wrap(x.backend.indexSelect(x, index, a), shape, x.dtype, x.backend);
  return record('indexSelect', out, [x], (dy) => [indexAddRaw(dy, a, index, x.shape[a]!)], [index]);
}

/**
 * Sums slices of `src` into `dimSize` buckets along `axis` (scatter-add of messages onto nodes):
 * out[..., index[i], ...] += src[..., i, ...], as torch.zeros(...).index_add_(axis, index, src).
 * Shapes: src [..., e, ...], index [e] → [..., dimSize, ...]. Gradient: `indexSelect`.
 */
export function indexAdd(src: Tensor, axis: number, index: Tensor, dimSize: number): Tensor {
  return indexAddAs('indexAdd', src, axis, index, dimSize);
}

function indexAddAs(op: string, src: Tensor, axis: number, index: Tensor, dimSize: number): Tensor {
  assertTensor(op, 'src', src);
  assertMinRank(op, 'src', src, 1);
  assertIndex(op, index, 1);
  sameBackend(op, src, index);
  const a = normalizeAxis(op, axis, src.ndim);
  if (index.shape[0] !== src.shape[a]) {
    argError(op, 'index', `length ${src.shape[a]} (src.shape[${a}])`, `length ${index.shape[0]}`);
  }
  assertDimSize(op, dimSize);
  const input = src.dtype === 'bool' ? cast(src, 'int32') : src;
  return asOp(op, 'indexAdd', () => indexAddRaw(input, a, index, dimSize));
}

function indexAddRaw(src: Tensor, axis: number, index: Tensor, dimSize: number): Tensor {
  const shape = src.shape.map((d, i) => (i === axis ? dimSize : d));
  const out = wrap(src.backend.indexAdd(src, index, axis, dimSize), shape, src.dtype, src.backend);
  return record('indexAdd', out, [src], (dy) => [indexSelect(dy, axis, index)], [index]);
}

/**
 * torch.gather: out[i][j] = x[index[i][j]][j] for axis 0 (likewise for other axes).
 * Shapes: index has x's rank, index.shape[d] ≤ x.shape[d] off the axis; out has index's shape.
 */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  assertTensor('gather', 'x', x);
  assertMinRank('gather', 'x', x, 1);
  assertIndex('gather', index, x.ndim);
  sameBackend('gather', x, index);
  const a = normalizeAxis('gather', axis, x.ndim);
  index.shape.forEach((d, i) => {
    if (i !== a && d > x.shape[i]!) {
      argError(
        'gather',
        'index',
        `size ≤ ${x.shape[i]} along axis ${i} (x is ${fmtShape(x.shape)})`,
        fmtShape(index.shape),
      );
    }
  });
  const out = wrap(x.backend.gather(x, index, a), index.shape, x.dtype, x.backend);
  return record('gather', out, [x], (dy) => [scatterAddRaw(dy, index, a, x.shape)], [index]);
}

function scatterAddRaw(src: Tensor, index: Tensor, axis: number, outShape: readonly number[]): Tensor {
  const out = wrap(src.backend.scatterAdd(src, index, axis, outShape), outShape, src.dtype, src.backend);
  return record('scatterAdd', out, [src], (dy) => [gather(dy, axis, index)], [index]);
}

/**
 * Scatter-add as PyTorch Geometric's `scatter(src, index, dim, dimSize, 'sum')`: with a 1-d `index`
 * it sums slices of `src` along `axis` into `dimSize` buckets (see `indexAdd`); with an index of
 * src's shape it is torch.scatter_add onto zeros: out[index[i][j]][j] += src[i][j] (axis 0).
 */
export function scatterAdd(src: Tensor, index: Tensor, axis: number, dimSize: number): Tensor {
  return scatterAddAs('scatterAdd', src, index, axis, dimSize);
}

function scatterAddAs(op: string, src: Tensor, index: Tensor, axis: number, dimSize: number): Tensor {
  assertTensor(op, 'src', src);
  assertMinRank(op, 'src', src, 1);
  assertIndex(op, index);
  if (index.ndim === 1 && src.ndim !== 1) return indexAddAs(op, src, axis, index, dimSize);
  sameBackend(op, src, index);
  const a = normalizeAxis(op, axis, src.ndim);
  if (index.ndim !== src.ndim || index.shape.some((d, i) => d !== src.shape[i])) {
    argError(op, 'index', `shape ${fmtShape(src.shape)} (src's) or a 1-d index`, fmtShape(index.shape));
  }
  assertDimSize(op, dimSize);
  const input = src.dtype === 'bool' ? cast(src, 'int32') : src;
  const outShape = src.shape.map((d, i) => (i === a ? dimSize : d));
  return asOp(op, 'scatterAdd', () => scatterAddRaw(input, index, a, outShape));
}

/** Mean of the slices scattered into each bucket (0 for empty buckets), PyG's reduce='mean'. */
export function scatterMean(src: Tensor, index: Tensor, axis: number, dimSize: number): Tensor {
  assertTensor('scatterMean', 'src', src);
  const values = src.dtype === 'float32' ? src : cast(src, 'float32');
  const total = scatterAddAs('scatterMean', values, index, axis, dimSize);
  const counts = scatterAddAs('scatterMean', fullLike(values, 1), index, axis, dimSize).maximum(1);
  return total.div(counts);
}

/** One-hot float32 encoding: [...] int32 → [..., numClasses]. */
export function oneHot(indices: Tensor, numClasses: number): Tensor {
  assertIndex('oneHot', indices);
  if (!Number.isInteger(numClasses) || numClasses < 1)
    argError('oneHot', 'numClasses', 'a positive integer', `${numClasses}`);
  // An out-of-range class would silently encode as all zeros; check where the values can be read.
  if (indices.backend.canReadSync && indices.size > 0) {
    const values = indices.backend.readSync(indices.id, indices.dtype, indices.size);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < 0 || v >= numClasses) {
        argError('oneHot', 'indices', `values in [0, ${numClasses - 1}]`, `${v} at position ${i}`);
      }
    }
  }
  const classes = arange(0, numClasses);
  const c = classes.backend === indices.backend ? classes : classes.to(indices.backend.name);
  return indices.unsqueeze(-1).eq(c).float();
}
