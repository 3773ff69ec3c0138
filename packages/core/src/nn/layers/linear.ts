import { argError, describeValue } from '../../errors.js';
import type { Generator } from '../../ops/creation.js';
import type { Tensor } from '../../tensor.js';
import { linear } from '../functional/linear.js';
import { kaimingUniform, uniform } from '../init.js';
import { Module } from '../module.js';

export function checkPositiveInt(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    argError(op, arg, 'a positive integer', describeValue(v));
  return v;
}

export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Source of the initial weights (default: the global generator). */
  generator?: Generator;
}

/**
 * y = x·Wᵀ + b with weight [outFeatures, inFeatures] and bias [outFeatures], initialised as torch:
 * U(−1/√in, 1/√in) for both. Shapes: [..., inFeatures] → [..., outFeatures].
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Tensor;
  // Assigned in the constructor, in this order, so discovery sees weight before bias under any field semantics.
  bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    this.inFeatures = checkPositiveInt('Linear', 'inFeatures', inFeatures);
    this.outFeatures = checkPositiveInt('Linear', 'outFeatures', outFeatures);
    const gen = { generator: opts.generator };
    // kaiming_uniform(a = √5) is torch's choice; it works out to the bound 1/√in.
    this.weight = this.registerParameter(
      'weight',
      kaimingUniform([outFeatures, inFeatures], { a: Math.sqrt(5), ...gen }),
    );
    const bound = 1 / Math.sqrt(inFeatures);
    this.bias =
      (opts.bias ?? true) ? this.registerParameter('bias', uniform([outFeatures], -bound, bound, gen)) : null;
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  protected override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/** Returns its input; a placeholder where a layer is optional. */
export class Identity extends Module {
  forward<T>(x: T): T {
    return x;
  }
}
