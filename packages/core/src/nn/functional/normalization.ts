import { noGrad } from '../../autograd.js';
import { argError, ErlangenError, fmtShape } from '../../errors.js';
import { tidy } from '../../memory.js';
import { assertTensor } from '../../ops/util.js';
import type { Tensor } from '../../tensor.js';
import { channelShape } from './util.js';

export interface BatchNormOptions {
  /** Normalise with the batch statistics and update the running ones (default false, as torch). */
  training?: boolean;
  /**
   * Weight of the new batch in the running averages: running ← (1 − m)·running + m·batch (default
   * 0.1). A scalar tensor is accepted for the cumulative average (m = 1/numBatchesTracked).
   */
  momentum?: number | Tensor;
  eps?: number;
}

function checkChannelVector(arg: string, t: Tensor | null | undefined, c: number): void {
  if (!t) return;
  assertTensor('batchNorm', arg, t);
  if (t.ndim !== 1 || t.shape[0] !== c)
    argError('batchNorm', arg, `shape [${c}] (one entry per channel)`, fmtShape(t.shape));
}

/**
 * Batch normalisation over every axis but the channel axis 1. Shapes: x [N, C, ...]; runningMean,
 * runningVar, weight, bias [C] (each may be null). In training the batch variance is biased for the
 * normalisation and unbiased (n/(n−1)) in the running estimate, as torch; the running tensors are
 * updated in place through `assign`.
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  opts: BatchNormOptions = {},
): Tensor {
  assertTensor('batchNorm', 'x', x);
  if (x.ndim < 2)
    argError('batchNorm', 'x', 'a tensor [N, C, ...] of at least 2 dimensions', fmtShape(x.shape));
  const c = x.shape[1]!;
  checkChannelVector('runningMean', runningMean, c);
  checkChannelVector('runningVar', runningVar, c);
  checkChannelVector('weight', weight, c);
  checkChannelVector('bias', bias, c);
  const training = opts.training ?? false;
  const momentum = opts.momentum ?? 0.1;
  const eps = opts.eps ?? 1e-5;
  const bshape = channelShape(x, c);
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);

  let y: Tensor;
  if (training) {
    const n = x.size / c;
    if (n <= 1) {
      throw new ErlangenError(
        `batchNorm: expected more than 1 value per channel when training, got input of shape ${fmtShape(x.shape)}`,
      );
    }
    const mean = x.mean(axes, true);
    const centred = x.sub(mean);
    const variance = centred.square().mean(axes, true);
    y = centred.mul(variance.add(eps).rsqrt());
    if (runningMean || runningVar) {
      noGrad(() =>
        tidy(() => {
          const keepOld = typeof momentum === 'number' ? 1 - momentum : momentum.neg().add(1);
          if (runningMean) runningMean.assign(runningMean.mul(keepOld).add(mean.reshape([c]).mul(momentum)));
          if (runningVar) {
            const unbiased = variance.reshape([c]).mul(n / (n - 1));
            runningVar.assign(runningVar.mul(keepOld).add(unbiased.mul(momentum)));
          }
        }),
      );
    }
  } else {
    if (!runningMean || !runningVar) {
      argError('batchNorm', 'runningMean', 'running statistics when training is false', 'null');
    }
    y = x.sub(runningMean.reshape(bshape)).mul(runningVar.add(eps).rsqrt().reshape(bshape));
  }
  if (weight) y = y.mul(weight.reshape(bshape));
  if (bias) y = y.add(bias.reshape(bshape));
  return y;
}

/**
 * Layer normalisation over the trailing `normalizedShape` axes (biased variance, as torch).
 * Shapes: x [..., *normalizedShape]; weight, bias [*normalizedShape] (or null).
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  assertTensor('layerNorm', 'x', x);
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const k = shape.length;
  const tail = x.shape.slice(x.ndim - k);
  if (k === 0 || x.ndim < k || tail.some((d, i) => d !== shape[i])) {
    argError(
      'layerNorm',
      'x',
      `a tensor whose trailing dimensions are ${fmtShape(shape)}`,
      fmtShape(x.shape),
    );
  }
  for (const [arg, t] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (!t) continue;
    assertTensor('layerNorm', arg, t);
    if (t.ndim !== k || t.shape.some((d, i) => d !== shape[i]))
      argError('layerNorm', arg, `shape ${fmtShape(shape)}`, fmtShape(t.shape));
  }
  const axes = shape.map((_, i) => x.ndim - k + i);
  const mean = x.mean(axes, true);
  const centred = x.sub(mean);
  const variance = centred.square().mean(axes, true);
  let y = centred.mul(variance.add(eps).rsqrt());
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return y;
}
