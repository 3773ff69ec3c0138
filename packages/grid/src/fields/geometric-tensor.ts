import { type Tensor, tensor } from '@erlangen/core';
import { argError } from '../errors.js';
import { gridPermutation } from '../groups/grid-action.js';
import { checkFieldType, FieldType } from './field-type.js';

/**
 * A feature map that carries its field type (escnn's GeometricTensor): `tensor` has shape
 * [batch, type.size, height, width]. Equivariant layers check the type of what they receive.
 */
export class GeometricTensor {
  readonly tensor: Tensor;
  readonly type: FieldType;

  constructor(x: Tensor, type: FieldType) {
    if (!(type instanceof FieldType)) argError('GeometricTensor', 'type', 'a FieldType', String(type));
    type.check('GeometricTensor', 'tensor', x);
    this.tensor = x;
    this.type = type;
  }

  get shape(): readonly number[] {
    return this.tensor.shape;
  }

  /**
   * The action of g on the feature map: (g·f)(p) = (⊕ρᵢ(g)) f(g⁻¹p). The plane part permutes pixels
   * exactly, so g must be a grid symmetry (a multiple of 90°); a quarter turn needs a square map.
   * Differentiable (an index gather and a matrix product). Shape unchanged.
   */
  transform(g: number): GeometricTensor {
    const group = this.type.group;
    group.element(g); // validates g
    const [batch, channels, height, width] = this.tensor.shape as [number, number, number, number];
    const pixels = tensor(gridPermutation(group, g, height, width), [height * width], 'int32');
    const moved = this.tensor.reshape([batch, channels, height * width]).indexSelect(2, pixels);
    const fibre = tensor(Float32Array.from(this.type.fibreMatrix(g)), [channels, channels]);
    const out = fibre.matmul(moved).reshape([batch, channels, height, width]);
    return new GeometricTensor(out, this.type);
  }

  /** Checks that this tensor has type `expected` (for layers). */
  checkType(op: string, expected: FieldType, arg = 'x'): void {
    checkFieldType(op, arg, expected, this.type);
  }
}
