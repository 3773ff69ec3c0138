import { type DType, type TypedArray, typedArrayFor } from '../../dtype.js';
import { ErlangenError } from '../../errors.js';
import { bitsToNormal, bitsToUniform, threefry2x32 } from '../../random.js';
import { broadcastStrides, type Shape, sizeOf, stridesOf } from '../../shape.js';
import type {
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
} from '../kernels.js';
import {
  around,
  checkIndices,
  collapseAxes,
  conv2dGeometryArgs,
  pool2dGeometryArgs,
  reduceLayout,
} from '../shared.js';
import { buildSegments } from './segments.js';
import * as src from './sources.js';

/** The gpu.js execution modes (`mode` of `new GPU`); 'gpu' asks gpu.js to pick the best available. */
export type GpuJsMode = 'gpu' | 'webgl2' | 'webgl' | 'headlessgl' | 'webgpu' | 'webasm' | 'cpu';

/** The part of a gpu.js kernel the backend uses. */
export interface GpuJsKernel {
  (...args: unknown[]): unknown;
  setOutput(output: number[]): unknown;
}

/** The part of a gpu.js `GPU` instance the backend uses. */
export interface GpuJsInstance {
  createKernel(source: string, settings: Record<string, unknown>): GpuJsKernel;
  addFunction(source: string): unknown;
  destroy(): unknown;
}

/**
 * Largest tensor the backend holds: kernels address elements with float32 arithmetic, which is exact
 * only for integers up to 2^24; this is also the largest int32 magnitude it stores exactly.
 */
export const MAX_ELEMENTS = 2 ** 24;
/**
 * Largest int32 magnitude stored exactly. 2^24 itself is excluded: a float32 result of 2^24 may be
 * a rounded 2^24 + 1, so reads treat it as out of range.
 */
export const MAX_INT = 2 ** 24 - 1;
/** Rows longer than this are reduced in several passes (shorter float sums, fewer rounding errors). */
const REDUCE_CHUNK = 128;
/** Concatenations take at most this many inputs per kernel (a kernel's argument count is fixed). */
const CONCAT_GROUP = 4;

const noop = () => {};

/**
 * Storage of one tensor: a gpu.js pipeline result (a GL texture, a WebGPU buffer, or a Float32Array
 * in the cpu and webasm modes) of `length` floats. int32 and bool hold exact integers. In the
 * asynchronous (webgpu) mode `value` is set once `ready` resolves. `host` caches int32/bool values
 * known on the host (uploads, and indices read for validation): storage is immutable, so it stays valid.
 */
export class GjData {
  value: unknown = null;
  ready: Promise<void> | null = null;
  host: TypedArray | null = null;
  released = false;
  /** Pending kernels reading this storage (asynchronous mode): release waits for them. */
  readonly uses = new Set<Promise<unknown>>();
  constructor(
    readonly length: number,
    readonly dtype: DType,
  ) {}
}

interface KernelEntry {
  fn: GpuJsKernel;
  /** Serialises calls in the asynchronous mode: a call sets the output size, then runs. */
  lock: Promise<unknown>;
}

/** `collapseAxes` with rank ≥ 1 (a scalar walk becomes one axis of size 1). */
function collapse(
  shape: Shape,
  strides: readonly (readonly number[])[],
): { dims: number[]; strides: number[][] } {
  const c = collapseAxes(shape, strides);
  if (c.shape.length === 0) return { dims: [1], strides: strides.map(() => [0]) };
  return { dims: c.shape, strides: c.strides };
}

/** The value a typed array of `dtype` stores for `value` (ToInt32, ToUint8 or fround). */
function stored(value: number, dtype: DType): number {
  const a = typedArrayFor(dtype, 1);
  a[0] = value;
  return a[0]!;
}

function checkIntRange(op: string, arg: string, values: ArrayLike<number>, dtype: DType): void {
  if (dtype !== 'int32') return;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > MAX_INT || v < -MAX_INT) {
      throw new ErlangenError(
        `${op}: argument '${arg}' expected int32 values in [-(2^24 - 1), 2^24 - 1] on the gpujs backend (it stores int32 in float32 textures) but received ${v} at position ${i}; use the cpu or webgpu backend for larger integers`,
      );
    }
  }
}

function wrapError(kernel: string, e: unknown): ErlangenError {
  if (e instanceof ErlangenError) return e;
  return new ErlangenError(`gpujs: gpu.js kernel '${kernel}' failed: ${(e as Error)?.message ?? String(e)}`);
}

/**
 * The gpu.js backend: every primitive kernel as a gpu.js kernel (./sources.ts) on tensors stored as
 * pipeline textures, except `random` (Threefry needs 32-bit integer arithmetic, which GLSL ES 1.0
 * lacks) and fractional int32 `arange`, which are computed on the host as the CPU does and uploaded.
 *
 * gpu.js's GL, webasm and cpu modes run kernels synchronously; its webgpu mode returns promises.
 * In that mode each result is a promise chained on its inputs' (dataflow order, no global queue),
 * calls of one gpu.js kernel are serialised (its output size is per-kernel state), and a released
 * buffer is deleted only after the pending kernels reading it have run. Reads are asynchronous
 * (`await t.data()`) in every mode, as on the webgpu backend.
 *
 * Index tensors are validated on the host like the CPU kernels do: from the uploaded values when the
 * index came from the host, else read back once (and cached; storage is immutable). scatterAdd and
 * indexAdd are gathers over a CSR of the index built on the host, so they need no atomics and add
 * in the CPU's order.
 */
export class GpuJsBackend implements Backend {
  readonly name: string;
  readonly canReadSync: boolean = false;
  /** The gpu.js mode that actually runs: 'webgl2', 'webgl', 'headlessgl', 'webgpu', 'webasm' or 'cpu'. */
  readonly mode: string;
  /** True when gpu.js kernels return promises (the webgpu mode). */
  readonly isAsync: boolean;
  readonly gpu: GpuJsInstance;

  private readonly kernels = new Map<string, KernelEntry>();
  /** Stands in for zero-length inputs, which gpu.js cannot bind (kernels never read them). */
  private dummy: GjData | null = null;

  private readonly teardown: () => void;

  /** `teardown` runs after gpu.js is destroyed (the webgpu mode destroys its shared device there). */
  constructor(gpu: GpuJsInstance, mode: string, name = 'gpujs', teardown: () => void = noop) {
    this.gpu = gpu;
    this.teardown = teardown;
    this.mode = mode;
    this.name = name;
    this.isAsync = mode === 'webgpu';
    for (const h of src.HELPERS) gpu.addFunction(h);
  }

  /** Uploads the placeholder for empty inputs; resolves once the backend can run kernels. */
  async init(): Promise<this> {
    this.dummy = this.uploadFloats(new Float32Array(1), 'float32', null);
    if (this.dummy.ready) await this.dummy.ready;
    return this;
  }

  /** Releases gpu.js's kernels and textures. */
  destroy(): void {
    this.kernels.clear();
    this.gpu.destroy();
    this.teardown();
  }

  // ---- execution

  private kernel(key: string, source: () => string): KernelEntry {
    let entry = this.kernels.get(key);
    if (!entry) {
      let fn: GpuJsKernel;
      try {
        fn = this.gpu.createKernel(source(), {
          output: [1],
          pipeline: true,
          immutable: true,
          precision: 'single',
          tactic: 'precision',
          dynamicOutput: true,
          dynamicArguments: true,
          // Loops run to a runtime bound and break; GLSL needs a constant ceiling.
          loopMaxIterations: MAX_ELEMENTS,
        });
      } catch (e) {
        throw wrapError(key, e);
      }
      entry = { fn, lock: Promise.resolve() };
      this.kernels.set(key, entry);
    }
    return entry;
  }

  private checkSize(op: string, n: number): void {
    if (n > MAX_ELEMENTS) {
      throw new ErlangenError(
        `${op}: a result of ${n} elements exceeds the gpujs backend's limit of 2^24 = ${MAX_ELEMENTS} elements (kernels index float32 textures, exact only below 2^24)`,
      );
    }
  }

  private argOf(d: GjData | number | Float32Array): unknown {
    if (d instanceof GjData) {
      if (d.length === 0) return this.dummy!.value;
      // Released storage is deleted only after the kernels already queued on it ran (release()).
      if (d.value === null) throw new ErlangenError('gpujs: a kernel read storage that was already released');
      return d.value;
    }
    return d;
  }

  /**
   * Runs kernel `key` (compiled from `source` on first use) over an output of `n` elements. `args`
   * are storage (GjData), host arrays or numbers, in the kernel's argument order.
   */
  private exec(
    key: string,
    source: () => string,
    n: number,
    dtype: DType,
    args: readonly (GjData | number | Float32Array)[],
  ): GjData {
    this.checkSize(key, n);
    const out = new GjData(n, dtype);
    if (n === 0) {
      out.value = new Float32Array(0);
      return out;
    }
    const entry = this.kernel(key, source);
    if (!this.isAsync) {
      try {
        entry.fn.setOutput([n]);
        out.value = entry.fn(...args.map((a) => this.argOf(a)));
      } catch (e) {
        throw wrapError(key, e);
      }
      return out;
    }
    const inputs = args.filter((a): a is GjData => a instanceof GjData);
    const deps = inputs.map((d) => d.ready).filter((p): p is Promise<void> => p !== null);
    const run = Promise.all(deps).then(() => {
      const call = entry.lock.then(() => {
        entry.fn.setOutput([n]);
        return entry.fn(...args.map((a) => this.argOf(a)));
      });
      entry.lock = call.catch(noop);
      return call;
    });
    out.ready = run.then(
      (v) => {
        out.value = v;
      },
      (e) => {
        throw wrapError(key, e);
      },
    );
    this.markUses(out.ready, inputs);
    return out;
  }

  /** Records that `pending` reads `inputs`, so their release waits for it. */
  private markUses(pending: Promise<unknown>, inputs: readonly GjData[]): void {
    pending.catch(noop);
    for (const d of inputs) {
      d.uses.add(pending);
      pending.then(
        () => d.uses.delete(pending),
        () => d.uses.delete(pending),
      );
    }
  }

  /**
   * An op whose kernels need int32 tensors' values on the host (index validation, CSR building):
   * synchronous modes read them now (once, then cached), the asynchronous mode when they are ready;
   * `build` then issues the kernels.
   */
  private withHost(
    n: number,
    dtype: DType,
    hostOf: readonly GjData[],
    inputs: readonly GjData[],
    build: (hosts: Int32Array[]) => GjData,
  ): GjData {
    if (!this.isAsync) return build(hostOf.map((d) => this.hostIntsSync(d)));
    const out = new GjData(n, dtype);
    out.ready = (async () => {
      const hosts = await Promise.all(hostOf.map((d) => this.hostIntsAsync(d)));
      const inner = build(hosts);
      if (inner.ready) await inner.ready;
      out.value = inner.value;
      out.host = inner.host;
    })();
    this.markUses(out.ready, inputs);
    return out;
  }

  private hostIntsSync(d: GjData): Int32Array {
    if (!d.host) d.host = Int32Array.from(this.floatsSync(d));
    return d.host as Int32Array;
  }

  private async hostIntsAsync(d: GjData): Promise<Int32Array> {
    if (!d.host) {
      if (d.ready) await d.ready;
      d.host = Int32Array.from(await this.floats(d));
    }
    return d.host as Int32Array;
  }

  private floatsSync(d: GjData): Float32Array {
    const v = d.value as Float32Array | { toArray(): Float32Array };
    const raw = v instanceof Float32Array ? v : v.toArray();
    return raw.length === d.length ? raw : raw.subarray(0, d.length);
  }

  private async floats(d: GjData): Promise<Float32Array> {
    const v = d.value as Float32Array | { toArray(): Float32Array | Promise<Float32Array> };
    const raw = v instanceof Float32Array ? v : await v.toArray();
    return raw.length === d.length ? raw : raw.subarray(0, d.length);
  }

  private uploadFloats(values: Float32Array, dtype: DType, host: TypedArray | null): GjData {
    const out = this.exec('upload', () => src.copySource, values.length, dtype, [values]);
    out.host = host;
    return out;
  }

  private copy(x: GjData, dtype: DType = x.dtype): GjData {
    return this.exec('copy', () => src.copySource, x.length, dtype, [x]);
  }

  private fillWith(n: number, value: number, dtype: DType): GjData {
    return this.exec('fill', () => src.fillSource, n, dtype, [value]);
  }

  /** Releases an intermediate of a multi-pass kernel. */
  private drop(d: GjData, keep: GjData): void {
    if (d !== keep) this.release(d);
  }

  // ---- storage

  upload(values: TypedArray, dtype: DType): DataId {
    this.checkSize('upload', values.length);
    checkIntRange('upload', 'values', values, dtype);
    const host = dtype === 'float32' ? null : typedArrayFor(dtype, values.length);
    host?.set(values);
    return this.uploadFloats(Float32Array.from(values), dtype, host);
  }

  async read(id: DataId, dtype: DType, size: number): Promise<TypedArray> {
    const d = id as GjData;
    if (d.ready) await d.ready;
    if (d.released) throw new ErlangenError('gpujs: read of storage that was already released');
    if (d.host && d.host.length === size) return d.host.slice();
    const raw = size === 0 ? new Float32Array(0) : await this.floats(d);
    if (dtype === 'float32') return Float32Array.from(raw);
    const out = typedArrayFor(dtype, size);
    for (let i = 0; i < size; i++) {
      const v = raw[i]!;
      if (dtype === 'int32' && (v > MAX_INT || v < -MAX_INT)) {
        throw new ErlangenError(
          `gpujs: an int32 result holds ${v} at position ${i}, beyond ±(2^24 - 1), the range the gpujs backend computes exactly (int32 lives in float32 textures); use the cpu or webgpu backend for larger integers`,
        );
      }
      out[i] = dtype === 'bool' ? (v !== 0 ? 1 : 0) : Number.isFinite(v) ? v : 0;
    }
    return out;
  }

  readSync(): TypedArray {
    throw new ErlangenError(
      'the gpujs backend reads asynchronously: use `await t.data()` instead of dataSync()',
    );
  }

  release(id: DataId): void {
    const d = id as GjData;
    if (d.released) return;
    d.released = true;
    d.host = null;
    const free = () => {
      const v = d.value as { delete?: () => void } | null;
      d.value = null;
      if (v && typeof v.delete === 'function') v.delete();
    };
    if (!this.isAsync) {
      free();
      return;
    }
    const pending = [...d.uses];
    if (d.ready) pending.push(d.ready);
    if (pending.length === 0) free();
    else void Promise.allSettled(pending).then(free);
  }

  // ---- creation and movement

  fill(shape: Shape, value: number, dtype: DType): DataId {
    const v = stored(value, dtype);
    checkIntRange('fill', 'value', [v], dtype);
    return this.fillWith(sizeOf(shape), v, dtype);
  }

  arange(start: number, step: number, size: number, dtype: DType): DataId {
    if (dtype === 'float32') return this.exec('arange', () => src.arangeSource, size, dtype, [start, step]);
    const last = start + (size - 1) * step;
    const exact =
      Number.isInteger(start) &&
      Number.isInteger(step) &&
      Math.abs(start) <= MAX_INT &&
      Math.abs(last) <= MAX_INT;
    if (dtype === 'int32' && exact)
      return this.exec('arange', () => src.arangeSource, size, dtype, [start, step]);
    // Fractional int32 ranges (the CPU truncates each double) and bool: computed on the host, as the CPU does.
    const host = typedArrayFor(dtype, size);
    for (let i = 0; i < size; i++) host[i] = start + i * step;
    return this.upload(host, dtype);
  }

  copyStrided(x: TensorInfo, outShape: Shape, strides: readonly number[], offset: number): DataId {
    const { dims, strides: st } = collapse(outShape, [strides]);
    const rank = dims.length;
    return this.exec(`copyStrided${rank}`, () => src.copyStridedSource(rank), sizeOf(outShape), x.dtype, [
      x.id as GjData,
      ...dims.slice(1),
      ...st[0]!,
      offset,
    ]);
  }

  cast(x: TensorInfo, dtype: DType): DataId {
    const d = x.id as GjData;
    if (dtype === 'bool' && x.dtype !== 'bool')
      return this.exec('cast:bool', () => src.castSource('bool'), d.length, dtype, [d]);
    if (dtype === 'int32' && x.dtype === 'float32')
      return this.exec('cast:int32', () => src.castSource('int32'), d.length, dtype, [d]);
    // int32/bool → float32, bool → int32 and same-dtype casts keep the values.
    return this.copy(d, dtype);
  }

  pad(x: TensorInfo, pads: readonly (readonly [number, number])[], value: number): DataId {
    const outShape = x.shape.map((d, i) => d + pads[i]![0] + pads[i]![1]);
    const rank = x.shape.length;
    const v = stored(value, x.dtype);
    checkIntRange('pad', 'value', [v], x.dtype);
    if (rank === 0) return this.copy(x.id as GjData);
    const dims = outShape;
    return this.exec(`pad${rank}`, () => src.padSource(rank), sizeOf(outShape), x.dtype, [
      x.id as GjData,
      ...dims.slice(1),
      ...stridesOf(x.shape),
      ...pads.map((p) => p[0]),
      ...x.shape,
      v,
    ]);
  }

  concat(xs: readonly TensorInfo[], axis: number, outShape: Shape): DataId {
    const [outer, , inner] = around(outShape, axis);
    const dtype = xs[0]!.dtype;
    let parts = xs
      .filter((t) => sizeOf(t.shape) > 0)
      .map((t) => ({ data: t.id as GjData, width: t.shape[axis]! * inner }));
    if (parts.length === 0 || outer * inner === 0) return this.fillWith(sizeOf(outShape), 0, dtype);
    if (parts.length === 1) return this.copy(parts[0]!.data, dtype);
    // Up to CONCAT_GROUP inputs per kernel; the running result is the first input of the next group.
    let first = true;
    while (parts.length > 1) {
      const group = parts.slice(0, CONCAT_GROUP);
      const rowOut = group.reduce((s, p) => s + p.width, 0);
      let start = 0;
      const starts = group.map((p) => {
        const s = start;
        start += p.width;
        return s;
      });
      const count = group.length;
      const joined = this.exec(`concat${count}`, () => src.concatSource(count), outer * rowOut, dtype, [
        ...group.map((p) => p.data),
        rowOut,
        ...group.map((p) => p.width),
        ...starts,
      ]);
      if (!first) this.release(group[0]!.data);
      first = false;
      parts = [{ data: joined, width: rowOut }, ...parts.slice(CONCAT_GROUP)];
    }
    return parts[0]!.data;
  }

  // ---- elementwise

  unary(op: UnaryOp, x: TensorInfo, outDtype: DType): DataId {
    return this.exec(`unary:${op}`, () => src.unarySource(op), sizeOf(x.shape), outDtype, [x.id as GjData]);
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: Shape, outDtype: DType): DataId {
    const { dims, strides } = collapse(outShape, [
      broadcastStrides(a.shape, outShape),
      broadcastStrides(b.shape, outShape),
    ]);
    const rank = dims.length;
    return this.exec(`binary:${op}:${rank}`, () => src.binarySource(op, rank), sizeOf(outShape), outDtype, [
      a.id as GjData,
      b.id as GjData,
      ...dims.slice(1),
      ...strides[0]!,
      ...strides[1]!,
    ]);
  }

  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: Shape): DataId {
    const { dims, strides } = collapse(outShape, [
      broadcastStrides(cond.shape, outShape),
      broadcastStrides(a.shape, outShape),
      broadcastStrides(b.shape, outShape),
    ]);
    const rank = dims.length;
    return this.exec(`where${rank}`, () => src.whereSource(rank), sizeOf(outShape), a.dtype, [
      cond.id as GjData,
      a.id as GjData,
      b.id as GjData,
      ...dims.slice(1),
      ...strides[0]!,
      ...strides[1]!,
      ...strides[2]!,
    ]);
  }

  // ---- reductions

  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): DataId {
    const d = x.id as GjData;
    if (axes.length === 0) return this.copy(d);
    // Move the reduced axes last when they are not one contiguous block.
    const { transpose, outer, r: length, inner } = reduceLayout(x.shape, axes);
    let cur = transpose ? (this.copyStrided(x, transpose.shape, transpose.strides, 0) as GjData) : d;
    let r = length;
    if (r === 0) {
      const init = { sum: 0, prod: 1, max: Number.NEGATIVE_INFINITY, min: Number.POSITIVE_INFINITY }[op];
      this.drop(cur, d);
      return this.fillWith(outer * inner, stored(init, x.dtype), x.dtype);
    }
    // Tree of passes: rows longer than REDUCE_CHUNK are first reduced chunk by chunk.
    for (;;) {
      const chunks = r > REDUCE_CHUNK ? Math.ceil(r / REDUCE_CHUNK) : 1;
      const size = chunks > 1 ? REDUCE_CHUNK : r;
      const next = this.exec(`reduce:${op}`, () => src.reduceSource(op), outer * chunks * inner, x.dtype, [
        cur,
        r,
        inner,
        chunks,
        size,
      ]);
      this.drop(cur, d);
      cur = next;
      if (chunks === 1) return cur;
      r = chunks;
    }
  }

  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number): DataId {
    const [outer, r, inner] = around(x.shape, axis);
    return this.exec(`argReduce:${op}`, () => src.argReduceSource(op), outer * inner, 'int32', [
      x.id as GjData,
      r,
      inner,
    ]);
  }

  logSumExp(x: TensorInfo, axis: number): DataId {
    const [outer, r, inner] = around(x.shape, axis);
    if (r === 0) return this.fillWith(outer * inner, Number.NEGATIVE_INFINITY, 'float32');
    return this.exec('logSumExp', () => src.logSumExpSource, outer * inner, 'float32', [
      x.id as GjData,
      r,
      inner,
    ]);
  }

  cumsum(x: TensorInfo, axis: number, exclusive: boolean, reverse: boolean): DataId {
    const d = x.id as GjData;
    const [, r, inner] = around(x.shape, axis);
    const n = d.length;
    let cur = d;
    // Hillis–Steele: log2(r) passes, each adding the partial sum `shift` rows back.
    for (let shift = 1; shift < r; shift *= 2) {
      const next = this.exec('scanStep', () => src.scanStepSource, n, x.dtype, [
        cur,
        r,
        inner,
        shift,
        reverse ? 1 : 0,
      ]);
      this.drop(cur, d);
      cur = next;
    }
    if (exclusive) {
      const shifted = this.exec('scanShift', () => src.scanShiftSource, n, x.dtype, [
        cur,
        r,
        inner,
        reverse ? 1 : 0,
      ]);
      this.drop(cur, d);
      return shifted;
    }
    return cur === d ? this.copy(d) : cur;
  }

  // ---- linear algebra and convolution

  matmul(a: TensorInfo, b: TensorInfo, g: MatmulGeometry): DataId {
    const { m, k, n } = g;
    return this.exec('matmul', () => src.matmulSource, g.batch * m * n, 'float32', [
      a.id as GjData,
      b.id as GjData,
      m,
      n,
      k,
      g.batchA === 1 ? 0 : m * k,
      g.transA ? 1 : k,
      g.transA ? m : 1,
      g.batchB === 1 ? 0 : k * n,
      g.transB ? 1 : n,
      g.transB ? k : 1,
    ]);
  }

  conv2d(x: TensorInfo, w: TensorInfo, g: Conv2dGeometry): DataId {
    const n = g.batch * g.outChannels * g.outHeight * g.outWidth;
    return this.exec('conv2d', () => src.conv2dSource, n, 'float32', [
      x.id as GjData,
      w.id as GjData,
      ...conv2dGeometryArgs(g),
    ]);
  }

  conv2dGradInput(dy: TensorInfo, w: TensorInfo, g: Conv2dGeometry): DataId {
    const n = g.batch * g.inChannels * g.inHeight * g.inWidth;
    return this.exec('conv2dGradInput', () => src.conv2dGradInputSource, n, 'float32', [
      dy.id as GjData,
      w.id as GjData,
      ...conv2dGeometryArgs(g),
    ]);
  }

  conv2dGradFilter(x: TensorInfo, dy: TensorInfo, g: Conv2dGeometry): DataId {
    const n = g.outChannels * (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth;
    return this.exec('conv2dGradFilter', () => src.conv2dGradFilterSource, n, 'float32', [
      x.id as GjData,
      dy.id as GjData,
      g.batch,
      ...conv2dGeometryArgs(g),
    ]);
  }

  private poolArgs(g: Pool2dGeometry): number[] {
    return [...pool2dGeometryArgs(g), Number.NEGATIVE_INFINITY];
  }

  maxPool2d(x: TensorInfo, g: Pool2dGeometry): DataId {
    const n = g.batch * g.channels * g.outHeight * g.outWidth;
    return this.exec('maxPool2d', () => src.maxPoolSource, n, 'float32', [
      x.id as GjData,
      ...this.poolArgs(g),
    ]);
  }

  maxPool2dGrad(dy: TensorInfo, x: TensorInfo, g: Pool2dGeometry): DataId {
    const n = g.batch * g.channels * g.inHeight * g.inWidth;
    return this.exec('maxPool2dGrad', () => src.maxPoolGradSource, n, 'float32', [
      dy.id as GjData,
      x.id as GjData,
      ...this.poolArgs(g),
    ]);
  }

  // ---- indexing

  indexSelect(x: TensorInfo, index: TensorInfo, axis: number): DataId {
    const [outer, r, inner] = around(x.shape, axis);
    const idx = index.id as GjData;
    const e = idx.length;
    const n = outer * e * inner;
    return this.withHost(n, x.dtype, [idx], [x.id as GjData, idx], ([host]) => {
      checkIndices('indexSelect', host!, r);
      return this.exec('indexSelect', () => src.indexSelectSource, n, x.dtype, [
        x.id as GjData,
        idx,
        e,
        r,
        inner,
      ]);
    });
  }

  indexAdd(srcInfo: TensorInfo, index: TensorInfo, axis: number, dimSize: number): DataId {
    const [outer, e, inner] = around(srcInfo.shape, axis);
    const idx = index.id as GjData;
    const n = outer * dimSize * inner;
    return this.withHost(n, srcInfo.dtype, [idx], [srcInfo.id as GjData, idx], ([host]) => {
      checkIndices('indexAdd', host!, dimSize);
      return this.segmentSum(srcInfo.id as GjData, host!, dimSize, outer, e, inner, srcInfo.dtype);
    });
  }

  gather(x: TensorInfo, index: TensorInfo, axis: number): DataId {
    const idx = index.id as GjData;
    const n = idx.length;
    const xs = stridesOf(x.shape);
    const rank = Math.max(1, index.shape.length);
    const dims = index.shape.length === 0 ? [1] : index.shape;
    const masked = index.shape.length === 0 ? [0] : xs.map((s, d) => (d === axis ? 0 : s));
    return this.withHost(n, x.dtype, [idx], [x.id as GjData, idx], ([host]) => {
      checkIndices('gather', host!, x.shape[axis]!);
      return this.exec(`gather${rank}`, () => src.gatherSource(rank), n, x.dtype, [
        x.id as GjData,
        idx,
        ...dims.slice(1),
        ...masked,
        xs[axis] ?? 0,
      ]);
    });
  }

  scatterAdd(srcInfo: TensorInfo, index: TensorInfo, axis: number, outShape: Shape): DataId {
    const idx = index.id as GjData;
    const n = sizeOf(outShape);
    return this.withHost(n, srcInfo.dtype, [idx], [srcInfo.id as GjData, idx], ([host]) => {
      checkIndices('scatterAdd', host!, outShape[axis]!);
      // The flat output element each position of `index` adds into, as the CPU kernel walks them.
      const os = stridesOf(outShape);
      const shape = index.shape;
      const targets = new Int32Array(host!.length);
      const coords = new Array<number>(shape.length).fill(0);
      for (let pos = 0; pos < targets.length; pos++) {
        let off = 0;
        for (let d = 0; d < coords.length; d++) off += (d === axis ? host![pos]! : coords[d]!) * os[d]!;
        targets[pos] = off;
        for (let d = shape.length - 1; d >= 0; d--) {
          if (++coords[d]! < shape[d]!) break;
          coords[d] = 0;
        }
      }
      return this.segmentSum(srcInfo.id as GjData, targets, n, 1, targets.length, 1, srcInfo.dtype);
    });
  }

  /** out[o, t, i] = Σ src[o, p, i] over positions p with targets[p] = t, as a gather over a host-built CSR. */
  private segmentSum(
    source: GjData,
    targets: Int32Array,
    buckets: number,
    outer: number,
    e: number,
    inner: number,
    dtype: DType,
  ): GjData {
    const n = outer * buckets * inner;
    if (targets.length === 0) return this.fillWith(n, 0, dtype);
    const { starts, perm } = buildSegments(targets, buckets);
    const startsData = this.uploadFloats(starts, 'int32', null);
    const permData = this.uploadFloats(perm, 'int32', null);
    const out = this.exec('segmentSum', () => src.segmentSumSource, n, dtype, [
      source,
      permData,
      startsData,
      buckets,
      e,
      inner,
    ]);
    this.release(startsData);
    this.release(permData);
    return out;
  }

  // ---- random numbers: computed on the host (see the class comment), bit-identical to the CPU's.

  random(kind: 'uniform' | 'normal', size: number, key: readonly [number, number], stream: number): DataId {
    this.checkSize('random', size);
    const out = new Float32Array(size);
    const bits = new Uint32Array(2);
    for (let i = 0; i < size; i++) {
      threefry2x32(key[0], key[1], i, stream, bits);
      out[i] = kind === 'uniform' ? bitsToUniform(bits[0]!) : bitsToNormal(bits[0]!, bits[1]!);
    }
    return this.uploadFloats(out, 'float32', null);
  }
}
