import { nn, noGrad, ones, type Tensor, tensor, zeros } from '@erlangen/core';
import { argError } from '../errors.js';
import { FieldType } from '../fields/field-type.js';
import { GeometricTensor } from '../fields/geometric-tensor.js';
import { fieldIndicator, invariantEmbedding } from './field-maps.js';
import { checkInput } from './input.js';

export interface FieldBatchNormOptions {
  eps?: number;
  /** Running-average momentum (default 0.1, PyTorch's convention). */
  momentum?: number;
  /** Learn a scale per field and a bias on each field's invariant directions (default true). */
  affine?: boolean;
}

/**
 * Batch normalisation per field (escnn's IIDBatchNorm2d), equivariant for any orthogonal field type:
 * the mean is taken over batch and plane and projected onto each field's invariant directions (a
 * regular field's constant vector, a trivial field itself, nothing for a non-trivial irrep), the
 * variance is one number per field (the mean squared deviation over its channels), and the learned
 * scale is per field and the bias on the invariant directions — never per group-element channel.
 * Eval mode uses running averages (biased variance). Shapes: [batch, type.size, H, W] → same.
 */
export class FieldBatchNorm extends nn.Module {
  readonly eps: number;
  readonly momentum: number;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  private readonly indicator: Tensor;
  private readonly meanProjector: Tensor | null;
  private readonly embedding: Tensor | null;
  private readonly fieldSizes: Tensor;

  constructor(
    readonly type: FieldType,
    opts: FieldBatchNormOptions = {},
  ) {
    super();
    if (!(type instanceof FieldType)) argError('FieldBatchNorm', 'type', 'a FieldType', String(type));
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum ?? 0.1;
    if (!(this.eps > 0)) argError('FieldBatchNorm', 'eps', 'a positive number', String(opts.eps));
    if (!(this.momentum >= 0 && this.momentum <= 1))
      argError('FieldBatchNorm', 'momentum', 'a number in [0, 1]', String(opts.momentum));
    this.indicator = fieldIndicator(type);
    this.embedding = invariantEmbedding(type);
    this.meanProjector = this.embedding ? this.embedding.matmul(this.embedding.transpose(0, 1)).keep() : null;
    this.fieldSizes = tensor(
      Float32Array.from(type.representations, (r) => r.size),
      [type.fields],
    ).keep();
    const affine = opts.affine ?? true;
    this.weight = affine ? this.registerParameter('weight', ones([type.fields])) : null;
    this.bias =
      affine && this.embedding ? this.registerParameter('bias', zeros([this.embedding.shape[1]!])) : null;
    this.runningMean = this.registerBuffer('runningMean', zeros([type.size]));
    this.runningVar = this.registerBuffer('runningVar', ones([type.fields]));
  }

  forward(x: GeometricTensor): GeometricTensor {
    const t = checkInput('FieldBatchNorm', x, this.type).tensor;
    const c = this.type.size;
    let mean: Tensor;
    let variance: Tensor;
    if (this.training) {
      mean = this.meanProjector
        ? this.meanProjector.matmul(t.mean([0, 2, 3]).reshape([c, 1])).reshape([c])
        : zeros([c]);
      const centred = t.sub(mean.reshape([1, c, 1, 1]));
      variance = this.indicator
        .matmul(centred.square().mean([0, 2, 3]).reshape([c, 1]))
        .reshape([-1])
        .div(this.fieldSizes);
      noGrad(() => {
        const m = this.momentum;
        this.runningMean.assign(this.runningMean.mul(1 - m).add(mean.detach().mul(m)));
        this.runningVar.assign(this.runningVar.mul(1 - m).add(variance.detach().mul(m)));
      });
    } else {
      mean = this.runningMean;
      variance = this.runningVar;
    }
    let scale = variance.add(this.eps).rsqrt();
    if (this.weight) scale = scale.mul(this.weight);
    const perChannel = this.indicator
      .transpose(0, 1)
      .matmul(scale.reshape([-1, 1]))
      .reshape([1, c, 1, 1]);
    let y = t.sub(mean.reshape([1, c, 1, 1])).mul(perChannel);
    if (this.bias && this.embedding)
      y = y.add(this.embedding.matmul(this.bias.reshape([-1, 1])).reshape([1, c, 1, 1]));
    return new GeometricTensor(y, this.type);
  }
}
