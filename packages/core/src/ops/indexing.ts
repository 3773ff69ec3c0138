import { record } from '../autograd.js';
import { argError, fmtShape } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { arange, cast, fullLike } from './creation.js';
import { assertDType, assertTensor, sameBackend, wrap } from './util.js';

function assertIndex(op: string, index: Tensor, rank?: number): void {
  assertTensor(op, 'index', index);
  assertDType(op, 'index', index, ['int32']);
  if (rank !== undefined && index.ndim !== rank) {
    argError(op, 'index', `a ${rank}-d int32 tensor`, `shape ${fmtShape(index.shape)}`);
  }
}

/**
 * Rows of `x` along `axis` picked by a 1-d int32 `index` (gather of node features per edge).
 * Shapes: x [..., n, ...], index [e] → [..., e, ...]. Gradient: `indexAdd`.
 */
export function indexSelect(x: Tensor, axis: number, index: Tensor): Tensor {
  assertTensor('indexSelect', 'x', x);
  assertIndex('indexSelect', index, 1);
  sameBackend('indexSelect', x, index);
  const a = normalizeAxis('indexSelect', axis, x.ndim);
  const shape = x.shape.map((d, i) => (i === a ? index.shape[0]! : d));
  const out = wrap(x.backend.indexSelect(x, index, a), shape, x.dtype, x.backend);
  return record('indexSelect', out, [x], (dy) => [indexAdd(dy, a, index, x.shape[a]!)]);
}

/**
 * Sums slices of `src` into `dimSize` buckets along `axis` (scatter-add of messages onto nodes).
 * Shapes: src [..., e, ...], index [e] → [..., dimSize, ...]. Gradient: `indexSelect`.
 */
export function indexAdd(src: Tensor, axis: number, index: Tensor, dimSize: number): Tensor {
  assertTensor('indexAdd', 'src', src);
  assertIndex('indexAdd', index, 1);
  sameBackend('indexAdd', src, index);
  const a = normalizeAxis('indexAdd', axis, src.ndim);
  if (index.shape[0] !== src.shape[a]) {
    argError('indexAdd', 'index', `length ${src.shape[a]} (src.shape[${a}])`, `length ${index.shape[0]}`);
  }
  if (!Number.isInteger(dimSize) || dimSize < 0) argError('indexAdd', 'dimSize', 'a non-negative integer', `${dimSize}`);
  const input = src.dtype === 'bool' ? cast(src, 'int32') : src;
  const shape = src.shape.map((d, i) => (i === a ? dimSize : d));
  const out = wrap(src.backend.indexAdd(input, index, a, dimSize), shape, input.dtype, src.backend);
  return record('indexAdd', out, [input], (dy) => [indexSelect(dy, a, index)]);
}

/**
 * torch.gather: out[i][j] = x[index[i][j]][j] for axis 0 (likewise for other axes).
 * Shapes: index has x's rank, index.shape[d] ≤ x.shape[d] off the axis; out has index's shape.
 */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  assertTensor('gather', 'x', x);
  assertIndex('gather', index, x.ndim);
  sameBackend('gather', x, index);
  const a = normalizeAxis('gather', axis, x.ndim);
  index.shape.forEach((d, i) => {
    if (i !== a && d > x.shape[i]!) {
      argError('gather', 'index', `size ≤ ${x.shape[i]} along axis ${i} (x is ${fmtShape(x.shape)})`, fmtShape(index.shape));
    }
  });
  const out = wrap(x.backend.gather(x, index, a), index.shape, x.dtype, x.backend);
  return record('gather', out, [x], (dy) => [scatterAddRaw(dy, index, a, x.shape)]);
}

function scatterAddRaw(src: Tensor, index: Tensor, axis: number, outShape: readonly number[]): Tensor {
  const out = wrap(src.backend.scatterAdd(src, index, axis, outShape), outShape, src.dtype, src.backend);
  return record('scatterAdd', out, [src], (dy) => [gather(dy, axis, index)]);
}

/**
 * Scatter-add as PyTorch Geometric's `scatter(src, index, dim, dimSize, 'sum')`: with a 1-d `index`
 * it sums slices of `src` along `axis` into `dimSize` buckets (see `indexAdd`); with an index of
 * src's rank it is torch.scatter_add onto zeros: out[index[i][j]][j] += src[i][j] (axis 0).
 */
export function scatterAdd(src: Tensor, index: Tensor, axis: number, dimSize: number): Tensor {
  assertTensor('scatterAdd', 'src', src);
  assertTensor('scatterAdd', 'index', index);
  if (index.ndim === 1 && src.ndim !== 1) return indexAdd(src, axis, index, dimSize);
  assertIndex('scatterAdd', index, src.ndim);
  sameBackend('scatterAdd', src, index);
  const a = normalizeAxis('scatterAdd', axis, src.ndim);
  if (index.shape.some((d, i) => d !== src.shape[i])) {
    argError('scatterAdd', 'index', `shape ${fmtShape(src.shape)} (src's) or a 1-d index`, fmtShape(index.shape));
  }
  if (!Number.isInteger(dimSize) || dimSize < 0) argError('scatterAdd', 'dimSize', 'a non-negative integer', `${dimSize}`);
  const input = src.dtype === 'bool' ? cast(src, 'int32') : src;
  return scatterAddRaw(
    input,
    index,
    a,
    src.shape.map((d, i) => (i === a ? dimSize : d)),
  );
}

/** Mean of the slices scattered into each bucket (0 for empty buckets), PyG's reduce='mean'. */
export function scatterMean(src: Tensor, index: Tensor, axis: number, dimSize: number): Tensor {
  const values = src.dtype === 'float32' ? src : cast(src, 'float32');
  const total = scatterAdd(values, index, axis, dimSize);
  const counts = scatterAdd(fullLike(values, 1), index, axis, dimSize).maximum(1);
  return total.div(counts);
}

/** One-hot float32 encoding: [...] int32 → [..., numClasses]. */
export function oneHot(indices: Tensor, numClasses: number): Tensor {
  assertIndex('oneHot', indices);
  if (!Number.isInteger(numClasses) || numClasses < 1) argError('oneHot', 'numClasses', 'a positive integer', `${numClasses}`);
  const classes = arange(0, numClasses);
  const c = classes.backend === indices.backend ? classes : classes.to(indices.backend.name);
  return indices.unsqueeze(-1).eq(c).float();
}
