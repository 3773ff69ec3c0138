import { noGrad, record } from '../autograd.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { abs, erf, exp, expm1, log1p, relu, sigmoid, where } from './elementwise.js';
import { logSumExpOver, shiftByMax } from './stable.js';
import { assertTensor, wrap } from './util.js';

/**
 * log softmax along `axis`: s − logsumexp(s) with s = x − max(x). Stable for large logits: the
 * shift keeps exp in range and, unlike x − logsumexp(x), loses nothing to the rounding of a large
 * logsumexp (see shiftByMax).
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  assertTensor('logSoftmax', 'x', x);
  const a = normalizeAxis('logSoftmax', axis, x.ndim);
  const fused = fusedSoftmax(x, a, true);
  if (fused) return fused;
  const shifted = shiftByMax(x.dtype === 'float32' ? x : x.float(), [a]);
  return shifted.sub(logSumExpOver(shifted, [a], true, true));
}

export function softmax(x: Tensor, axis = -1): Tensor {
  assertTensor('softmax', 'x', x);
  return fusedSoftmax(x, normalizeAxis('softmax', axis, x.ndim), false) ?? logSoftmax(x, axis).exp();
}

/**
 * The backend's one-kernel (log-)softmax along the last axis of a float32 tensor, where it has one
 * (the wasm kernels); null otherwise. Gradients: softmax dx = y ⊙ (dy − Σ dy ⊙ y); log-softmax
 * dx = dy − eʸ ⊙ Σ dy.
 */
function fusedSoftmax(x: Tensor, axis: number, log: boolean): Tensor | null {
  const kernel = x.backend.softmaxLastAxis;
  if (!kernel || x.dtype !== 'float32' || axis !== x.ndim - 1 || x.size === 0) return null;
  const y = wrap(kernel.call(x.backend, x, log), x.shape, 'float32', x.backend);
  return record(log ? 'logSoftmax' : 'softmax', y, [x], (dy) =>
    log ? [dy.sub(y.exp().mul(dy.sum(axis, true)))] : [y.mul(dy.sub(dy.mul(y).sum(axis, true)))],
  );
}

export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return where(x.gt(0), x, x.mul(negativeSlope));
}

/**
 * x for x > 0, α(eˣ − 1) otherwise. Its own node: composed from `where`, the unused branch's e^x
 * overflows for large x and its zero gradient times ∞ would make the gradient NaN.
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  assertTensor('elu', 'x', x);
  const positive = x.gt(0);
  const y = noGrad(() => where(positive, x, expm1(x).mul(alpha)));
  return record('elu', y, [x], (dy) => [where(positive, dy, dy.mul(y.add(alpha)))], [positive]);
}

/**
 * log(1 + eˣ), computed as relu(x) + log1p(e^−|x|) so it never overflows. Its gradient is σ(x),
 * given directly: differentiating that composition gives 0 instead of ½ at x = 0 (relu' and |x|'
 * both vanish there).
 */
export function softplus(x: Tensor): Tensor {
  assertTensor('softplus', 'x', x);
  const y = noGrad(() => relu(x).add(log1p(exp(abs(x).neg()))));
  return record('softplus', y, [x], (dy) => [dy.mul(sigmoid(x))]);
}

export function logSigmoid(x: Tensor): Tensor {
  return softplus(x.neg()).neg();
}

export function silu(x: Tensor): Tensor {
  return x.mul(sigmoid(x));
}

/** GELU, exact (erf) form, PyTorch's default. */
export function gelu(x: Tensor): Tensor {
  return x.mul(erf(x.mul(Math.SQRT1_2)).add(1)).mul(0.5);
}
