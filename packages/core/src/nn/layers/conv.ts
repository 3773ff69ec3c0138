import { argError } from '../../errors.js';
import {
  avgPool2d,
  type Conv2dOptions,
  conv2d,
  maxPool2d,
  type Pair,
  type Pool2dOptions,
} from '../../ops/conv.js';
import type { Generator } from '../../ops/creation.js';
import { pair } from '../../ops/util.js';
import type { Tensor } from '../../tensor.js';
import { kaimingUniform, uniform } from '../init.js';
import { Module } from '../module.js';
import { checkPositiveInt } from './linear.js';

export interface Conv2dLayerOptions extends Conv2dOptions {
  /** Learn a per-channel bias (default true). */
  bias?: boolean;
  generator?: Generator;
}

/**
 * 2-D convolution layer (torch.nn.Conv2d, zero padding). weight [outChannels, inChannels/groups, kh, kw]
 * and bias [outChannels], both U(−1/√fanIn, 1/√fanIn) as torch. Shapes: [N, inChannels, H, W] →
 * [N, outChannels, H', W'].
 */
export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly options: Conv2dOptions;
  weight: Tensor;
  bias: Tensor | null;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, opts: Conv2dLayerOptions = {}) {
    super();
    this.inChannels = checkPositiveInt('Conv2d', 'inChannels', inChannels);
    this.outChannels = checkPositiveInt('Conv2d', 'outChannels', outChannels);
    this.kernelSize = pair('Conv2d', 'kernelSize', kernelSize, 1);
    const groups = checkPositiveInt('Conv2d', 'groups', opts.groups ?? 1);
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      argError(
        'Conv2d',
        'groups',
        `a divisor of inChannels (${inChannels}) and outChannels (${outChannels})`,
        `${groups}`,
      );
    }
    const { bias, generator, ...conv } = opts;
    this.options = conv;
    const shape = [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = this.registerParameter('weight', kaimingUniform(shape, { a: Math.sqrt(5), generator }));
    const bound = 1 / Math.sqrt(shape[1]! * shape[2]! * shape[3]!);
    this.bias =
      (bias ?? true)
        ? this.registerParameter('bias', uniform([outChannels], -bound, bound, { generator }))
        : null;
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.options);
  }

  protected override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize.join(', ')}]`;
  }
}

/** Max over kH×kW windows (stride defaults to the kernel size). Shapes: [N, C, H, W] → [N, C, H', W']. */
export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: Pair,
    readonly options: Pool2dOptions = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
}

/** Mean over kH×kW windows, zero padding counted (torch's default). Shapes: [N, C, H, W] → [N, C, H', W']. */
export class AvgPool2d extends Module {
  constructor(
    readonly kernelSize: Pair,
    readonly options: Omit<Pool2dOptions, 'dilation'> = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
}
