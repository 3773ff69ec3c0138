import type { DType, TypedArray } from '../dtype.js';
import type { Shape } from '../shape.js';

/**
 * Opaque handle to a backend's storage for one tensor. The CPU backend uses the typed array itself;
 * a GPU backend uses a buffer (possibly not yet computed: kernels only queue work).
 */
export type DataId = object;

/** What a kernel sees of a tensor: storage, shape and dtype. Always contiguous, row-major. */
/**
 * Scalars of one fused Adam step, exactly the float32 constants the composed update multiplies by:
 * g ← g + weightDecay·θ (mode 'l2') or θ ← decay·θ (mode 'decoupled'); m ← b1·m + oneMinusB1·g;
 * v ← b2·v + oneMinusB2·g²; θ ← θ + (m / (√v / bc2Sqrt + eps))·stepScale.
 */
export interface AdamStepOptions {
  mode: 'plain' | 'l2' | 'decoupled';
  weightDecay: number;
  decay: number;
  b1: number;
  oneMinusB1: number;
  b2: number;
  oneMinusB2: number;
  bc2Sqrt: number;
  eps: number;
  stepScale: number;
}

export interface TensorInfo {
  readonly id: DataId;
  readonly shape: Shape;
  readonly dtype: DType;
}

export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'sign'
  | 'exp'
  | 'log'
  | 'log1p'
  | 'expm1'
  | 'sqrt'
  | 'rsqrt'
  | 'square'
  | 'reciprocal'
  | 'sin'
  | 'cos'
  | 'tan'
  | 'asin'
  | 'acos'
  | 'atan'
  | 'sinh'
  | 'cosh'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'erf'
  | 'logicalNot'
  | 'isNaN'
  | 'isFinite';

export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'mod'
  | 'atan2'
  | 'equal'
  | 'notEqual'
  | 'less'
  | 'lessEqual'
  | 'greater'
  | 'greaterEqual'
  | 'logicalAnd'
  | 'logicalOr';

export type ReduceOp = 'sum' | 'max' | 'min' | 'prod';
export type ArgReduceOp = 'argmax' | 'argmin';

/** Geometry of a 2-D convolution, shared by its three kernels. Shapes: x [n, c, h, w], w [o, c/g, kh, kw]. */
export interface Conv2dGeometry {
  batch: number;
  inChannels: number;
  inHeight: number;
  inWidth: number;
  outChannels: number;
  kernelHeight: number;
  kernelWidth: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  dilationH: number;
  dilationW: number;
  groups: number;
  outHeight: number;
  outWidth: number;
}

/** Geometry of 2-D max pooling. x [n, c, h, w] → [n, c, outHeight, outWidth]; padding counts as -∞. */
export interface Pool2dGeometry {
  batch: number;
  channels: number;
  inHeight: number;
  inWidth: number;
  kernelHeight: number;
  kernelWidth: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  dilationH: number;
  dilationW: number;
  outHeight: number;
  outWidth: number;
}

/** Batched matmul geometry: a [batchA, M, K] (or [batchA, K, M] if transA), b likewise; batchA and batchB equal or 1. */
export interface MatmulGeometry {
  batch: number;
  batchA: number;
  batchB: number;
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
}

/**
 * The primitive kernels every backend provides; every op of `@erlangen/core` is composed of these
 * (see BACKENDS.md). Kernels receive contiguous inputs and return new, contiguous storage. They may
 * run lazily: only `read` awaits the result.
 */
export interface Backend {
  readonly name: string;
  /** True when `readSync` works (the CPU backend); GPU backends read asynchronously only. */
  readonly canReadSync: boolean;

  // ---- storage
  upload(values: TypedArray, dtype: DType): DataId;
  read(id: DataId, dtype: DType, size: number): Promise<TypedArray>;
  readSync(id: DataId, dtype: DType, size: number): TypedArray;
  release(id: DataId): void;

  // ---- creation and movement
  fill(shape: Shape, value: number, dtype: DType): DataId;
  /** start + i*step for i in [0, size). */
  arange(start: number, step: number, size: number, dtype: DType): DataId;
  /** out[i] = x[offset + Σ idx_d · strides[d]] over `outShape`: permute, slice, expand and flip. */
  copyStrided(x: TensorInfo, outShape: Shape, strides: readonly number[], offset: number): DataId;
  cast(x: TensorInfo, dtype: DType): DataId;
  /** Constant padding: pads[d] = [before, after]; negative values crop. */
  pad(x: TensorInfo, pads: readonly (readonly [number, number])[], value: number): DataId;
  concat(xs: readonly TensorInfo[], axis: number, outShape: Shape): DataId;

  // ---- elementwise
  unary(op: UnaryOp, x: TensorInfo, outDtype: DType): DataId;
  /** Broadcasting binary op; inputs already cast to a common dtype. */
  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: Shape, outDtype: DType): DataId;
  /** Broadcasting select: cond ? a : b (cond is bool). */
  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: Shape): DataId;

  // ---- reductions
  /** Reduces over `axes` (sorted); the result has those axes removed. */
  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): DataId;
  /** Index (int32) of the first extreme along `axis`; the axis is removed. */
  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number): DataId;
  /** log Σ exp along `axis`, computed stably; the axis is removed. */
  logSumExp(x: TensorInfo, axis: number): DataId;
  /**
   * Optional fused kernel: softmax (or log-softmax when `log`) of float32 `x` along its last axis,
   * same shape. Backends without it get the composed form (max, shift, logSumExp, exp).
   */
  softmaxLastAxis?(x: TensorInfo, log: boolean): DataId;
  /**
   * Optional fused kernel: one Adam / AdamW step on float32 θ, g and the moments m, v (null on the
   * first step), as the composed update computes it (see `AdamStepOptions`). Returns θ', m', v'.
   * Optimisers without it, or on backends without it, compose the update from elementwise kernels.
   */
  adamStep?(
    param: TensorInfo,
    grad: TensorInfo,
    m: TensorInfo | null,
    v: TensorInfo | null,
    opts: AdamStepOptions,
  ): [DataId, DataId, DataId];
  /** Inclusive or exclusive cumulative sum along `axis`. */
  cumsum(x: TensorInfo, axis: number, exclusive: boolean, reverse: boolean): DataId;

  // ---- linear algebra and convolution
  matmul(a: TensorInfo, b: TensorInfo, g: MatmulGeometry): DataId;
  conv2d(x: TensorInfo, w: TensorInfo, g: Conv2dGeometry): DataId;
  conv2dGradInput(dy: TensorInfo, w: TensorInfo, g: Conv2dGeometry): DataId;
  conv2dGradFilter(x: TensorInfo, dy: TensorInfo, g: Conv2dGeometry): DataId;
  maxPool2d(x: TensorInfo, g: Pool2dGeometry): DataId;
  maxPool2dGrad(dy: TensorInfo, x: TensorInfo, g: Pool2dGeometry): DataId;

  // ---- indexing (the message-passing kernels)
  /** out = x.take(index, axis): index is int32 1-D; out shape replaces x.shape[axis] by index.length. */
  indexSelect(x: TensorInfo, index: TensorInfo, axis: number): DataId;
  /** out has src's shape with shape[axis] = dimSize; out[.., index[i], ..] += src[.., i, ..]. */
  indexAdd(src: TensorInfo, index: TensorInfo, axis: number, dimSize: number): DataId;
  /** torch.gather: out[..i..] = x[..index[..i..]..] along axis; index has x's rank. */
  gather(x: TensorInfo, index: TensorInfo, axis: number): DataId;
  /** torch.scatter_add onto zeros of `outShape`: out[..index[..i..]..] += src[..i..] along axis. */
  scatterAdd(src: TensorInfo, index: TensorInfo, axis: number, outShape: Shape): DataId;

  // ---- random numbers (counter-based, so every backend draws the same numbers)
  /** Threefry-2x32 stream for (key, stream): uniform [0, 1) floats or standard normals. */
  random(kind: 'uniform' | 'normal', size: number, key: readonly [number, number], stream: number): DataId;
}

/** The names of the primitive kernels; the conformance suite runs each on every backend. */
export const PRIMITIVE_KERNELS = [
  'fill',
  'arange',
  'copyStrided',
  'cast',
  'pad',
  'concat',
  'unary',
  'binary',
  'where',
  'reduce',
  'argReduce',
  'logSumExp',
  'cumsum',
  'matmul',
  'conv2d',
  'conv2dGradInput',
  'conv2dGradFilter',
  'maxPool2d',
  'maxPool2dGrad',
  'indexSelect',
  'indexAdd',
  'gather',
  'scatterAdd',
  'random',
] as const;
