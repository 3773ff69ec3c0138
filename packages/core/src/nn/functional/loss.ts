import { argError, describeValue, fmtShape } from '../../errors.js';
import { logSoftmax, softplus } from '../../ops/activation.js';
import { log, logicalNot, where } from '../../ops/elementwise.js';
import { assertDType, assertTensor } from '../../ops/util.js';
import { defineOp } from '../../plugin.js';
import type { Tensor } from '../../tensor.js';
import { channelShape, checkReduction, checkSameShape, type Reduction, reduce } from './util.js';

export interface LossOptions {
  /** 'mean' (default), 'sum' or 'none' (the elementwise loss). */
  reduction?: Reduction;
}

export interface ClassLossOptions extends LossOptions {
  /** Per-class rescaling weight [C]. */
  weight?: Tensor | null;
  /** Target value that contributes neither loss nor gradient (default −100, as torch). */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends ClassLossOptions {
  /** Mixes the target with the uniform distribution: (1 − ε)·target + ε/C (default 0). */
  labelSmoothing?: number;
}

/** Checks class-index targets: shape [N, ...] for input [N, C, ...], values in [0, C) or ignoreIndex. */
function checkClassTarget(op: string, input: Tensor, target: Tensor, ignoreIndex: number): void {
  assertDType(op, 'target', target, ['int32']);
  const want = input.shape.filter((_, i) => i !== 1);
  if (target.ndim !== want.length || target.shape.some((d, i) => d !== want[i])) {
    argError(
      op,
      'target',
      `class indices of shape ${fmtShape(want)} for input ${fmtShape(input.shape)}`,
      fmtShape(target.shape),
    );
  }
  // Out-of-range classes would otherwise surface as an opaque kernel error (or, on a GPU, garbage).
  if (target.backend.canReadSync) {
    const c = input.shape[1]!;
    for (const v of target.dataSync()) {
      if (v !== ignoreIndex && (v < 0 || v >= c)) {
        argError(op, 'target', `class indices in [0, ${c - 1}] or ignoreIndex (${ignoreIndex})`, `${v}`);
      }
    }
  }
}

function checkWeight(op: string, weight: Tensor | null | undefined, c: number): Tensor | null {
  if (!weight) return null;
  assertTensor(op, 'weight', weight);
  if (weight.ndim !== 1 || weight.shape[0] !== c)
    argError(op, 'weight', `shape [${c}] (one weight per class)`, fmtShape(weight.shape));
  return weight;
}

/**
 * Per-element negative log-likelihood and the weight each element carries in a 'mean' reduction
 * (0 where the target is ignored). Shapes: logp [N, C, ...], target [N, ...] → both [N, ...].
 */
function nllParts(
  logp: Tensor,
  target: Tensor,
  weight: Tensor | null,
  ignoreIndex: number,
): { loss: Tensor; elementWeight: Tensor; ignored: Tensor } {
  const ignored = target.eq(ignoreIndex);
  const safe = where(ignored, 0, target);
  const picked = logp.gather(1, safe.unsqueeze(1)).squeeze(1);
  let elementWeight = logicalNot(ignored).float();
  if (weight)
    elementWeight = elementWeight.mul(weight.indexSelect(0, safe.reshape([safe.size])).reshape(target.shape));
  return { loss: picked.neg().mul(elementWeight), elementWeight, ignored };
}

/** Promotes unbatched input [C] (target []) to a batch of one, as torch accepts it. */
function batched(input: Tensor, target: Tensor, probs: boolean): [Tensor, Tensor, boolean] {
  if (input.ndim !== 1) return [input, target, false];
  return [input.unsqueeze(0), probs ? target.unsqueeze(0) : target.reshape([1]), true];
}

/**
 * Negative log-likelihood of class indices under log-probabilities. Shapes: logProbs [N, C] or
 * [N, C, d1, ...]; target int32 [N] or [N, d1, ...]. 'mean' divides by the summed weights of the
 * non-ignored targets (their count without `weight`), as torch.
 */
export function nllLoss(logProbs: Tensor, target: Tensor, opts: ClassLossOptions = {}): Tensor {
  assertTensor('nllLoss', 'input', logProbs);
  assertTensor('nllLoss', 'target', target);
  const reduction = checkReduction('nllLoss', opts.reduction ?? 'mean');
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const [input, tgt, unbatched] = batched(logProbs, target, false);
  if (input.ndim < 2) argError('nllLoss', 'input', 'a tensor [N, C, ...] or [C]', fmtShape(logProbs.shape));
  checkClassTarget('nllLoss', input, tgt, ignoreIndex);
  const weight = checkWeight('nllLoss', opts.weight, input.shape[1]!);
  const { loss, elementWeight } = nllParts(input, tgt, weight, ignoreIndex);
  if (reduction === 'none') return unbatched ? loss.reshape([]) : loss;
  if (reduction === 'sum') return loss.sum();
  return loss.sum().div(elementWeight.sum());
}

/**
 * Cross-entropy of logits against class indices or class probabilities (torch.nn.functional.cross_entropy).
 * Shapes: logits [N, C] or [N, C, d1, ...] (or [C]); target int32 [N, d1, ...] of class indices, or
 * float32 of the logits' shape holding probabilities. 'none' returns [N, d1, ...].
 */
export function crossEntropy(logits: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  assertTensor('crossEntropy', 'input', logits);
  assertTensor('crossEntropy', 'target', target);
  const reduction = checkReduction('crossEntropy', opts.reduction ?? 'mean');
  const ls = opts.labelSmoothing ?? 0;
  if (typeof ls !== 'number' || !(ls >= 0 && ls <= 1)) {
    argError('crossEntropy', 'labelSmoothing', 'a number in [0, 1]', describeValue(ls));
  }
  const probs = target.dtype === 'float32';
  const [input, tgt, unbatched] = batched(logits, target, probs);
  if (input.ndim < 2) argError('crossEntropy', 'input', 'logits [N, C, ...] or [C]', fmtShape(logits.shape));
  const c = input.shape[1]!;
  const weight = checkWeight('crossEntropy', opts.weight, c);
  const logp = logSoftmax(input, 1);
  const bshape = channelShape(input, c);

  let out: Tensor;
  if (probs) {
    checkSameShape('crossEntropy', input, tgt);
    const t = ls > 0 ? tgt.mul(1 - ls).add(ls / c) : tgt;
    let prod = logp.mul(t);
    if (weight) prod = prod.mul(weight.reshape(bshape));
    const loss = prod.sum(1).neg();
    out = reduction === 'none' ? loss : reduction === 'sum' ? loss.sum() : loss.mean();
  } else {
    const ignoreIndex = opts.ignoreIndex ?? -100;
    checkClassTarget('crossEntropy', input, tgt, ignoreIndex);
    const { loss, elementWeight, ignored } = nllParts(logp, tgt, weight, ignoreIndex);
    const denom = reduction === 'mean' ? elementWeight.sum() : null;
    const reduceClass = (l: Tensor) =>
      reduction === 'none' ? l : reduction === 'sum' ? l.sum() : l.sum().div(denom!);
    out = reduceClass(loss);
    if (ls > 0) {
      // torch's smoothing term: −Σ_c w_c·log p_c per element (0 where ignored), normalised like the NLL.
      const weighted = weight ? logp.mul(weight.reshape(bshape)) : logp;
      const smooth = where(ignored, 0, weighted.sum(1).neg());
      out = out.mul(1 - ls).add(reduceClass(smooth).mul(ls / c));
    }
  }
  return unbatched && reduction === 'none' ? out.reshape([]) : out;
}

/** Mean squared error. Shapes: input and target alike. */
export function mseLoss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  assertTensor('mseLoss', 'input', input);
  assertTensor('mseLoss', 'target', target);
  checkSameShape('mseLoss', input, target);
  return reduce(input.sub(target).square(), checkReduction('mseLoss', opts.reduction ?? 'mean'));
}

/** Mean absolute error. Shapes: input and target alike. */
export function l1Loss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  assertTensor('l1Loss', 'input', input);
  assertTensor('l1Loss', 'target', target);
  checkSameShape('l1Loss', input, target);
  return reduce(input.sub(target).abs(), checkReduction('l1Loss', opts.reduction ?? 'mean'));
}

export interface BceOptions extends LossOptions {
  /** Rescales each element's loss; broadcasts against the input. */
  weight?: Tensor | null;
}

export interface BceWithLogitsOptions extends BceOptions {
  /** Weight of the positive term per class (broadcasts along the last axis), for imbalanced labels. */
  posWeight?: Tensor | null;
}

/**
 * Binary cross-entropy on logits, in the stable form
 * (1 − t)·x + (1 + (pw − 1)·t)·softplus(−x). Shapes: logits and target alike.
 */
export function binaryCrossEntropyWithLogits(
  logits: Tensor,
  target: Tensor,
  opts: BceWithLogitsOptions = {},
): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  assertTensor(op, 'input', logits);
  assertTensor(op, 'target', target);
  checkSameShape(op, logits, target);
  const reduction = checkReduction(op, opts.reduction ?? 'mean');
  const t = target.dtype === 'float32' ? target : target.float();
  const sp = softplus(logits.neg());
  const logWeight = opts.posWeight
    ? assertTensor(op, 'posWeight', opts.posWeight).sub(1).mul(t).add(1)
    : null;
  let loss = t
    .neg()
    .add(1)
    .mul(logits)
    .add(logWeight ? logWeight.mul(sp) : sp);
  if (opts.weight) loss = loss.mul(assertTensor(op, 'weight', opts.weight));
  return reduce(loss, reduction);
}

/** −(t·log p + (1 − t)·log(1 − p)) with logs clamped at −100 and torch's gradient (p − t)/max(p(1 − p), 1e−12). */
const bceOp = defineOp<null>('nn.binaryCrossEntropy', {
  forward: ([p, t]) => {
    const logP = log(p!).maximum(-100);
    const log1mP = log(p!.neg().add(1)).maximum(-100);
    return t!.mul(logP).add(t!.neg().add(1).mul(log1mP)).neg();
  },
  backward: (dy, [p, t]) => [
    p!.requiresGrad ? dy.mul(p!.sub(t!)).div(p!.mul(p!.neg().add(1)).maximum(1e-12)) : null,
    t!.requiresGrad ? dy.mul(log(p!.neg().add(1)).maximum(-100).sub(log(p!).maximum(-100))) : null,
  ],
});

/**
 * Binary cross-entropy on probabilities in [0, 1]. Prefer `binaryCrossEntropyWithLogits`, which is
 * stable where a sigmoid saturates. Shapes: input and target alike.
 */
export function binaryCrossEntropy(probs: Tensor, target: Tensor, opts: BceOptions = {}): Tensor {
  const op = 'binaryCrossEntropy';
  assertTensor(op, 'input', probs);
  assertTensor(op, 'target', target);
  checkSameShape(op, probs, target);
  const reduction = checkReduction(op, opts.reduction ?? 'mean');
  if (probs.backend.canReadSync) {
    for (const v of probs.dataSync()) {
      if (!(v >= 0 && v <= 1))
        argError(
          op,
          'input',
          'probabilities in [0, 1] (apply sigmoid, or use binaryCrossEntropyWithLogits)',
          `${v}`,
        );
    }
  }
  let loss = bceOp([probs, target.dtype === 'float32' ? target : target.float()], null);
  if (opts.weight) loss = loss.mul(assertTensor(op, 'weight', opts.weight));
  return reduce(loss, reduction);
}
