/**
 * @erlangen/grid: group-equivariant CNNs on the plane. The planar groups C_N and D_N with their
 * regular, quotient and irreducible representations; field types and tensors that carry them;
 * p4 / p4m lifting and group convolutions by exact index gathers of the filter (GrouPy style);
 * steerable convolutions (R2Conv) for any field types of C_N / D_N; pointwise, norm and gated
 * nonlinearities, batch norm per field, group and antialiased pooling, export to a plain Conv2d;
 * the Fourier anatomy of regular C_N fields; rotated MNIST.
 */

export {
  type FieldLayer,
  frequencyOrder,
  type InteractionGraph,
  type InteractionOptions,
  interactionGraph,
  interactionRule,
} from './anatomy/interaction.js';
export {
  fibreEnergies,
  type IsotypicBasis,
  isotypicBasis,
  isotypicEnergies,
  isotypicFractions,
} from './anatomy/isotypic.js';
export { type EnergyPlotInput, energyPlotSvg } from './anatomy/plot.js';
export { type BilinearTaps, bilinearTaps, inverseRotation, rotateImages } from './data/rotate.js';
export {
  type RotatedDigits,
  type RotatedMnistSplit,
  rotatedMnist,
  seededUniform,
} from './data/rotated-mnist.js';
export { checkFieldType, FieldType } from './fields/field-type.js';
export { GeometricTensor } from './fields/geometric-tensor.js';
export { transformInterpolated } from './fields/interpolated-action.js';
export { type BandLimitedGroup, o2, so2 } from './groups/continuous.js';
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
export { AntialiasedAvgPool, AntialiasedMaxPool } from './nn/antialiased-pool.js';
export { FieldBatchNorm, type FieldBatchNormOptions } from './nn/batch-norm.js';
export { fieldIndicator, invariantEmbedding, invariantVectors } from './nn/field-maps.js';
export { checkOddKernel, expandFilter, filterExpansionIndex } from './nn/filter-expansion.js';
export { GroupConv, type GroupConvOptions, LiftingConv } from './nn/group-conv.js';
export { GatedNonLinearity, NormNonLinearity } from './nn/irrep-nonlinearities.js';
export {
  GroupPool,
  type PointwiseFunction,
  PointwiseMaxPool,
  PointwiseNonLinearity,
  ReLU,
} from './nn/pointwise.js';
export {
  type BasisElement,
  defaultBasisParams,
  KernelBasis,
  type KernelBasisOptions,
  type KernelBasisParams,
  kernelBasis,
} from './steerable/kernel-basis.js';
export { R2Conv, type R2ConvOptions } from './steerable/r2conv.js';
