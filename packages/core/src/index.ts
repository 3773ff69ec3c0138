/**
 * @erlangen/core: tensors, reverse-mode autograd, nn modules, optimisers and backends.
 * Everything is a named export, so bundlers keep only what an application uses.
 */

export {
  type BackwardOptions,
  backward,
  enableGrad,
  type GradNode,
  grad,
  gradients,
  isGradEnabled,
  noGrad,
  valueAndGrad,
} from './autograd.js';
export { CpuBackend } from './backend/cpu/index.js';
// The default 'cpu' backend runs the WebAssembly SIMD kernels (multi-threaded) where supported;
// `registerCpuBackend({ kernels: 'typescript' })` selects the pure TypeScript kernels.
export { type CpuBackendOptions, createCpuBackend, registerCpuBackend } from './backend/cpu-backend.js';
// WebGL2/WebGL through gpu.js, for browsers without WebGPU: `registerGpuJsBackend(); await setBackend('gpujs')`.
export {
  createGpuJsBackend,
  GpuJsBackend,
  type GpuJsBackendOptions,
  type GpuJsMode,
  registerGpuJsBackend,
} from './backend/gpujs/index.js';
export type {
  AdamStepOptions,
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
// The same kernels under the name 'wasm': `registerWasmBackend(); await setBackend('wasm')`.
export {
  createWasmBackend,
  registerWasmBackend,
  WasmBackend,
  type WasmBackendOptions,
  wasmRelaxedSimdSupported,
  wasmSimdSupported,
} from './backend/wasm/index.js';
export { registerWebGPUBackend, type WebGPUBackendOptions } from './backend/webgpu/index.js';
export { getBackend, listBackends, registerBackend, setBackend } from './backends.js';
export * as data from './data/index.js';
export type { DType, TypedArray } from './dtype.js';
export { memory } from './engine.js';
// Argument checks in core's error format, for packages built on core (graph, grid).
export {
  argError,
  checkNonNegativeInt,
  checkPositiveInt,
  checkProbability,
  ErlangenError,
  fmtShape,
} from './errors.js';
export * from './io/index.js';
// Dense symmetric eigen-decomposition on Float64Array (float64 CPU path, cyclic Jacobi), for the
// small Rayleigh–Ritz and Gram-matrix problems of the domain packages (mesh-gauge, info-bottleneck).
export {
  type SymmetricEigen64Result,
  symmetricEigen64,
  symmetricEigenvalues64,
} from './linalg/symmetric-eigen.js';
export { dispose, keep, tidy } from './memory.js';
export * as nn from './nn/index.js';
export * from './ops/index.js';
export * as optim from './optim/index.js';
export {
  defineOp,
  hasKernel,
  type KernelImpl,
  type KernelOutput,
  listKernels,
  type OpDefinition,
  registerKernel,
  runKernel,
  runKernelAsync,
} from './plugin.js';
export { threefry2x32 } from './random.js';
export type { Shape } from './shape.js';
export { type NestedArray, Tensor, type TensorLike } from './tensor.js';
