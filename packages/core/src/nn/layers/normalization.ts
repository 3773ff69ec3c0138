import { noGrad } from '../../autograd.js';
import { argError, describeValue, fmtShape } from '../../errors.js';
import { tidy } from '../../memory.js';
import { full, ones, scalar, zeros } from '../../ops/creation.js';
import type { Tensor } from '../../tensor.js';
import { batchNorm, layerNorm } from '../functional/normalization.js';
import { Module } from '../module.js';
import { checkPositiveInt } from './linear.js';

export interface BatchNormOptions {
  eps?: number;
  /** Weight of each new batch in the running statistics (default 0.1); null for a cumulative average. */
  momentum?: number | null;
  /** Learn a per-channel scale and shift (default true). */
  affine?: boolean;
  /** Keep running statistics for eval mode (default true); without them eval uses batch statistics. */
  trackRunningStats?: boolean;
}

/**
 * Shared machinery of BatchNorm1d/2d, after torch's _BatchNorm: weight (ones) and bias (zeros)
 * parameters, and buffers running_mean, running_var and num_batches_tracked, named as torch's.
 */
abstract class BatchNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Tensor | null;
  bias: Tensor | null;

  constructor(op: string, numFeatures: number, opts: BatchNormOptions) {
    super();
    this.numFeatures = checkPositiveInt(op, 'numFeatures', numFeatures);
    this.eps = opts.eps ?? 1e-5;
    if (!(this.eps >= 0)) argError(op, 'eps', 'a number ≥ 0', describeValue(opts.eps));
    const m = opts.momentum === undefined ? 0.1 : opts.momentum;
    if (m !== null && !(m >= 0 && m <= 1))
      argError(op, 'momentum', 'a number in [0, 1] or null', describeValue(m));
    this.momentum = m;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    this.weight = this.affine ? this.registerParameter('weight', ones([numFeatures])) : null;
    this.bias = this.affine ? this.registerParameter('bias', zeros([numFeatures])) : null;
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures]));
      this.registerBuffer('running_var', ones([numFeatures]));
      this.registerBuffer('num_batches_tracked', scalar(0, 'int32'));
    }
  }

  get runningMean(): Tensor | null {
    return this.trackRunningStats ? this.getBuffer('running_mean') : null;
  }
  get runningVar(): Tensor | null {
    return this.trackRunningStats ? this.getBuffer('running_var') : null;
  }
  get numBatchesTracked(): Tensor | null {
    return this.trackRunningStats ? this.getBuffer('num_batches_tracked') : null;
  }

  /** Throws unless x has a supported rank and numFeatures channels on axis 1. */
  protected abstract checkInput(x: Tensor): void;

  /** Sets running statistics back to mean 0, variance 1 and the batch count to 0. */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    noGrad(() => {
      this.getBuffer('running_mean').assign(zeros([this.numFeatures]));
      this.getBuffer('running_var').assign(ones([this.numFeatures]));
      this.getBuffer('num_batches_tracked').assign(full([], 0, 'int32'));
    });
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    const updating = this.training && this.trackRunningStats;
    let cumulative: Tensor | null = null;
    if (updating) {
      const count = this.getBuffer('num_batches_tracked');
      noGrad(() => tidy(() => count.assign(count.add(1))));
      // The cumulative average weights batch k by 1/k; a tensor keeps the count on the device.
      if (this.momentum === null) cumulative = noGrad(() => tidy(() => count.float().reciprocal()));
    }
    const useRunning = !this.training && this.trackRunningStats;
    const stats = updating || useRunning;
    const y = batchNorm(
      x,
      stats ? this.runningMean : null,
      stats ? this.runningVar : null,
      this.weight,
      this.bias,
      {
        training: !useRunning,
        momentum: cumulative ?? this.momentum ?? 0,
        eps: this.eps,
      },
    );
    cumulative?.dispose();
    return y;
  }

  protected override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}`;
  }
}

/** Batch normalisation of [N, C] or [N, C, L] inputs over N (and L). */
export class BatchNorm1d extends BatchNormBase {
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super('BatchNorm1d', numFeatures, opts);
  }
  protected checkInput(x: Tensor): void {
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[1] !== this.numFeatures) {
      argError(
        'BatchNorm1d',
        'x',
        `a tensor [N, ${this.numFeatures}] or [N, ${this.numFeatures}, L]`,
        fmtShape(x.shape),
      );
    }
  }
}

/** Batch normalisation of [N, C, H, W] inputs over N, H and W. */
export class BatchNorm2d extends BatchNormBase {
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super('BatchNorm2d', numFeatures, opts);
  }
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 4 || x.shape[1] !== this.numFeatures) {
      argError('BatchNorm2d', 'x', `a tensor [N, ${this.numFeatures}, H, W]`, fmtShape(x.shape));
    }
  }
}

export interface LayerNormOptions {
  eps?: number;
  /** Learn weight (ones) and bias (zeros) of the normalised shape (default true). */
  elementwiseAffine?: boolean;
  /** Learn the bias when elementwiseAffine (default true). */
  bias?: boolean;
}

/** Normalises over the trailing `normalizedShape` axes of each sample. Shapes: [..., *normalizedShape] → same. */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  weight: Tensor | null;
  bias: Tensor | null;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (shape.length === 0) argError('LayerNorm', 'normalizedShape', 'at least one dimension', '[]');
    shape.forEach((d) => {
      checkPositiveInt('LayerNorm', 'normalizedShape', d);
    });
    this.normalizedShape = shape;
    this.eps = opts.eps ?? 1e-5;
    if (!(this.eps >= 0)) argError('LayerNorm', 'eps', 'a number ≥ 0', describeValue(opts.eps));
    const affine = opts.elementwiseAffine ?? true;
    this.weight = affine ? this.registerParameter('weight', ones(shape)) : null;
    this.bias = affine && (opts.bias ?? true) ? this.registerParameter('bias', zeros(shape)) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  protected override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.eps}`;
  }
}
