import { record } from '../autograd.js';
import type { ReduceOp } from '../backend/kernels.js';
import { argError } from '../errors.js';
import { normalizeAxes, normalizeAxis, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { cast } from './creation.js';
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
  for (const a of axes) n *= x.shape[a]!;
  return sum(x.dtype === 'float32' ? x : cast(x, 'float32'), axes, keepDims).div(n);
}

function extreme(op: 'max' | 'min', x: Tensor, axis: Axes, keepDims: boolean): Tensor {
  assertTensor(op, 'x', x);
  const axes = normalizeAxes(op, axis, x.ndim);
  const out = reduceRaw(op, x, axes, keepDims);
  return record(op, out, [x], (dy) => {
    // The gradient is shared evenly among tied extremes (PyTorch's rule for max/min over all).
    const kept = keptShape(x.shape, axes);
    const mask = x.eq(out.reshape(kept)).float();
    const count = mask.sum(axes, true);
    return [mask.div(count).mul(dy.reshape(kept))];
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
  if (axis === undefined) return argExtreme(op, x.reshape([x.size]), 0, false);
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
  const input = x.dtype === 'float32' ? x : cast(x, 'float32');
  let out: Tensor;
  if (axes.length === 1) {
    const shape = keepDims ? keptShape(x.shape, axes) : x.shape.filter((_, i) => i !== axes[0]);
    out = wrap(x.backend.logSumExp(input, axes[0]!), shape, 'float32', x.backend);
  } else {
    // Several axes: move them last, flatten them into one, and reduce that.
    const rest = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const moved = input.permute([...rest, ...axes]);
    const flat = moved.reshape([...rest.map((i) => x.shape[i]!), -1]);
    const lse = wrap(x.backend.logSumExp(flat, rest.length), flat.shape.slice(0, -1), 'float32', x.backend);
    out = keepDims ? lse.reshape(keptShape(x.shape, axes)) : lse;
    return record('logsumexp', out, [input], (dy) => [lseGrad(dy, input, lse, axes)]);
  }
  return record('logsumexp', out, [input], (dy) => [lseGrad(dy, input, out, axes)]);
}

function lseGrad(dy: Tensor, x: Tensor, lse: Tensor, axes: number[]): Tensor {
  const kept = keptShape(x.shape, axes);
  return x.sub(lse.reshape(kept)).exp().mul(dy.reshape(kept));
}

/** Variance with Bessel's correction by default (correction = 1), as torch.var. */
export function variance(x: Tensor, axis?: Axes, opts: { keepDims?: boolean; correction?: number } = {}): Tensor {
  assertTensor('variance', 'x', x);
  const axes = normalizeAxes('variance', axis, x.ndim);
  const correction = opts.correction ?? 1;
  let n = 1;
  for (const a of axes) n *= x.shape[a]!;
  const centred = x.sub(mean(x, axes, true));
  return centred.square().sum(axes, opts.keepDims ?? false).div(Math.max(n - correction, 0));
}

export function std(x: Tensor, axis?: Axes, opts: { keepDims?: boolean; correction?: number } = {}): Tensor {
  return variance(x, axis, opts).sqrt();
}

/** Inclusive cumulative sum along `axis` (`exclusive`: shifted by one, starting at 0). */
export function cumsum(x: Tensor, axis: number, opts: { exclusive?: boolean; reverse?: boolean } = {}): Tensor {
  assertTensor('cumsum', 'x', x);
  const a = normalizeAxis('cumsum', axis, x.ndim);
  const exclusive = !!opts.exclusive;
  const reverse = !!opts.reverse;
  const input = x.dtype === 'bool' ? cast(x, 'int32') : x;
  const out = wrap(x.backend.cumsum(input, a, exclusive, reverse), x.shape, input.dtype, x.backend);
  return record('cumsum', out, [input], (dy) => [cumsum(dy, a, { exclusive, reverse: !reverse })]);
}

/** Π over axes (no gradient). */
export function prod(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  assertTensor('prod', 'x', x);
  return reduceRaw('prod', x, normalizeAxes('prod', axis, x.ndim), keepDims);
}

/** True where any / all elements along the axes are non-zero. */
export function any(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return reduceRaw('max', x.ne(0), normalizeAxes('any', axis, x.ndim), keepDims);
}
export function all(x: Tensor, axis?: Axes, keepDims = false): Tensor {
  return reduceRaw('min', x.ne(0), normalizeAxes('all', axis, x.ndim), keepDims);
}

