/**
 * Numerically careful building blocks of logsumexp and the softmax family (internal: not part of
 * the public op set).
 */
import { noGrad, record } from '../autograd.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { isFinite as isFiniteOp, where } from './elementwise.js';
import { max } from './reduce.js';
import { wrap } from './util.js';

function keptShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/**
 * x − max(x) over `axes` (kept as size 1), the max held constant. Softmax-like quantities are
 * invariant to this shift, so gradients stay exact; what it buys is precision: for logits near
 * 1e4, x − logsumexp(x) loses ~5e-4 to the float32 rounding of the logsumexp, while x − max is
 * exact for nearby values and logsumexp of the shifted values is small. Groups whose max is not
 * finite (all −∞) shift by 0 instead of producing NaN.
 */
export function shiftByMax(x: Tensor, axes: readonly number[]): Tensor {
  // An empty group has no max, and nothing to shift.
  if (axes.some((a) => x.shape[a] === 0)) return x;
  const m = noGrad(() => {
    const raw = max(x, [...axes], true);
    return where(isFiniteOp(raw), raw, 0);
  });
  return x.sub(m);
}

/**
 * log Σ exp of float32 `x` over sorted, normalised `axes` (the kernel reduces one axis: the reduced
 * axes are moved last and merged; a 0-d tensor or no axes gives a trailing axis of size 1).
 *
 * The gradient is softmax(x). `shifted` says x is already max-shifted (as in logSoftmax), so the
 * result is small and exp(x − lse) is accurate; otherwise the backward shifts x itself rather than
 * carry the rounding of a large lse (~5e-4 relative near 1e4) into every entry.
 */
export function logSumExpOver(
  x: Tensor,
  axes: readonly number[],
  keepDims: boolean,
  shifted: boolean,
): Tensor {
  const kept = keptShape(x.shape, axes);
  const outShape = keepDims ? kept : x.shape.filter((_, i) => !axes.includes(i));
  const rest = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const contiguousLast = axes.every((a, i) => a === rest.length + i);
  const moved = contiguousLast ? x : noGrad(() => x.permute([...rest, ...axes]));
  const merged = axes.reduce((n, a) => n * (x.shape[a] ?? 1), 1);
  const flat = noGrad(() => moved.reshape([...rest.map((i) => x.shape[i]!), merged]));
  const out = wrap(x.backend.logSumExp(flat, rest.length), outShape, 'float32', x.backend);
  flat.dispose();
  if (moved !== x) moved.dispose();
  return record('logsumexp', out, [x], (dy) => {
    const s = shifted ? x : shiftByMax(x, axes);
    const lse = shifted ? out.reshape(kept) : logSumExpOver(s, axes, true, true);
    return [s.sub(lse).exp().mul(dy.reshape(kept))];
  });
}
