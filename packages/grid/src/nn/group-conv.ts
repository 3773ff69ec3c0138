import { conv2d, type Generator, nn, noGrad, type Tensor, zeros } from '@erlangen/core';
import { checkNonNegativeInt, checkPositiveInt } from '../errors.js';
import { FieldType } from '../fields/field-type.js';
import { GeometricTensor } from '../fields/geometric-tensor.js';
import type { PlanarGroup } from '../groups/planar-group.js';
import { ExpandedFilterCache } from './filter-cache.js';
import {
  checkGridGroup,
  checkOddKernel,
  expandFilter,
  filterExpansionIndex,
  indexTensor,
} from './filter-expansion.js';
import { checkInput } from './input.js';

export interface GroupConvOptions {
  /** Zero padding per side (default (k − 1)/2: the output keeps the input's size). */
  padding?: number;
  /** Stride (default 1). Equivariance is exact for stride 1; for stride s it needs (size − 1) divisible by s. */
  stride?: number;
  /** Learn one bias per output field, shared by its |G| channels (default true). */
  bias?: boolean;
  generator?: Generator;
}

/**
 * What lifting and group convolutions share: a base filter, the gather index that expands it into the
 * bank of its |G| transformed copies once per forward (GrouPy's filter transform), a plain conv2d,
 * and a per-field bias.
 */
abstract class ExpandedConv extends nn.Module {
  readonly group: PlanarGroup;
  readonly inType: FieldType;
  readonly outType: FieldType;
  readonly kernelSize: number;
  readonly padding: number;
  readonly stride: number;
  /** The layer's name in error messages. */
  private readonly op: string;
  weight: Tensor;
  bias: Tensor | null;
  private readonly expansion: Tensor;
  private readonly filterCache = new ExpandedFilterCache();

  protected constructor(
    op: string,
    group: PlanarGroup,
    inFibre: 'trivial' | 'regular',
    inChannels: number,
    outChannels: number,
    kernelSize: number,
    opts: GroupConvOptions,
  ) {
    super();
    this.op = op;
    checkGridGroup(op, group);
    checkPositiveInt(op, 'inChannels', inChannels);
    checkPositiveInt(op, 'outChannels', outChannels);
    this.kernelSize = checkOddKernel(op, kernelSize);
    this.padding = checkNonNegativeInt(op, 'padding', opts.padding ?? (kernelSize - 1) / 2);
    this.stride = checkPositiveInt(op, 'stride', opts.stride ?? 1);
    this.group = group;
    this.inType =
      inFibre === 'regular' ? FieldType.regular(group, inChannels) : FieldType.trivial(group, inChannels);
    this.outType = FieldType.regular(group, outChannels);
    const fibre = inFibre === 'regular' ? [group.order] : [];
    // He initialisation over the real fan-in (inChannels · fibre · k²), as for the expanded conv.
    const shape = [outChannels, inChannels, ...fibre, kernelSize, kernelSize];
    this.weight = this.registerParameter(
      'weight',
      nn.init.kaimingNormal(shape, { generator: opts.generator }),
    );
    this.bias = (opts.bias ?? true) ? this.registerParameter('bias', zeros([outChannels])) : null;
    this.expansion = indexTensor(filterExpansionIndex(group, inFibre, inChannels, kernelSize));
  }

  /** The expanded filter bank [outChannels·|G|, inType.size, k, k] (differentiable in `weight`). */
  filterBank(): Tensor {
    return expandFilter(this.weight, this.expansion, this.group.order, this.kernelSize);
  }

  /** The bias repeated over each field's |G| channels: [outChannels·|G|], or null. */
  expandedBias(): Tensor | null {
    if (!this.bias) return null;
    const fields = this.outType.fields;
    return this.bias
      .reshape([fields, 1])
      .expand([fields, this.group.order])
      .reshape([fields * this.group.order]);
  }

  /** Drops the eval-mode filter cache (it is also rebuilt automatically when the weights are re-assigned). */
  invalidateCache(): void {
    this.filterCache.invalidate();
  }

  /** The filter bank and bias for a forward: expanded afresh in training mode, cached in eval mode. */
  private bankAndBias(): { bank: Tensor; bias: Tensor | null } {
    const { filter, bias } = this.filterCache.get(this.training, this.weight, this.bias, () => ({
      filter: this.filterBank(),
      bias: this.expandedBias(),
    }));
    return { bank: filter, bias };
  }

  /**
   * Shapes: x [batch, inType.size, H, W] → [batch, outType.size, H', W'] (H' = H for stride 1, default
   * padding). In eval mode the expanded filter is cached, so inference costs one plain conv2d.
   */
  forward(x: GeometricTensor): GeometricTensor {
    const input = checkInput(this.op, x, this.inType);
    const { bank, bias } = this.bankAndBias();
    const y = conv2d(input.tensor, bank, bias, {
      padding: this.padding,
      stride: this.stride,
    });
    return new GeometricTensor(y, this.outType);
  }

  /**
   * A plain core `Conv2d` (inType.size → outType.size channels) holding the expanded filter and bias,
   * for inference at the cost of one ordinary convolution. Its forward takes and returns plain tensors
   * and equals this layer's forward; it is a snapshot (later training of this layer does not reach it).
   */
  export(): nn.Conv2d {
    const conv = new nn.Conv2d(this.inType.size, this.outType.size, this.kernelSize, {
      padding: this.padding,
      stride: this.stride,
      bias: this.bias !== null,
    });
    noGrad(() => {
      conv.weight.assign(this.filterBank());
      const b = this.expandedBias();
      if (b && conv.bias) conv.bias.assign(b);
    });
    return conv;
  }

  protected override extraRepr(): string {
    return `${this.inType} → ${this.outType}, kernelSize=${this.kernelSize}`;
  }
}

/**
 * Lifting convolution Z² → G (GrouPy's P4ConvZ2 / P4MConvZ2 for G = C4 / D4): trivial input fields
 * (an image's channels) to regular fields, one output channel per group element, by convolving with
 * the |G| transformed copies of each filter. Weight [outChannels, inChannels, k, k] (k odd), bias
 * [outChannels]. Shapes: [batch, inChannels, H, W] → [batch, outChannels·|G|, H', W'], channel
 * index = field·|G| + element.
 */
export class LiftingConv extends ExpandedConv {
  constructor(
    group: PlanarGroup,
    inChannels: number,
    outChannels: number,
    kernelSize: number,
    opts: GroupConvOptions = {},
  ) {
    super('LiftingConv', group, 'trivial', inChannels, outChannels, kernelSize, opts);
  }
}

/**
 * Group convolution G → G (GrouPy's P4ConvP4 / P4MConvP4M): regular fields to regular fields; the
 * filter for output element g is the base filter with both its plane offsets and its input fibre
 * transformed by g. Weight [outChannels, inChannels, |G|, k, k] (k odd), bias [outChannels].
 * Shapes: [batch, inChannels·|G|, H, W] → [batch, outChannels·|G|, H', W'].
 */
export class GroupConv extends ExpandedConv {
  constructor(
    group: PlanarGroup,
    inChannels: number,
    outChannels: number,
    kernelSize: number,
    opts: GroupConvOptions = {},
  ) {
    super('GroupConv', group, 'regular', inChannels, outChannels, kernelSize, opts);
  }
}
