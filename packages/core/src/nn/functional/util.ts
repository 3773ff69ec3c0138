import { argError, describeValue, fmtShape } from '../../errors.js';
import { shapesEqual } from '../../shape.js';
import type { Tensor } from '../../tensor.js';

export type Reduction = 'mean' | 'sum' | 'none';

export function checkReduction(op: string, reduction: unknown): Reduction {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    argError(op, 'reduction', "'mean', 'sum' or 'none'", describeValue(reduction));
  }
  return reduction;
}

/** 'mean' averages over every element, 'sum' adds them, 'none' returns the elementwise loss. */
export function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? loss.sum() : loss.mean();
}

/** Losses compare like with like: a silent broadcast of [n, 1] against [n] is a classic bug. */
export function checkSameShape(op: string, input: Tensor, target: Tensor): void {
  if (!shapesEqual(input.shape, target.shape)) {
    argError(op, 'target', `shape ${fmtShape(input.shape)} (the input's)`, fmtShape(target.shape));
  }
}

/** Shape that broadcasts a per-channel vector [C] against x [N, C, ...] along axis 1. */
export function channelShape(x: Tensor, c: number): number[] {
  return x.shape.map((_, i) => (i === 1 ? c : 1));
}
