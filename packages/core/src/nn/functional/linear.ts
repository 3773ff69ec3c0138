import { argError, describeValue, fmtShape } from '../../errors.js';
import { type Generator, rand } from '../../ops/creation.js';
import { where } from '../../ops/elementwise.js';
import { bmm } from '../../ops/linalg.js';
import { assertDType, assertTensor } from '../../ops/util.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';

/**
 * y = x·Wᵀ + b. Shapes: x [..., inFeatures], weight [outFeatures, inFeatures], bias [outFeatures]
 * → [..., outFeatures].
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  assertTensor('linear', 'x', x);
  assertTensor('linear', 'weight', weight);
  if (weight.ndim !== 2)
    argError('linear', 'weight', 'a 2-d tensor [outFeatures, inFeatures]', fmtShape(weight.shape));
  const [out, inF] = weight.shape as [number, number];
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inF) {
    argError('linear', 'x', `shape [..., ${inF}] (weight is ${fmtShape(weight.shape)})`, fmtShape(x.shape));
  }
  const lead = x.shape.slice(0, -1);
  // bmm with transB reads W as [in, out] in place, saving the copy an explicit transpose would make.
  const y = bmm(x.reshape([1, sizeOf(lead), inF]), weight.reshape([1, out, inF]), { transB: true }).reshape([
    ...lead,
    out,
  ]);
  if (!bias) return y;
  assertTensor('linear', 'bias', bias);
  if (bias.ndim !== 1 || bias.shape[0] !== out)
    argError('linear', 'bias', `shape [${out}]`, fmtShape(bias.shape));
  return y.add(bias);
}

export interface DropoutOptions {
  generator?: Generator;
}

/**
 * Inverted dropout: zeroes each element with probability `p` and scales the rest by 1/(1−p), so the
 * expected value is unchanged and evaluation needs no rescaling. Identity when `training` is false.
 */
export function dropout(x: Tensor, p = 0.5, training = true, opts: DropoutOptions = {}): Tensor {
  assertTensor('dropout', 'x', x);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1))
    argError('dropout', 'p', 'a probability in [0, 1]', describeValue(p));
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  let u = rand(x.shape, opts);
  if (u.backend !== x.backend) u = u.to(x.backend.name);
  // Keep where u ≥ p: probability 1 − p. The mask carries the 1/(1−p) scale so one multiply does both.
  const scale = where(u.ge(p), 1 / (1 - p), 0);
  return x.mul(scale);
}

/**
 * Rows of `weight` picked by integer `indices` of any shape. Shapes: indices [...] (int32),
 * weight [numEmbeddings, dim] → [..., dim]. With `paddingIdx`, that row receives no gradient.
 */
export function embedding(indices: Tensor, weight: Tensor, opts: { paddingIdx?: number } = {}): Tensor {
  assertTensor('embedding', 'indices', indices);
  assertTensor('embedding', 'weight', weight);
  assertDType('embedding', 'indices', indices, ['int32']);
  if (weight.ndim !== 2)
    argError('embedding', 'weight', 'a 2-d tensor [numEmbeddings, embeddingDim]', fmtShape(weight.shape));
  const [n, dim] = weight.shape as [number, number];
  if (indices.backend.canReadSync && indices.size > 0) {
    const values = indices.dataSync();
    for (const v of values) {
      if (v < 0 || v >= n)
        argError('embedding', 'indices', `values in [0, ${n - 1}] (numEmbeddings = ${n})`, `index ${v}`);
    }
  }
  const out = weight.indexSelect(0, indices.reshape([indices.size])).reshape([...indices.shape, dim]);
  if (opts.paddingIdx === undefined) return out;
  // Same values, but the gradient only flows where the index is not the padding one.
  const keepGrad = indices.ne(opts.paddingIdx).unsqueeze(-1);
  return where(keepGrad, out, out.detach());
}
