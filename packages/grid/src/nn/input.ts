import { Tensor } from '@erlangen/core';
import { argError, fmtShape } from '../errors.js';
import type { FieldType } from '../fields/field-type.js';
import { GeometricTensor } from '../fields/geometric-tensor.js';

/** Throws unless `x` is a GeometricTensor of exactly `type` (layers never guess a field type). */
export function checkInput(op: string, x: unknown, type: FieldType): GeometricTensor {
  if (!(x instanceof GeometricTensor)) {
    const got =
      x instanceof Tensor
        ? `a plain Tensor of shape ${fmtShape(x.shape)} (wrap it: new GeometricTensor(x, layer.inType))`
        : String(x);
    argError(op, 'x', `a GeometricTensor of type ${type}`, got);
  }
  x.checkType(op, type);
  return x;
}
