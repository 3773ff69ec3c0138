import { argError, describeValue } from '../../errors.js';
import type { Generator } from '../../ops/creation.js';
import type { Tensor } from '../../tensor.js';
import { dropout } from '../functional/linear.js';
import { Module } from '../module.js';

/**
 * Inverted dropout: in training, zeroes elements with probability p and scales the rest by 1/(1−p);
 * the identity in eval mode. Masks come from `generator` (default: the global one).
 */
export class Dropout extends Module {
  readonly p: number;
  readonly generator: Generator | undefined;
  constructor(p = 0.5, opts: { generator?: Generator } = {}) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1))
      argError('Dropout', 'p', 'a probability in [0, 1]', describeValue(p));
    this.p = p;
    this.generator = opts.generator;
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, { generator: this.generator });
  }
  protected override extraRepr(): string {
    return `p=${this.p}`;
  }
}
