/// <reference types="@webgpu/types" />
import { type DType, type TypedArray, typedArrayFor } from '../../dtype.js';
import { ErlangenError } from '../../errors.js';
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
import { around, collapseAxes, conv2dGeometryArgs, pool2dGeometryArgs } from '../shared.js';
import { BufferPool, MAP_READ, USAGE } from './pool.js';
import { MAX_RANK, PARAM_WORDS, WORKGROUP, wgslType } from './wgsl/common.js';
import {
  CONV_BLOCK,
  conv2dGradFilterShader,
  conv2dGradInputShader,
  conv2dShader,
  maxPoolGradDisjointShader,
  maxPoolGradShader,
  maxPoolShader,
} from './wgsl/conv.js';
import {
  arangeShader,
  BINARY_CODES,
  binary4Shader,
  binaryShader,
  castShader,
  fillShader,
  UNARY_CODES,
  unary4Shader,
  unaryShader,
  whereShader,
} from './wgsl/elementwise.js';
import { gatherShader, indexAddShader, indexSelectShader, scatterAddShader } from './wgsl/indexing.js';
import { type MatmulTile, matmulShader, thinMatmulShader } from './wgsl/matmul.js';
import { concatShader, copyStridedShader, padShader } from './wgsl/movement.js';
import { randomShader } from './wgsl/random.js';
import {
  argReduceShader,
  cumsumShader,
  logSumExpShader,
  REDUCE_CODES,
  reduceRowsShader,
  reduceShader,
} from './wgsl/reduce.js';

/**
 * Storage of one tensor: a pooled GPUBuffer (4 bytes per element for every dtype; bool as u32) of
 * `capacity` bytes, `length` elements of which are the tensor's.
 */
export class GpuData {
  released = false;
  constructor(
    readonly buffer: GPUBuffer,
    readonly capacity: number,
    readonly length: number,
  ) {}
}

/** Options of `registerWebGPUBackend` (plain types only, so the public typings need no WebGPU types). */
export interface WebGPUBackendOptions {
  /** Passed to requestAdapter. */
  powerPreference?: 'low-power' | 'high-performance';
  /** Dispatches recorded before the pending command buffer is submitted (default 16). */
  batchSize?: number;
  /** Bytes of freed buffers kept for reuse (default 256 MiB). */
  poolLimitBytes?: number;
  /** Caps maxComputeWorkgroupsPerDimension below the device's (tests of the multi-dimensional grids). */
  maxWorkgroupsPerDimension?: number;
  /** Forces the matmul's output tile, 64 or 128 (default: chosen per product size; tests, benchmarks). */
  matmulTile?: 64 | 128;
}

/** Uniform parameter block of one dispatch: 64 words, written as u32, i32 or f32 bits. */
class Params {
  readonly u = new Uint32Array(PARAM_WORDS);
  private readonly i = new Int32Array(this.u.buffer);
  private readonly f = new Float32Array(this.u.buffer);
  private n = 0;
  u32(...vs: number[]): this {
    for (const v of vs) this.u[this.n++] = v >>> 0;
    return this;
  }
  i32(...vs: number[]): this {
    for (const v of vs) this.i[this.n++] = v;
    return this;
  }
  f32(...vs: number[]): this {
    for (const v of vs) this.f[this.n++] = v;
    return this;
  }
  /** Writes `vs` at word `at` (for the fixed-stride shape/stride slots) and moves past the slot. */
  slot(at: number, vs: readonly number[], signed = false): this {
    this.n = at;
    if (signed) this.i32(...vs);
    else this.u32(...vs);
    this.n = at + MAX_RANK;
    return this;
  }
}

/** The bits a typed array of `dtype` stores for `value` (ToInt32 / ToUint8 / fround), as one u32. */
function valueBits(value: number, dtype: DType): number {
  if (dtype === 'float32') return new Uint32Array(new Float32Array([value]).buffer)[0]!;
  if (dtype === 'int32') return new Int32Array([value])[0]! >>> 0;
  return new Uint8Array([value])[0]!;
}

/**
 * For one operand of a broadcasting elementwise op (shape and strides from `collapseAxes`): when its
 * non-broadcast axes form one contiguous block [lo, hi) of the output, laid out contiguously, the
 * operand's element for output element i is (i / p) % q with p = Π shape[hi..], q = Π shape[lo..hi)
 * (a scalar has q = 1, a whole operand p = 1, q = n). Otherwise null (general strided walk).
 */
function periodic(shape: readonly number[], strides: readonly number[]): [number, number] | null {
  let lo = -1;
  let hi = -1;
  strides.forEach((st, d) => {
    if (st !== 0) {
      if (lo < 0) lo = d;
      hi = d + 1;
    }
  });
  if (lo < 0) return [1, 1];
  let expected = 1;
  for (let d = hi - 1; d >= lo; d--) {
    if (strides[d] !== expected) return null;
    expected *= shape[d]!;
  }
  return [sizeOf(shape.slice(hi)), expected];
}

/**
 * The WebGPU backend: WGSL compute shaders (./wgsl) on pooled storage buffers.
 *
 * Execution is lazy and never blocks: each kernel encodes one compute pass into a pending command
 * encoder, which is submitted every `batchSize` dispatches or when a read needs the results. Only
 * `read` awaits (a staging buffer's mapAsync). A buffer released while the pending encoder may
 * still use it is parked until that encoder is submitted, and only then returns to the pool, so a
 * later `queue.writeBuffer` into a reused buffer can never overtake the commands reading it.
 *
 * Errors cannot surface where they happen on a GPU: out-of-memory (error scopes around buffer
 * creation), validation errors and a lost device are recorded and thrown as ErlangenErrors by the
 * next kernel or read; a read of a lost device rejects instead of waiting forever.
 */
export class WebGPUBackend implements Backend {
  readonly name: string = 'webgpu';
  readonly canReadSync: boolean = false;
  readonly device: GPUDevice;
  readonly adapterName: string;
  /**
   * @internal The GPU instance and adapter the device came from. Dawn's Node bindings abort the
   * process when these wrappers are garbage-collected while the device lives, so the backend holds them.
   */
  readonly owners: readonly unknown[];

  private readonly pool: BufferPool;
  private readonly batchSize: number;
  private readonly maxBinding: number;
  private readonly maxGroups: number;
  private readonly matmulTile: MatmulTile | undefined;
  private encoder: GPUCommandEncoder | null = null;
  private pending = 0;
  private parked: GpuData[] = [];
  private uniforms: GPUBuffer[] = [];
  private parkedUniforms: GPUBuffer[] = [];
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly scopes = new Set<Promise<void>>();
  private error: ErlangenError | null = null;
  private lostMessage: string | null = null;
  private readonly lost: Promise<never>;

  constructor(
    device: GPUDevice,
    adapterName: string,
    options: WebGPUBackendOptions = {},
    owners: readonly unknown[] = [],
  ) {
    this.device = device;
    this.owners = owners;
    this.adapterName = adapterName;
    this.batchSize = options.batchSize ?? 16;
    this.pool = new BufferPool(options.poolLimitBytes ?? 256 * 2 ** 20);
    this.maxBinding = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
    this.matmulTile = options.matmulTile;
    this.maxGroups = Math.min(
      device.limits.maxComputeWorkgroupsPerDimension,
      options.maxWorkgroupsPerDimension ?? Number.POSITIVE_INFINITY,
    );
    this.lost = device.lost.then((info) => {
      this.lostMessage = `${info.reason ?? 'unknown'}: ${info.message}`;
      throw this.lostError();
    });
    // Keeps an unobserved rejection from crashing Node; every use goes through `check`/`race`.
    this.lost.catch(() => undefined);
    device.addEventListener('uncapturederror', (ev) => {
      const e = (ev as GPUUncapturedErrorEvent).error;
      this.error ??= new ErlangenError(`webgpu: ${e.constructor.name}: ${e.message}`);
    });
  }

  private lostError(): ErlangenError {
    return new ErlangenError(
      `webgpu: the GPU device was lost (${this.lostMessage}); its tensors are gone: register and set the backend again`,
    );
  }

  /** Throws the lost device, or the first error recorded since the last check. */
  private check(): void {
    if (this.lostMessage !== null) throw this.lostError();
    if (this.error) {
      const e = this.error;
      this.error = null;
      throw e;
    }
  }

  private watch(scope: Promise<GPUError | null>, describe: (e: GPUError) => string): void {
    const p = scope.then(
      (e) => {
        if (e) this.error ??= new ErlangenError(describe(e));
      },
      () => undefined,
    );
    this.scopes.add(p);
    void p.then(() => this.scopes.delete(p));
  }

  // ---- storage

  private alloc(elements: number): GpuData {
    this.check();
    const bytes = Math.max(1, elements) * 4;
    if (bytes > this.maxBinding) {
      throw new ErlangenError(
        `webgpu: a tensor of ${elements} elements needs ${bytes} bytes, more than this adapter's maxStorageBufferBindingSize of ${this.maxBinding} bytes`,
      );
    }
    const capacity = BufferPool.bucket(bytes, this.maxBinding);
    const reused = this.pool.take(capacity);
    if (reused) return new GpuData(reused, capacity, elements);
    this.device.pushErrorScope('out-of-memory');
    const buffer = this.device.createBuffer({
      size: capacity,
      usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST,
    });
    this.watch(
      this.device.popErrorScope(),
      (e) => `webgpu: out of GPU memory allocating ${capacity} bytes (${e.message}); dispose unused tensors`,
    );
    return new GpuData(buffer, capacity, elements);
  }

  upload(values: TypedArray, dtype: DType): DataId {
    const out = this.alloc(values.length);
    if (values.length === 0) return out;
    const words = dtype === 'bool' ? Uint32Array.from(values) : values;
    this.device.queue.writeBuffer(out.buffer, 0, words.buffer, words.byteOffset, values.length * 4);
    return out;
  }

  async read(id: DataId, dtype: DType, size: number): Promise<TypedArray> {
    this.check();
    const d = id as GpuData;
    if (d.released) throw new ErlangenError('webgpu: read of storage that was already released');
    if (size === 0) return typedArrayFor(dtype, 0);
    const staging = this.device.createBuffer({ size: size * 4, usage: USAGE.MAP_READ | USAGE.COPY_DST });
    this.enc().copyBufferToBuffer(d.buffer, 0, staging, 0, size * 4);
    this.flush();
    try {
      await Promise.race([staging.mapAsync(MAP_READ), this.lost]);
      await Promise.all([...this.scopes]);
      this.check();
      const raw = staging.getMappedRange().slice(0);
      staging.unmap();
      if (dtype === 'float32') return new Float32Array(raw);
      if (dtype === 'int32') return new Int32Array(raw);
      return Uint8Array.from(new Uint32Array(raw));
    } catch (e) {
      if (e instanceof ErlangenError) throw e;
      this.check();
      throw new ErlangenError(`webgpu: reading a tensor failed: ${(e as Error).message}`);
    } finally {
      staging.destroy();
    }
  }

  readSync(): TypedArray {
    throw new ErlangenError(
      "readSync: the 'webgpu' backend reads asynchronously; use 'await t.data()' (or toBackendAsync to move a tensor)",
    );
  }

  release(id: DataId): void {
    const d = id as GpuData;
    if (d.released) return;
    d.released = true;
    if (this.encoder) this.parked.push(d);
    else this.pool.give(d.buffer, d.capacity);
  }

  /** Submits the pending commands; buffers released meanwhile become reusable. */
  flush(): void {
    if (this.encoder) {
      this.device.queue.submit([this.encoder.finish()]);
      this.encoder = null;
      this.pending = 0;
    }
    for (const d of this.parked) this.pool.give(d.buffer, d.capacity);
    this.parked = [];
    this.uniforms.push(...this.parkedUniforms);
    this.parkedUniforms = [];
  }

  /** Waits until the GPU has finished everything submitted so far (tests, benchmarks). */
  async sync(): Promise<void> {
    this.flush();
    await Promise.race([this.device.queue.onSubmittedWorkDone(), this.lost]);
    this.check();
  }

  /** Frees pooled buffers and the device; the backend is unusable afterwards. */
  destroy(): void {
    this.flush();
    this.pool.clear();
    this.device.destroy();
  }

  private enc(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }

  // ---- dispatch

  private pipeline(key: string, source: () => string): GPUComputePipeline {
    let p = this.pipelines.get(key);
    if (!p) {
      const code = source();
      this.device.pushErrorScope('validation');
      const module = this.device.createShaderModule({ code, label: key });
      p = this.device.createComputePipeline({
        layout: 'auto',
        compute: { module, entryPoint: 'main' },
        label: key,
      });
      this.watch(
        this.device.popErrorScope(),
        (e) => `webgpu: internal error building kernel '${key}': ${e.message}`,
      );
      this.pipelines.set(key, p);
    }
    return p;
  }

  /** Grid for `n` threads of the 1-D kernels: a second dimension once x runs out. */
  private grid(n: number): [number, number, number] {
    return this.groups(Math.ceil(n / WORKGROUP));
  }

  /** `count` workgroups as x, or x·y once x runs out (shaders flatten with num_workgroups.x). */
  private groups(count: number): [number, number, number] {
    if (count <= this.maxGroups) return [count, 1, 1];
    const y = Math.ceil(count / this.maxGroups);
    if (y > this.maxGroups) throw new ErlangenError(`webgpu: ${count} workgroups exceed the dispatch limits`);
    return [this.maxGroups, y, 1];
  }

  private dispatch(
    key: string,
    source: () => string,
    inputs: readonly GpuData[],
    out: GpuData,
    params: Params,
    groups: readonly [number, number, number],
    clear = false,
  ): void {
    this.check();
    const pipeline = this.pipeline(key, source);
    const ub =
      this.uniforms.pop() ??
      this.device.createBuffer({ size: PARAM_WORDS * 4, usage: USAGE.UNIFORM | USAGE.COPY_DST });
    this.device.queue.writeBuffer(ub, 0, params.u);
    this.parkedUniforms.push(ub);
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: ub } }];
    for (const [k, d] of inputs.entries()) entries.push({ binding: k + 1, resource: { buffer: d.buffer } });
    entries.push({ binding: inputs.length + 1, resource: { buffer: out.buffer } });
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const enc = this.enc();
    if (clear) enc.clearBuffer(out.buffer, 0, out.capacity);
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
    pass.end();
    if (++this.pending >= this.batchSize) this.flush();
  }

  /** A 1-D kernel over params word 0 (= n) threads, writing a new buffer of `outSize` elements. */
  private run1d(
    key: string,
    source: () => string,
    inputs: readonly TensorInfo[],
    outSize: number,
    params: Params,
    clear = false,
  ): GpuData {
    const out = this.alloc(outSize);
    const n = params.u[0]!;
    if (n > 0) {
      this.dispatch(
        key,
        source,
        inputs.map((t) => t.id as GpuData),
        out,
        params,
        this.grid(n),
        clear,
      );
    } else if (clear && outSize > 0) {
      this.enc().clearBuffer(out.buffer, 0, out.capacity);
    }
    return out;
  }

  private copyRange(x: GpuData, offsetElems: number, n: number): GpuData {
    const out = this.alloc(n);
    if (n > 0) this.enc().copyBufferToBuffer(x.buffer, offsetElems * 4, out.buffer, 0, n * 4);
    return out;
  }

  private rankCheck(op: string, rank: number): void {
    if (rank > MAX_RANK) {
      throw new ErlangenError(`webgpu: ${op} supports up to ${MAX_RANK} non-trivial axes, got ${rank}`);
    }
  }

  // ---- creation and movement

  fill(shape: Shape, value: number, dtype: DType): DataId {
    const t = wgslType(dtype);
    return this.run1d(
      `fill:${t}`,
      () => fillShader(t),
      [],
      sizeOf(shape),
      new Params().u32(sizeOf(shape), valueBits(value, dtype)),
    );
  }

  arange(start: number, step: number, size: number, dtype: DType): DataId {
    const t = wgslType(dtype);
    const p = new Params().u32(size);
    const integral =
      dtype !== 'float32' &&
      Number.isInteger(start) &&
      Number.isInteger(step) &&
      Math.abs(start) < 2 ** 31 &&
      Math.abs(start + size * step) < 2 ** 31;
    if (integral) p.u32(1).i32(start, 0, step, 0);
    else {
      const sh = Math.fround(start);
      const th = Math.fround(step);
      p.u32(0).f32(sh, start - sh, th, step - th);
    }
    return this.run1d(`arange:${t}`, () => arangeShader(t), [], size, p);
  }

  copyStrided(x: TensorInfo, outShape: Shape, strides: readonly number[], offset: number): DataId {
    const n = sizeOf(outShape);
    if (n === 0) return this.alloc(0);
    const c = collapseAxes(outShape, [strides]);
    const src = x.id as GpuData;
    if (c.shape.length === 0) return this.copyRange(src, offset, n);
    if (c.shape.length === 1 && c.strides[0]![0] === 1) return this.copyRange(src, offset, n);
    this.rankCheck('copyStrided', c.shape.length);
    const t = wgslType(x.dtype);
    const p = new Params()
      .u32(n)
      .i32(offset)
      .u32(c.shape.length)
      .slot(3, c.shape)
      .slot(11, c.strides[0]!, true);
    return this.run1d(`copyStrided:${t}`, () => copyStridedShader(t), [x], n, p);
  }

  cast(x: TensorInfo, dtype: DType): DataId {
    const n = sizeOf(x.shape);
    if (dtype === x.dtype) return this.copyRange(x.id as GpuData, 0, n);
    const ti = wgslType(x.dtype);
    const to = wgslType(dtype);
    return this.run1d(`cast:${ti}:${to}`, () => castShader(ti, to), [x], n, new Params().u32(n));
  }

  pad(x: TensorInfo, pads: readonly (readonly [number, number])[], value: number): DataId {
    const outShape = x.shape.map((d, i) => d + pads[i]![0] + pads[i]![1]);
    const n = sizeOf(outShape);
    this.rankCheck('pad', x.shape.length);
    const t = wgslType(x.dtype);
    const p = new Params()
      .u32(n, valueBits(value, x.dtype), x.shape.length)
      .slot(3, outShape)
      .slot(
        11,
        pads.map((q) => q[0]),
        true,
      )
      .slot(19, x.shape);
    return this.run1d(`pad:${t}`, () => padShader(t), [x], n, p);
  }

  concat(xs: readonly TensorInfo[], axis: number, outShape: Shape): DataId {
    const out = this.alloc(sizeOf(outShape));
    const [outer, , inner] = around(outShape, axis);
    const rowOut = outShape[axis]! * inner;
    const t = wgslType(xs[0]!.dtype);
    let colOff = 0;
    for (const x of xs) {
      const row = x.shape[axis]! * inner;
      if (row > 0 && outer > 0) {
        const p = new Params().u32(outer * row, row, rowOut, colOff);
        this.dispatch(
          `concat:${t}`,
          () => concatShader(t),
          [x.id as GpuData],
          out,
          p,
          this.grid(outer * row),
        );
      }
      colOff += row;
    }
    return out;
  }

  // ---- elementwise

  /**
   * Four elements per thread needs n % 4 == 0 and input buffers whose bound size holds whole vec4s
   * (pooled capacities are multiples of 256 bytes; the output's is then a multiple of 16 too).
   */
  private vec4Ok(n: number, ...ids: DataId[]): boolean {
    return n % 4 === 0 && n > 0 && ids.every((id) => (id as GpuData).capacity % 16 === 0);
  }

  unary(op: UnaryOp, x: TensorInfo, outDtype: DType): DataId {
    const n = sizeOf(x.shape);
    const ti = wgslType(x.dtype);
    const to = wgslType(outDtype);
    if (ti === 'f32' && to === 'f32' && this.vec4Ok(n, x.id)) {
      return this.run1d('unary4', unary4Shader, [x], n, new Params().u32(n / 4, UNARY_CODES[op]));
    }
    return this.run1d(
      `unary:${ti}:${to}`,
      () => unaryShader(ti, to),
      [x],
      n,
      new Params().u32(n, UNARY_CODES[op]),
    );
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: Shape, outDtype: DType): DataId {
    const n = sizeOf(outShape);
    const ti = wgslType(a.dtype);
    const to = wgslType(outDtype);
    const p = new Params().u32(n, BINARY_CODES[op]);
    const c = collapseAxes(outShape, [
      broadcastStrides(a.shape, outShape),
      broadcastStrides(b.shape, outShape),
    ]);
    const pa = periodic(c.shape, c.strides[0]!);
    const pb = periodic(c.shape, c.strides[1]!);
    const rows = (q: [number, number] | null) => q !== null && q[0] === 1 && q[1] % 4 === 0;
    if (ti === 'f32' && to === 'f32' && rows(pa) && rows(pb) && this.vec4Ok(n, a.id, b.id)) {
      // Whole operands and bias-like rows: four elements per thread, vector loads.
      const p4 = new Params().u32(n / 4, BINARY_CODES[op], pa![1] / 4, pb![1] / 4);
      return this.run1d('binary4', binary4Shader, [a, b], n, p4);
    }
    if (pa && pb) {
      if (pa[0] === 1 && pa[1] === n && pb[0] === 1 && pb[1] === n) p.u32(1);
      else p.u32(2, pa[0], pa[1], pb[0], pb[1]);
    } else {
      this.rankCheck('binary', c.shape.length);
      p.u32(0, c.shape.length).slot(4, c.shape).slot(12, c.strides[0]!).slot(20, c.strides[1]!);
    }
    return this.run1d(`binary:${ti}:${to}`, () => binaryShader(ti, to), [a, b], n, p);
  }

  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: Shape): DataId {
    const n = sizeOf(outShape);
    const t = wgslType(a.dtype);
    const c = collapseAxes(
      outShape,
      [cond.shape, a.shape, b.shape].map((s) => broadcastStrides(s, outShape)),
    );
    const periods = c.strides.map((st) => periodic(c.shape, st));
    const p = new Params();
    if (periods.every((q) => q !== null)) {
      p.u32(n).slot(34, [1, ...periods.flatMap((q) => q!)]);
    } else {
      this.rankCheck('where', c.shape.length);
      p.u32(n, c.shape.length)
        .slot(2, c.shape)
        .slot(10, c.strides[0]!)
        .slot(18, c.strides[1]!)
        .slot(26, c.strides[2]!);
    }
    return this.run1d(`where:${t}`, () => whereShader(t), [cond, a, b], n, p);
  }

  // ---- reductions

  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): DataId {
    const total = sizeOf(x.shape);
    if (axes.length === 0) return this.copyRange(x.id as GpuData, 0, total);
    const shape = x.shape;
    const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1]! + 1);
    if (!contiguous) {
      // Reduce the last contiguous run of axes, then the others from its (smaller) result, instead
      // of a transposing copy of the whole input: sum, max, min and prod associate (sums change
      // order, within rounding). A bias gradient, sum over [0, 2, 3], reads its input once.
      let start = axes.length - 1;
      while (start > 0 && axes[start - 1] === axes[start]! - 1) start--;
      const run = axes.slice(start);
      const partial = this.reduce(op, x, run) as GpuData;
      const partialShape = shape.filter((_, i) => !run.includes(i));
      const out = this.reduce(op, { id: partial, shape: partialShape, dtype: x.dtype }, axes.slice(0, start));
      this.release(partial);
      return out;
    }
    const src = x;
    const outer = sizeOf(shape.slice(0, axes[0]));
    const r = sizeOf(shape.slice(axes[0], axes[axes.length - 1]! + 1));
    const inner = sizeOf(shape.slice(axes[axes.length - 1]! + 1));
    const t = wgslType(x.dtype);
    const p = new Params().u32(outer * inner, r, Math.max(inner, 1), REDUCE_CODES[op]);
    let out: GpuData;
    const outputs = outer * inner;
    // Few long rows (a loss): a workgroup per output instead of one thread looping over a whole row.
    // (A workgroup per contiguous row would read coalesced on a GPU, but on lavapipe it measured
    // 15× slower than a thread per row for [1000, 1000]; bench/gpu's sum-rows row decides on a GPU.)
    if (outputs > 0 && r >= 1024 && outputs <= 4096) {
      out = this.alloc(outer * inner);
      this.dispatch(
        `reduceRows:${t}`,
        () => reduceRowsShader(t),
        [src.id as GpuData],
        out,
        p,
        this.groups(outer * inner),
      );
    } else {
      out = this.run1d(`reduce:${t}`, () => reduceShader(t), [src], outer * inner, p);
    }
    return out;
  }

  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number): DataId {
    const [outer, r, inner] = around(x.shape, axis);
    const t = wgslType(x.dtype);
    const p = new Params().u32(outer * inner, r, Math.max(inner, 1), op === 'argmin' ? 1 : 0);
    return this.run1d(`argReduce:${t}`, () => argReduceShader(t), [x], outer * inner, p);
  }

  logSumExp(x: TensorInfo, axis: number): DataId {
    const [outer, r, inner] = around(x.shape, axis);
    const p = new Params().u32(outer * inner, r, Math.max(inner, 1));
    return this.run1d('logSumExp', logSumExpShader, [x], outer * inner, p);
  }

  cumsum(x: TensorInfo, axis: number, exclusive: boolean, reverse: boolean): DataId {
    const [outer, r, inner] = around(x.shape, axis);
    const t = wgslType(x.dtype);
    const p = new Params().u32(outer * inner, r, Math.max(inner, 1), exclusive ? 1 : 0, reverse ? 1 : 0);
    return this.run1d(`cumsum:${t}`, () => cumsumShader(t), [x], outer * r * inner, p);
  }

  // ---- linear algebra and convolution

  matmul(a: TensorInfo, b: TensorInfo, g: MatmulGeometry): DataId {
    const outputs = g.batch * g.m * g.n;
    // Thin products go to one thread per output unless a tile is forced: with fewer than 32 rows or
    // columns most of a 64×64 tile is padding. A long k keeps the tiled kernel (it reads each value
    // of the wide operand once per tile, not once per output) unless the output is tiny anyway.
    if (!this.matmulTile && (g.m < 32 || g.n < 32) && (g.k <= 256 || outputs <= 4096)) {
      const p = new Params().u32(
        outputs,
        g.m,
        g.k,
        g.n,
        g.transA ? 1 : 0,
        g.transB ? 1 : 0,
        g.batchA,
        g.batchB,
      );
      return this.run1d('matmul:thin', thinMatmulShader, [a, b], outputs, p);
    }
    const out = this.alloc(outputs);
    if (outputs === 0) return out;
    // 128×128 tiles do twice the work per value loaded, but only pay once there are enough of
    // them to fill the GPU (≥ 256 workgroups: 2048² and up); smaller products keep 64×64 tiles.
    const big = g.batch * Math.ceil(g.m / 128) * Math.ceil(g.n / 128) >= 256;
    const tile: MatmulTile = this.matmulTile ?? (big ? 128 : 64);
    const gx = Math.ceil(g.n / tile);
    const gy = Math.ceil(g.m / tile);
    if (gx > this.maxGroups)
      throw new ErlangenError(`webgpu: matmul with n = ${g.n} exceeds the dispatch limits`);
    // Batches and row tiles beyond maxComputeWorkgroupsPerDimension go in further dispatches.
    for (let z0 = 0; z0 < g.batch; z0 += this.maxGroups) {
      for (let y0 = 0; y0 < gy; y0 += this.maxGroups) {
        const p = new Params().u32(
          g.m,
          g.k,
          g.n,
          g.transA ? 1 : 0,
          g.transB ? 1 : 0,
          g.batchA,
          g.batchB,
          z0,
          y0,
        );
        const groups: [number, number, number] = [
          gx,
          Math.min(this.maxGroups, gy - y0),
          Math.min(this.maxGroups, g.batch - z0),
        ];
        this.dispatch(
          `matmul:${tile}`,
          () => matmulShader(tile),
          [a.id as GpuData, b.id as GpuData],
          out,
          p,
          groups,
        );
      }
    }
    return out;
  }

  private convParams(n: number, g: Conv2dGeometry): Params {
    return new Params().u32(n, g.batch, ...conv2dGeometryArgs(g));
  }

  // Both run a thread per block of CONV_BLOCK channels of one pixel (wgsl/conv.ts): run1d's thread
  // count (params word 0) is the number of blocks, its output size the full tensor.
  conv2d(x: TensorInfo, w: TensorInfo, g: Conv2dGeometry): DataId {
    const blocks = Math.ceil(g.outChannels / g.groups / CONV_BLOCK) * g.groups;
    const threads = g.batch * blocks * g.outHeight * g.outWidth;
    const size = g.batch * g.outChannels * g.outHeight * g.outWidth;
    return this.run1d('conv2d', conv2dShader, [x, w], size, this.convParams(threads, g));
  }
  conv2dGradInput(dy: TensorInfo, w: TensorInfo, g: Conv2dGeometry): DataId {
    const blocks = Math.ceil(g.inChannels / g.groups / CONV_BLOCK) * g.groups;
    const threads = g.batch * blocks * g.inHeight * g.inWidth;
    const size = g.batch * g.inChannels * g.inHeight * g.inWidth;
    return this.run1d('conv2dGradInput', conv2dGradInputShader, [dy, w], size, this.convParams(threads, g));
  }
  conv2dGradFilter(x: TensorInfo, dy: TensorInfo, g: Conv2dGeometry): DataId {
    const cg = g.inChannels / g.groups;
    const weights = g.outChannels * cg * g.kernelHeight * g.kernelWidth;
    // A thread per block of CONV_BLOCK output channels of one (c, ky, kx) loops over
    // batch·outH·outW: too few threads for small filters. Then a thread per (image, block) writes
    // partial sums [batch, weights] and a reduction over images adds them up.
    const blocks =
      Math.ceil(g.outChannels / g.groups / CONV_BLOCK) * g.groups * cg * g.kernelHeight * g.kernelWidth;
    if (g.batch > 1 && weights < 65536 && g.batch * weights <= 1 << 22) {
      const threads = g.batch * blocks;
      const partial = this.run1d(
        'conv2dGradFilter',
        conv2dGradFilterShader,
        [x, dy],
        g.batch * weights,
        this.convParams(threads, g).u32(1),
      );
      const out = this.reduce('sum', { id: partial, shape: [g.batch, weights], dtype: 'float32' }, [0]);
      this.release(partial);
      return out;
    }
    return this.run1d(
      'conv2dGradFilter',
      conv2dGradFilterShader,
      [x, dy],
      weights,
      this.convParams(blocks, g).u32(0),
    );
  }

  private poolParams(n: number, g: Pool2dGeometry): Params {
    return new Params().u32(n, g.batch * g.channels, ...pool2dGeometryArgs(g));
  }

  maxPool2d(x: TensorInfo, g: Pool2dGeometry): DataId {
    const n = g.batch * g.channels * g.outHeight * g.outWidth;
    return this.run1d('maxPool2d', maxPoolShader, [x], n, this.poolParams(n, g));
  }
  maxPool2dGrad(dy: TensorInfo, x: TensorInfo, g: Pool2dGeometry): DataId {
    const disjoint =
      g.strideH >= g.dilationH * (g.kernelHeight - 1) + 1 &&
      g.strideW >= g.dilationW * (g.kernelWidth - 1) + 1;
    if (disjoint) {
      const windows = g.batch * g.channels * g.outHeight * g.outWidth;
      const size = g.batch * g.channels * g.inHeight * g.inWidth;
      return this.run1d(
        'maxPool2dGradDisjoint',
        maxPoolGradDisjointShader,
        [dy, x],
        size,
        this.poolParams(windows, g),
        true,
      );
    }
    const n = g.batch * g.channels * g.inHeight * g.inWidth;
    return this.run1d('maxPool2dGrad', maxPoolGradShader, [dy, x], n, this.poolParams(n, g));
  }

  // ---- indexing

  indexSelect(x: TensorInfo, index: TensorInfo, axis: number): DataId {
    const [outer, r, inner] = around(x.shape, axis);
    const e = sizeOf(index.shape);
    const t = wgslType(x.dtype);
    const n = outer * e * inner;
    return this.run1d(
      `indexSelect:${t}`,
      () => indexSelectShader(t),
      [x, index],
      n,
      new Params().u32(n, e, inner, r),
    );
  }

  indexAdd(src: TensorInfo, index: TensorInfo, axis: number, dimSize: number): DataId {
    const [outer, e, inner] = around(src.shape, axis);
    const t = wgslType(src.dtype);
    const n = outer * e * inner;
    const p = new Params().u32(n, e, inner, dimSize);
    return this.run1d(
      `indexAdd:${t}`,
      () => indexAddShader(t),
      [src, index],
      outer * dimSize * inner,
      p,
      true,
    );
  }

  private gatherParams(
    index: TensorInfo,
    strides: readonly number[],
    axis: number,
    axisSize: number,
  ): Params {
    this.rankCheck('gather/scatterAdd', index.shape.length);
    return new Params()
      .u32(sizeOf(index.shape), index.shape.length)
      .slot(2, index.shape)
      .slot(10, strides)
      .u32(axis, axisSize);
  }

  gather(x: TensorInfo, index: TensorInfo, axis: number): DataId {
    const t = wgslType(x.dtype);
    const p = this.gatherParams(index, stridesOf(x.shape), axis, x.shape[axis]!);
    return this.run1d(`gather:${t}`, () => gatherShader(t), [x, index], sizeOf(index.shape), p);
  }

  scatterAdd(src: TensorInfo, index: TensorInfo, axis: number, outShape: Shape): DataId {
    const t = wgslType(src.dtype);
    const p = this.gatherParams(index, stridesOf(outShape), axis, outShape[axis]!);
    return this.run1d(`scatterAdd:${t}`, () => scatterAddShader(t), [src, index], sizeOf(outShape), p, true);
  }

  // ---- random numbers

  random(kind: 'uniform' | 'normal', size: number, key: readonly [number, number], stream: number): DataId {
    const p = new Params().u32(size, key[0], key[1], stream, kind === 'normal' ? 1 : 0);
    return this.run1d('random', randomShader, [], size, p);
  }
}
