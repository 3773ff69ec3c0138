import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { abs, erf, exp, log1p, relu, sigmoid, where } from './elementwise.js';
import { logsumexp } from './reduce.js';
import { assertTensor } from './util.js';

/** log softmax along `axis`: x − logsumexp(x). Stable for large logits. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  assertTensor('logSoftmax', 'x', x);
  const a = normalizeAxis('logSoftmax', axis, x.ndim);
  return x.sub(logsumexp(x, a, true));
}

export function softmax(x: Tensor, axis = -1): Tensor {
  return logSoftmax(x, axis).exp();
}

export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return where(x.gt(0), x, x.mul(negativeSlope));
}

export function elu(x: Tensor, alpha = 1): Tensor {
  return where(x.gt(0), x, x.exp().sub(1).mul(alpha));
}

/** log(1 + eˣ), computed as relu(x) + log1p(e^−|x|) so it never overflows. */
export function softplus(x: Tensor): Tensor {
  return relu(x).add(log1p(exp(abs(x).neg())));
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
