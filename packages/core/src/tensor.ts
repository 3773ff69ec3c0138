import { type BackwardOptions, type GradNode, backward as runBackward } from './autograd.js';
import type { Backend, DataId, TensorInfo } from './backend/kernels.js';
import type { DType, TypedArray } from './dtype.js';
import { engine } from './engine.js';
import { argError, ErlangenError, fmtShape } from './errors.js';
import * as ops from './ops/index.js';
import { type Shape, shapesEqual, sizeOf } from './shape.js';

export type TensorLike = Tensor | number;
export type NestedArray = number | boolean | NestedArray[];

/**
 * An n-dimensional array of float32, int32 or bool values on one backend, row-major and contiguous.
 * Tensors are immutable (optimisers replace storage through `assign`); ops record gradients when an
 * input has `requiresGrad`.
 */
export class Tensor implements TensorInfo {
  id: DataId;
  readonly shape: Shape;
  readonly dtype: DType;
  readonly backend: Backend;
  requiresGrad = false;
  grad: Tensor | null = null;
  /** @internal how this tensor was computed; absent on leaves. */
  _node: GradNode | undefined = undefined;
  /**
   * @internal name of the op whose graph node a backward pass freed (without retainGraph): a later
   * backward through this tensor must fail loudly instead of treating it as a leaf.
   */
  _freedNode: string | undefined = undefined;
  private disposedFlag = false;
  private keptFlag = false;

  /** @internal Use the creation functions (`tensor`, `zeros`, …); this wraps existing storage. */
  constructor(id: DataId, shape: Shape, dtype: DType, backend: Backend) {
    this.id = id;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.backend = backend;
    engine.track(this);
  }

  get size(): number {
    return sizeOf(this.shape);
  }
  get ndim(): number {
    return this.shape.length;
  }
  get isDisposed(): boolean {
    return this.disposedFlag;
  }
  get isLeaf(): boolean {
    return this._node === undefined;
  }

  /** @internal Throws `op: argument 'arg' expected a live tensor but received a disposed …` on use after dispose. */
  assertAlive(op: string, arg = 'x'): this {
    if (this.disposedFlag) {
      argError(
        op,
        arg,
        'a live tensor',
        `a tensor of shape ${fmtShape(this.shape)} that was disposed (used after dispose())`,
      );
    }
    return this;
  }

  // ---- reading data

  /** The values, as a fresh typed array; works on every backend. */
  async data(): Promise<TypedArray> {
    this.assertAlive('data', 'this');
    return this.backend.read(this.id, this.dtype, this.size);
  }

  /** The values synchronously: CPU only (GPU backends must be awaited with `data()`). */
  dataSync(): TypedArray {
    return this.readSyncFor('dataSync');
  }

  private readSyncFor(op: string): TypedArray {
    this.assertAlive(op, 'this');
    if (!this.backend.canReadSync) {
      throw new ErlangenError(
        `${op}: the tensor lives on the '${this.backend.name}' backend, which reads asynchronously; use 'await t.data()'`,
      );
    }
    return this.backend.readSync(this.id, this.dtype, this.size);
  }

  async array(): Promise<NestedArray> {
    return nest(await this.data(), this.shape, this.dtype);
  }
  arraySync(): NestedArray {
    return nest(this.readSyncFor('arraySync'), this.shape, this.dtype);
  }

  /** The single value of a one-element tensor (CPU; use `itemAsync` elsewhere). */
  item(): number {
    this.assertAlive('item', 'this');
    if (this.size !== 1)
      argError('item', 'this', 'a tensor with one element', `shape ${fmtShape(this.shape)}`);
    return this.readSyncFor('item')[0]!;
  }
  async itemAsync(): Promise<number> {
    this.assertAlive('itemAsync', 'this');
    if (this.size !== 1)
      argError('itemAsync', 'this', 'a tensor with one element', `shape ${fmtShape(this.shape)}`);
    return (await this.data())[0]!;
  }

  toString(): string {
    const head = `Tensor(shape=${fmtShape(this.shape)}, dtype=${this.dtype}, backend=${this.backend.name}`;
    if (this.disposedFlag) return `${head}, disposed)`;
    if (!this.backend.canReadSync || this.size > 64) return `${head})`;
    return `${head}, ${JSON.stringify(this.arraySync())})`;
  }

  // ---- memory

  /** Frees the storage now (shared storage is freed when its last tensor goes). Idempotent. */
  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    engine.untrack(this);
    this._node = undefined;
    if (this.grad) {
      this.grad.dispose();
      this.grad = null;
    }
  }

  /** Exempts this tensor from disposal by the enclosing `tidy` scopes. */
  keep(): this {
    this.keptFlag = true;
    for (const scope of engine.scopes) scope.delete(this);
    return this;
  }
  get isKept(): boolean {
    return this.keptFlag;
  }

  /**
   * Replaces this tensor's values by `value`'s, keeping its identity (for parameters and optimiser
   * state). `value` is consumed: it is disposed and must not be used afterwards.
   */
  assign(value: Tensor): this {
    this.assertAlive('assign', 'this');
    if (!(value instanceof Tensor)) argError('assign', 'value', 'a Tensor', typeof value);
    value.assertAlive('assign', 'value');
    if (value.dtype !== this.dtype || !shapesEqual(value.shape, this.shape)) {
      argError(
        'assign',
        'value',
        `shape ${fmtShape(this.shape)} and dtype ${this.dtype}`,
        `shape ${fmtShape(value.shape)} and dtype ${value.dtype}`,
      );
    }
    if (value === this) return this;
    if (value.backend !== this.backend) {
      const moved = value.to(this.backend.name);
      value.dispose();
      value = moved;
    }
    engine.incRef(value.id);
    engine.decRef(this.id);
    this.id = value.id;
    // The finalizer must release the new storage, not the old, if this tensor is never disposed.
    engine.retarget(this);
    value.dispose();
    return this;
  }

  // ---- autograd

  /** Marks this tensor as a leaf whose gradient `backward` accumulates into `.grad`. */
  requireGrad(flag = true): this {
    this.assertAlive('requireGrad', 'this');
    if (flag && this.dtype !== 'float32') {
      argError(
        'requireGrad',
        'this',
        'a float32 tensor (only those can require grad)',
        `a ${this.dtype} tensor`,
      );
    }
    this.requiresGrad = flag;
    return this;
  }

  backward(grad?: Tensor, opts?: BackwardOptions): void {
    runBackward(this, grad, opts);
  }

  /** Same storage, cut from the graph. */
  detach(): Tensor {
    this.assertAlive('detach', 'this');
    return new Tensor(this.id, this.shape, this.dtype, this.backend);
  }

  zeroGrad(): void {
    if (this.grad) this.grad.dispose();
    this.grad = null;
  }

  // ---- conversion
  to(backendName: string): Tensor {
    return ops.toBackend(this, backendName);
  }
  cast(dtype: DType): Tensor {
    return ops.cast(this, dtype);
  }
  float(): Tensor {
    return ops.cast(this, 'float32');
  }
  int(): Tensor {
    return ops.cast(this, 'int32');
  }
  clone(): Tensor {
    return ops.clone(this);
  }
  zerosLike(): Tensor {
    return ops.zerosLike(this);
  }
  onesLike(): Tensor {
    return ops.onesLike(this);
  }

  // ---- elementwise arithmetic
  add(b: TensorLike): Tensor {
    return ops.add(this, b);
  }
  sub(b: TensorLike): Tensor {
    return ops.sub(this, b);
  }
  mul(b: TensorLike): Tensor {
    return ops.mul(this, b);
  }
  div(b: TensorLike): Tensor {
    return ops.div(this, b);
  }
  pow(b: TensorLike): Tensor {
    return ops.pow(this, b);
  }
  maximum(b: TensorLike): Tensor {
    return ops.maximum(this, b);
  }
  minimum(b: TensorLike): Tensor {
    return ops.minimum(this, b);
  }
  neg(): Tensor {
    return ops.neg(this);
  }
  abs(): Tensor {
    return ops.abs(this);
  }
  sign(): Tensor {
    return ops.sign(this);
  }
  exp(): Tensor {
    return ops.exp(this);
  }
  log(): Tensor {
    return ops.log(this);
  }
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  rsqrt(): Tensor {
    return ops.rsqrt(this);
  }
  square(): Tensor {
    return ops.square(this);
  }
  reciprocal(): Tensor {
    return ops.reciprocal(this);
  }
  sin(): Tensor {
    return ops.sin(this);
  }
  cos(): Tensor {
    return ops.cos(this);
  }
  tanh(): Tensor {
    return ops.tanh(this);
  }
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  relu(): Tensor {
    return ops.relu(this);
  }
  clamp(min?: number, max?: number): Tensor {
    return ops.clamp(this, min, max);
  }

  // ---- comparisons (bool results)
  eq(b: TensorLike): Tensor {
    return ops.equal(this, b);
  }
  ne(b: TensorLike): Tensor {
    return ops.notEqual(this, b);
  }
  lt(b: TensorLike): Tensor {
    return ops.less(this, b);
  }
  le(b: TensorLike): Tensor {
    return ops.lessEqual(this, b);
  }
  gt(b: TensorLike): Tensor {
    return ops.greater(this, b);
  }
  ge(b: TensorLike): Tensor {
    return ops.greaterEqual(this, b);
  }

  // ---- reductions
  sum(axis?: number | number[], keepDims = false): Tensor {
    return ops.sum(this, axis, keepDims);
  }
  mean(axis?: number | number[], keepDims = false): Tensor {
    return ops.mean(this, axis, keepDims);
  }
  max(axis?: number | number[], keepDims = false): Tensor {
    return ops.max(this, axis, keepDims);
  }
  min(axis?: number | number[], keepDims = false): Tensor {
    return ops.min(this, axis, keepDims);
  }
  argmax(axis?: number, keepDims = false): Tensor {
    return ops.argmax(this, axis, keepDims);
  }
  argmin(axis?: number, keepDims = false): Tensor {
    return ops.argmin(this, axis, keepDims);
  }
  logsumexp(axis?: number | number[], keepDims = false): Tensor {
    return ops.logsumexp(this, axis, keepDims);
  }
  variance(axis?: number | number[], opts?: { keepDims?: boolean; correction?: number }): Tensor {
    return ops.variance(this, axis, opts);
  }
  std(axis?: number | number[], opts?: { keepDims?: boolean; correction?: number }): Tensor {
    return ops.std(this, axis, opts);
  }
  cumsum(axis: number): Tensor {
    return ops.cumsum(this, axis);
  }

  // ---- shape and movement
  reshape(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  view(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  flatten(startAxis = 0, endAxis = -1): Tensor {
    return ops.flatten(this, startAxis, endAxis);
  }
  squeeze(axis?: number | number[]): Tensor {
    return ops.squeeze(this, axis);
  }
  unsqueeze(axis: number): Tensor {
    return ops.unsqueeze(this, axis);
  }
  permute(axes: readonly number[]): Tensor {
    return ops.permute(this, axes);
  }
  transpose(axis0 = -2, axis1 = -1): Tensor {
    return ops.transpose(this, axis0, axis1);
  }
  get T(): Tensor {
    return ops.transpose(this, -2, -1);
  }
  expand(shape: readonly number[]): Tensor {
    return ops.expand(this, shape);
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return ops.expand(this, shape);
  }
  /** Python-style slice: one [start, end?] pair (or null for all) per leading axis; negative ends count from the back. */
  slice(ranges: readonly (readonly [number, number?] | null | number)[]): Tensor {
    return ops.slice(this, ranges);
  }
  narrow(axis: number, start: number, length: number): Tensor {
    return ops.narrow(this, axis, start, length);
  }
  /** Selects entry `i` along `axis` (default 0), removing that axis. */
  select(i: number, axis = 0): Tensor {
    return ops.select(this, i, axis);
  }
  flip(axes: number | number[]): Tensor {
    return ops.flip(this, axes);
  }

  // ---- linear algebra, indexing, activations
  matmul(b: Tensor): Tensor {
    return ops.matmul(this, b);
  }
  indexSelect(axis: number, index: Tensor): Tensor {
    return ops.indexSelect(this, axis, index);
  }
  gather(axis: number, index: Tensor): Tensor {
    return ops.gather(this, axis, index);
  }
  softmax(axis = -1): Tensor {
    return ops.softmax(this, axis);
  }
  logSoftmax(axis = -1): Tensor {
    return ops.logSoftmax(this, axis);
  }
}

function nest(values: TypedArray, shape: Shape, dtype: DType): NestedArray {
  const conv = (v: number): number | boolean => (dtype === 'bool' ? v !== 0 : v);
  if (shape.length === 0) return conv(values[0]!);
  const build = (offset: number, dim: number): NestedArray[] => {
    const n = shape[dim]!;
    const out: NestedArray[] = new Array(n);
    if (dim === shape.length - 1) {
      for (let i = 0; i < n; i++) out[i] = conv(values[offset + i]!);
      return out;
    }
    const inner = sizeOf(shape.slice(dim + 1));
    for (let i = 0; i < n; i++) out[i] = build(offset + i * inner, dim + 1);
    return out;
  };
  return build(0, 0);
}
