import { elu, maxPool2d, nn } from '@erlangen/core';
import { argError, checkPositiveInt } from '../errors.js';
import { FieldType } from '../fields/field-type.js';
import { GeometricTensor } from '../fields/geometric-tensor.js';
import { checkInput } from './input.js';

/**
 * Pointwise ReLU on fields whose representations permute channels (regular, quotient, trivial): a
 * pointwise function commutes with permutation matrices, so it is equivariant there and nowhere else
 * (irrep fields need NormNonLinearity or GatedNonLinearity). Shape unchanged.
 */
export class ReLU extends nn.Module {
  constructor(readonly type: FieldType) {
    super();
    if (!(type instanceof FieldType)) argError('ReLU', 'type', 'a FieldType', String(type));
    const bad = type.representations.find((r) => !r.isPermutation);
    if (bad)
      argError(
        'ReLU',
        'type',
        'fields whose representations permute channels (regular, quotient or trivial)',
        `${type} (${bad.name} is not a permutation representation)`,
      );
  }

  forward(x: GeometricTensor): GeometricTensor {
    return new GeometricTensor(checkInput('ReLU', x, this.type).tensor.relu(), this.type);
  }
}

/** The pointwise functions `PointwiseNonLinearity` offers. */
export type PointwiseFunction = 'relu' | 'abs' | 'elu' | 'sigmoid' | 'tanh';

/**
 * A pointwise nonlinearity (ReLU, |·|, ELU, sigmoid, tanh) on permutation fields (regular, quotient,
 * trivial), equivariant for the same reason as `ReLU`. Shape unchanged.
 */
export class PointwiseNonLinearity extends nn.Module {
  constructor(
    readonly type: FieldType,
    readonly fn: PointwiseFunction = 'relu',
  ) {
    super();
    if (!(type instanceof FieldType)) argError('PointwiseNonLinearity', 'type', 'a FieldType', String(type));
    if (!['relu', 'abs', 'elu', 'sigmoid', 'tanh'].includes(fn))
      argError('PointwiseNonLinearity', 'fn', "'relu', 'abs', 'elu', 'sigmoid' or 'tanh'", String(fn));
    const bad = type.representations.find((r) => !r.isPermutation);
    if (bad)
      argError(
        'PointwiseNonLinearity',
        'type',
        'fields whose representations permute channels (regular, quotient or trivial)',
        `${type} (${bad.name} is not a permutation representation)`,
      );
  }

  forward(x: GeometricTensor): GeometricTensor {
    const t = checkInput('PointwiseNonLinearity', x, this.type).tensor;
    const y =
      this.fn === 'relu'
        ? t.relu()
        : this.fn === 'abs'
          ? t.abs()
          : this.fn === 'elu'
            ? elu(t)
            : this.fn === 'sigmoid'
              ? t.sigmoid()
              : t.tanh();
    return new GeometricTensor(y, this.type);
  }
}

/**
 * Group pooling: the maximum or mean over each regular field's |G| channels, which is invariant to
 * the fibre permutation, leaving one trivial (rotation-invariant) channel per field.
 * Shapes: [batch, fields·|G|, H, W] → [batch, fields, H, W].
 */
export class GroupPool extends nn.Module {
  readonly outType: FieldType;

  constructor(
    readonly inType: FieldType,
    readonly mode: 'max' | 'mean' = 'max',
  ) {
    super();
    if (!(inType instanceof FieldType)) argError('GroupPool', 'inType', 'a FieldType', String(inType));
    if (!inType.isUniform('regular')) argError('GroupPool', 'inType', 'regular fields only', String(inType));
    if (mode !== 'max' && mode !== 'mean') argError('GroupPool', 'mode', "'max' or 'mean'", String(mode));
    this.outType = FieldType.trivial(inType.group, inType.fields);
  }

  forward(x: GeometricTensor): GeometricTensor {
    const t = checkInput('GroupPool', x, this.inType).tensor;
    const [batch, , height, width] = t.shape as [number, number, number, number];
    const fibres = t.reshape([batch, this.inType.fields, this.inType.group.order, height, width]);
    const pooled = this.mode === 'max' ? fibres.max(2) : fibres.mean(2);
    return new GeometricTensor(pooled, this.outType);
  }
}

/**
 * Spatial max pooling of each channel over k×k windows with stride k (escnn's PointwiseMaxPool; valid
 * for permutation fields). It commutes with the grid symmetries when the windows tile the map:
 * H and W divisible by k. Shapes: [batch, C, H, W] → [batch, C, ⌊H/k⌋, ⌊W/k⌋].
 */
export class PointwiseMaxPool extends nn.Module {
  readonly kernelSize: number;

  constructor(
    readonly type: FieldType,
    kernelSize: number,
  ) {
    super();
    if (!(type instanceof FieldType)) argError('PointwiseMaxPool', 'type', 'a FieldType', String(type));
    this.kernelSize = checkPositiveInt('PointwiseMaxPool', 'kernelSize', kernelSize);
    const bad = type.representations.find((r) => !r.isPermutation);
    if (bad)
      argError(
        'PointwiseMaxPool',
        'type',
        'fields whose representations permute channels',
        `${type} (${bad.name})`,
      );
  }

  forward(x: GeometricTensor): GeometricTensor {
    const t = checkInput('PointwiseMaxPool', x, this.type).tensor;
    return new GeometricTensor(maxPool2d(t, this.kernelSize), this.type);
  }
}
