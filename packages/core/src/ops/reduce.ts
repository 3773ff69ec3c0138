import { record } from '../autograd.js';
import type { ReduceOp } from '../backend/kernels.js';
import { argError } from '../errors.js';
import { normalizeAxes, normalizeAxis, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { cast } from './creation.js';
import { isNaN as isNaNOp, logicalAnd, logicalNot, where } from './elementwise.js';
import { logSumExpOver } from './stable.js';
import { assertTensor, wrap } from './util.js';

type Axes = number | readonly number[] | undefined;

/** The shape with reduced axes kept as 1 (for broadcasting a result back). */
function keptShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function reduceRaw(op: ReduceOp, x: Tensor, axes: number[], keepDims: boolean): Tensor {
  const outShape = keepDims ? keptShape(x.shape, axes) : x.shape.filter((_, i) => !axes.includes(i));
  const dt = op === 'sum' || op === 'prod' ? (x.dtype === 'bool' ? 'int32' : x.dtype) : x.dtype;
  const input = x.dtype === dt ? x : cast(x, dt);
  for (const a of axes) {
    if ((op === 'max' || op === 'min') && x.shape[a] === 0) {
      argError(op, 'x', `a non-empty axis ${a} to reduce`, `shape [${x.shape.join(', ')}]`);
    }
  }
  return wrap(x.backend.reduce(op, input, axes), outShape, dt, x.backend);
}

/** Σ over `axis` (all axes by default). Shapes: [..] → [..] without the reduced axes (or size 1 with keepDims). */
export function sum(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  assertTensor('sum', 'x', x);
  const axes = normalizeAxes('sum', axis, x.ndim);
  const out = reduceRaw('sum', x, axes, keepDims);
  return record('sum', out, [x], (dy) => [dy.reshape(keptShape(x.shape, axes)).expand(x.shape)]);
}

export function mean(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  assertTensor('mean', 'x', x);
  const axes = normalizeAxes('mean', axis, x.ndim);
  let n = 1;
  for (const a of axes) n *= x.shape[a] ?? 1; // a 0-d tensor reduces over its one element
  return sum(x.dtype === 'float32' ? x : cast(x, 'float32'), axes, keepDims).div(n);
}

function extreme(op: 'max' | 'min', x: Tensor, axis: Axes, keepDims: boolean): Tensor {
  assertTensor(op, 'x', x);
  const axes = normalizeAxes(op, axis, x.ndim);
  const out = reduceRaw(op, x, axes, keepDims);
  return record(op, out, [x], (dy) => {
    // The gradient is shared evenly among tied extremes (PyTorch's rule for amax/amin). A NaN
    // extreme came from the NaN inputs, which NaN ≠ NaN would otherwise leave with no share at all.
    const kept = out.reshape(keptShape(x.shape, axes));
    const mask = where(isNaNOp(kept), isNaNOp(x), x.eq(kept)).float();
    const count = mask.sum(axes, true);
    return [mask.div(count).mul(dy.reshape(kept.shape))];
  });
}

export function max(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return extreme('max', x, axis, keepDims);
}
export function min(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return extreme('min', x, axis, keepDims);
}

function argExtreme(op: 'argmax' | 'argmin', x: Tensor, axis: number | undefined, keepDims: boolean): Tensor {
  assertTensor(op, 'x', x);
  if (axis === undefined) {
    const flat = argExtreme(op, x.reshape([x.size]), 0, false);
    return keepDims ? flat.reshape(x.shape.map(() => 1)) : flat;
  }
  const a = normalizeAxis(op, axis, x.ndim);
  if (x.shape[a] === 0) argError(op, 'x', `a non-empty axis ${a}`, `shape [${x.shape.join(', ')}]`);
  const outShape = keepDims ? keptShape(x.shape, [a]) : x.shape.filter((_, i) => i !== a);
  return wrap(x.backend.argReduce(op, x, a), outShape, 'int32', x.backend);
}

/** Index of the first maximum along `axis` (of the flattened tensor when omitted); int32. */
export function argmax(x: Tensor, axis?: number, keepDims = false): Tensor {
  return argExtreme('argmax', x, axis, keepDims);
}
export function argmin(x: Tensor, axis?: number, keepDims = false): Tensor {
  return argExtreme('argmin', x, axis, keepDims);
}

/** log Σ exp over `axis`, computed without overflow. */
export function logsumexp(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  assertTensor('logsumexp', 'x', x);
  const axes = normalizeAxes('logsumexp', axis, x.ndim);
  return logSumExpOver(x.dtype === 'float32' ? x : cast(x, 'float32'), axes, keepDims, false);
}

/** Variance with Bessel's correction by default (correction = 1), as torch.var. */
export function variance(
  x: Tensor,
  axis?: Axes,
  opts: { keepDims?: boolean; correction?: number } = {},
): Tensor {
  assertTensor('variance', 'x', x);
  const axes = normalizeAxes('variance', axis, x.ndim);
  const correction = opts.correction ?? 1;
  let n = 1;
  for (const a of axes) n *= x.shape[a] ?? 1; // a 0-d tensor reduces over its one element
  const centred = x.sub(mean(x, axes, true));
  return centred
    .square()
    .sum(axes, opts.keepDims ?? false)
    .div(Math.max(n - correction, 0));
}

export function std(x: Tensor, axis?: Axes, opts: { keepDims?: boolean; correction?: number } = {}): Tensor {
  return variance(x, axis, opts).sqrt();
}

/** Inclusive cumulative sum along `axis` (`exclusive`: shifted by one, starting at 0). */
export function cumsum(
  x: Tensor,
  axis: number,
  opts: { exclusive?: boolean; reverse?: boolean } = {},
): Tensor {
  assertTensor('cumsum', 'x', x);
  const a = normalizeAxis('cumsum', axis, x.ndim);
  const exclusive = !!opts.exclusive;
  const reverse = !!opts.reverse;
  const input = x.dtype === 'bool' ? cast(x, 'int32') : x;
  // A 0-d tensor is a length-1 axis to the kernel.
  const info = x.ndim === 0 ? { id: input.id, shape: [1], dtype: input.dtype } : input;
  const out = wrap(x.backend.cumsum(info, a, exclusive, reverse), x.shape, input.dtype, x.backend);
  return record('cumsum', out, [input], (dy) => [cumsum(dy, a, { exclusive, reverse: !reverse })]);
}

/** Π over axes. Bool multiplies as int32. */
export function prod(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  assertTensor('prod', 'x', x);
  const axes = normalizeAxes('prod', axis, x.ndim);
  const out = reduceRaw('prod', x, axes, keepDims);
  return record('prod', out, [x], (dy) => [prodGrad(dy, x, axes)]);
}

/**
 * d(Πx)/dxᵢ = Π_{j≠i} xⱼ without dividing by zero (PyTorch's rule): with no zero in the group it
 * is Π/xᵢ; with exactly one, only that zero gets the product of the others; with more, all get 0.
 */
function prodGrad(dy: Tensor, x: Tensor, axes: number[]): Tensor {
  const kept = keptShape(x.shape, axes);
  const isZero = x.eq(0);
  const zeros = sum(isZero, axes, true);
  const nonZero = where(isZero, 1, x);
  const othersProduct = prod(nonZero, axes, true);
  const others = where(
    zeros.eq(0),
    othersProduct.div(nonZero),
    where(logicalAnd(isZero, zeros.eq(1)), othersProduct, 0),
  );
  return others.mul(dy.reshape(kept));
}

/** True where any / all elements along the axes are non-zero (false / true over nothing). */
export function any(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  assertTensor('any', 'x', x);
  const axes = normalizeAxes('any', axis, x.ndim);
  const outShape = keepDims ? keptShape(x.shape, axes) : x.shape.filter((_, i) => !axes.includes(i));
  const truth = x.dtype === 'bool' ? x : x.ne(0);
  // max over bool; an empty axis gives the kernel's −∞ start, stored as 0 = false.
  return wrap(x.backend.reduce('max', truth, axes), outShape, 'bool', x.backend);
}
export function all(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  assertTensor('all', 'x', x);
  const axes = normalizeAxes('all', axis, x.ndim);
  return logicalNot(any(x.dtype === 'bool' ? logicalNot(x) : x.eq(0), axes, keepDims));
}
