/**
 * @erlangen/core: tensors, reverse-mode autograd, nn modules, optimisers and backends.
 * Everything is a named export, so bundlers keep only what an application uses.
 */
export type { DType, TypedArray } from './dtype.js';
export { ErlangenError } from './errors.js';
export type { Shape } from './shape.js';
export { Tensor, type TensorLike, type NestedArray } from './tensor.js';
export {
  backward,
  enableGrad,
  grad,
  gradients,
  isGradEnabled,
  noGrad,
  valueAndGrad,
  type BackwardOptions,
  type GradNode,
} from './autograd.js';
export { dispose, keep, tidy } from './memory.js';
export { memory } from './engine.js';
export { getBackend, listBackends, registerBackend, setBackend } from './backends.js';
export {
  defineOp,
  hasKernel,
  listKernels,
  registerKernel,
  runKernel,
  runKernelAsync,
  type KernelImpl,
  type KernelOutput,
  type OpDefinition,
} from './plugin.js';
export type {
  ArgReduceOp,
  Backend,
  BinaryOp,
  Conv2dGeometry,
  DataId,
  MatmulGeometry,
  Pool2dGeometry,
  ReduceOp,
  TensorInfo,
  UnaryOp,
} from './backend/kernels.js';
export { PRIMITIVE_KERNELS } from './backend/kernels.js';
export { CpuBackend } from './backend/cpu/index.js';
export { threefry2x32 } from './random.js';
export * from './ops/index.js';
export * from './io/index.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as data from './data/index.js';
