/**
 * Per-segment reductions along axis 0, PyTorch Geometric's `scatter(src, index, dim=0, dim_size, reduce)`:
 * row e of `src` belongs to segment `index[e]`. Sum and mean are core's `indexAdd` (a first-class
 * kernel on every backend); max and min are this package's plugin kernels; the segment softmax is
 * composed of them. Shapes everywhere: src [E, ...rest], index int32 [E] → [dimSize, ...rest].
 */
import {
  concat,
  defineOp,
  full,
  fullLike,
  hasKernel,
  indexAdd,
  indexSelect,
  noGrad,
  runKernel,
  Tensor,
  tensor,
  where,
  zeros,
} from '@erlangen/core';
import { argError, checkNonNegativeInt, fmtShape } from '../errors.js';
import { registerSegmentKernels, type SegmentReduceAttrs } from './segment-kernels.js';

registerSegmentKernels();

export type ScatterReduce = 'sum' | 'add' | 'mean' | 'max' | 'min';

export interface ScatterOptions {
  /**
   * A host copy of `index` (a Graph's `dst`, a Batch's `batchIds`). On a backend with neither this
   * package's max/min kernel nor synchronous reads (webgpu), max/min are then computed from core
   * kernels alone: rows gathered into a padded [dimSize, maxCount, ...] block and reduced.
   */
  hostIndex?: Int32Array;
}

function checkScatterArgs(op: string, src: Tensor, index: Tensor, dimSize: number): void {
  if (!(src instanceof Tensor)) argError(op, 'src', 'a Tensor', String(src));
  if (!(index instanceof Tensor)) argError(op, 'index', 'an int32 Tensor', String(index));
  if (src.ndim < 1) argError(op, 'src', 'a tensor of rank ≥ 1 ([E, ...])', `shape ${fmtShape(src.shape)}`);
  if (index.dtype !== 'int32') argError(op, 'index', 'an int32 tensor', `dtype ${index.dtype}`);
  if (index.ndim !== 1 || index.shape[0] !== src.shape[0]) {
    argError(op, 'index', `shape [${src.shape[0]}] (one segment id per row of src)`, fmtShape(index.shape));
  }
  checkNonNegativeInt(op, 'dimSize', dimSize);
}

/**
 * Differentiable segment max/min. The gradient is shared evenly among the rows that attain the
 * extreme (torch.scatter_reduce's rule for 'amax'), written with indexSelect/indexAdd so it is
 * itself differentiable and runs on any backend.
 */
function extremeOp(kernel: 'graph.segmentMax' | 'graph.segmentMin') {
  return defineOp<SegmentReduceAttrs>(kernel, {
    forward: ([src, index], attrs) => runKernel(kernel, [src!, index!], attrs)[0]!,
    backward: (dy, [src, index], out, attrs) => {
      const hit = src!.eq(indexSelect(out, 0, index!)).float();
      const count = indexAdd(hit, 0, index!, attrs.numSegments).maximum(1);
      return [indexSelect(dy.div(count), 0, index!).mul(hit), null];
    },
  });
}

const segmentMaxOp = extremeOp('graph.segmentMax');
const segmentMinOp = extremeOp('graph.segmentMin');

/** Σ of the rows of each segment (0 for an empty one). */
export function scatterSum(src: Tensor, index: Tensor, dimSize: number): Tensor {
  checkScatterArgs('scatterSum', src, index, dimSize);
  if (src.shape[0] === 0) return zeros([dimSize, ...src.shape.slice(1)]);
  return indexAdd(src, 0, index, dimSize);
}

/** Mean of the rows of each segment (0 for an empty one). */
export function scatterMeanRows(src: Tensor, index: Tensor, dimSize: number): Tensor {
  checkScatterArgs('scatterMean', src, index, dimSize);
  if (src.shape[0] === 0) return zeros([dimSize, ...src.shape.slice(1)]);
  const count = noGrad(() => indexAdd(fullLike(index, 1, 'float32'), 0, index, dimSize).maximum(1));
  const total = indexAdd(src, 0, index, dimSize);
  return total.div(count.reshape([dimSize, ...src.shape.slice(1).map(() => 1)]));
}

/**
 * Max/min from core kernels only (every backend): the rows of each segment gathered into a padded
 * block [dimSize, maxCount, width] (padding ∓∞ from an appended row), reduced over axis 1, empty
 * segments set to 0. Memory dimSize·maxCount·width: the fallback, not the fast path.
 */
function paddedExtreme(src: Tensor, hostIndex: Int32Array, dimSize: number, isMax: boolean): Tensor {
  const rows = src.shape[0]!;
  const rest = src.shape.slice(1);
  const width = rest.reduce((a, b) => a * b, 1);
  const counts = new Int32Array(dimSize);
  for (let r = 0; r < rows; r++) {
    const s = hostIndex[r]!;
    if (!(s >= 0 && s < dimSize))
      argError(
        isMax ? 'scatterMax' : 'scatterMin',
        'index',
        `values in [0, ${dimSize - 1}]`,
        `${s} at position ${r}`,
      );
    counts[s]!++;
  }
  const maxCount = Math.max(1, ...counts);
  const slots = new Int32Array(dimSize * maxCount).fill(rows); // `rows` = the padding row
  const next = new Int32Array(dimSize);
  for (let r = 0; r < rows; r++) {
    const s = hostIndex[r]!;
    slots[s * maxCount + next[s]!++] = r;
  }
  const padded = concat([src.reshape([rows, width]), full([1, width], isMax ? -Infinity : Infinity)], 0);
  const block = padded
    .indexSelect(0, tensor(slots, [slots.length], 'int32'))
    .reshape([dimSize, maxCount, width]);
  const reduced = isMax ? block.max(1) : block.min(1);
  const nonEmpty = tensor(
    Uint8Array.from(counts, (c) => (c > 0 ? 1 : 0)),
    [dimSize, 1],
    'bool',
  );
  return where(nonEmpty, reduced, 0).reshape([dimSize, ...rest]);
}

function extreme(
  op: 'scatterMax' | 'scatterMin',
  src: Tensor,
  index: Tensor,
  dimSize: number,
  opts: ScatterOptions,
): Tensor {
  checkScatterArgs(op, src, index, dimSize);
  if (src.shape[0] === 0) return zeros([dimSize, ...src.shape.slice(1)]);
  const values = src.dtype === 'float32' ? src : src.float();
  const kernel = op === 'scatterMax' ? 'graph.segmentMax' : 'graph.segmentMin';
  const backend = values.backend;
  if (hasKernel(kernel, backend.name) || backend.canReadSync) {
    return (op === 'scatterMax' ? segmentMaxOp : segmentMinOp)([values, index], { numSegments: dimSize });
  }
  if (!opts.hostIndex) {
    argError(
      op,
      'opts.hostIndex',
      `a host copy of the index on backend '${backend.name}' (no '${kernel}' kernel there and no synchronous reads)`,
      'none',
    );
  }
  if (opts.hostIndex.length !== src.shape[0])
    argError(op, 'opts.hostIndex', `length ${src.shape[0]}`, `length ${opts.hostIndex.length}`);
  return paddedExtreme(values, opts.hostIndex, dimSize, op === 'scatterMax');
}

/** Elementwise maximum over the rows of each segment (0 for an empty one). */
export function scatterMax(src: Tensor, index: Tensor, dimSize: number, opts: ScatterOptions = {}): Tensor {
  return extreme('scatterMax', src, index, dimSize, opts);
}

/** Elementwise minimum over the rows of each segment (0 for an empty one). */
export function scatterMin(src: Tensor, index: Tensor, dimSize: number, opts: ScatterOptions = {}): Tensor {
  return extreme('scatterMin', src, index, dimSize, opts);
}

/** For tests: max/min through the padded core-kernel path, as on backends without the kernel. */
export function scatterExtremePadded(
  src: Tensor,
  hostIndex: Int32Array,
  dimSize: number,
  reduce: 'max' | 'min',
): Tensor {
  return paddedExtreme(src.dtype === 'float32' ? src : src.float(), hostIndex, dimSize, reduce === 'max');
}

/** `scatter(src, index, dimSize, reduce)` with PyG's reduce names ('add' = 'sum'). */
export function scatter(
  src: Tensor,
  index: Tensor,
  dimSize: number,
  reduce: ScatterReduce = 'sum',
  opts: ScatterOptions = {},
): Tensor {
  switch (reduce) {
    case 'sum':
    case 'add':
      return scatterSum(src, index, dimSize);
    case 'mean':
      return scatterMeanRows(src, index, dimSize);
    case 'max':
      return scatterMax(src, index, dimSize, opts);
    case 'min':
      return scatterMin(src, index, dimSize, opts);
    default:
      return argError('scatter', 'reduce', "'sum', 'add', 'mean', 'max' or 'min'", JSON.stringify(reduce));
  }
}

/**
 * Softmax of `src` within each segment, PyG's `softmax(src, index, num_nodes=dimSize)`:
 * exp(s − max_seg s) / (Σ_seg exp(s − max_seg s) + 1e-16). The max shift is held constant (softmax
 * is invariant to it), so the gradient is exactly that of the softmax.
 * Shapes: src [E, ...rest] (e.g. [E, heads]), index [E] → [E, ...rest].
 */
export function segmentSoftmax(
  src: Tensor,
  index: Tensor,
  dimSize: number,
  opts: ScatterOptions = {},
): Tensor {
  checkScatterArgs('segmentSoftmax', src, index, dimSize);
  if (src.shape[0] === 0) return src;
  const shift = noGrad(() => indexSelect(scatterMax(src, index, dimSize, opts), 0, index));
  const e = src.sub(shift).exp();
  const denominator = indexSelect(indexAdd(e, 0, index, dimSize), 0, index).add(1e-16);
  return e.div(denominator);
}
