/**
 * @erlangen/grid: group-equivariant CNNs on the plane. The planar groups C_N and D_N with their
 * regular, quotient and irreducible representations; field types and tensors that carry them; and
 * p4 / p4m lifting and group convolutions by exact index gathers of the filter (GrouPy style),
 * group pooling, pointwise nonlinearities and export to a plain Conv2d.
 */

export { checkFieldType, FieldType } from './fields/field-type.js';
export { GeometricTensor } from './fields/geometric-tensor.js';
export { gridPermutation } from './groups/grid-action.js';
export {
  cyclicGroup,
  dihedralGroup,
  type Matrix2,
  type PlanarElement,
  PlanarGroup,
} from './groups/planar-group.js';
export {
  decomposeRegular,
  directSum,
  generatedSubgroup,
  type IrrepType,
  irreducibleRepresentations,
  quotientRepresentation,
  type RegularDecomposition,
  Representation,
  type RepresentationInit,
  regularRepresentation,
  trivialRepresentation,
} from './groups/representation.js';
export { checkOddKernel, expandFilter, filterExpansionIndex } from './nn/filter-expansion.js';
export { GroupConv, type GroupConvOptions, LiftingConv } from './nn/group-conv.js';
export { GroupPool, PointwiseMaxPool, ReLU } from './nn/pointwise.js';
