import { registerBackend } from '../../backends.js';
import { type DType, dtypeOfArray, type TypedArray } from '../../dtype.js';
import { ErlangenError } from '../../errors.js';
import { type Shape, sizeOf } from '../../shape.js';
import { CpuBackend } from '../cpu/index.js';
import type {
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
} from '../kernels.js';
import { type ConvDims, convDims } from '../shared.js';
import { WasmHeap } from './allocator.js';
import { type PackedFilter, packFilterGroups } from './filter-pack.js';
import {
  KERNELS_RELAXED_WASM_BASE64,
  KERNELS_SHARED_MAXIMUM_PAGES,
  KERNELS_WASM_BASE64,
} from './kernels.generated.js';
import {
  type CallList,
  defaultThreadCount,
  noteSingleThreaded,
  poolFinalizer,
  sharedMemory,
  ThreadPool,
  threadsUnavailableReason,
} from './threads.js';
import { withSharedMemoryImport } from './threads-module.js';
import {
  binaryThreaded,
  type ConvPlan,
  conv2dGradFilterThreaded,
  conv2dGradInputThreaded,
  conv2dThreaded,
  ELEMENTS_ALIGNED,
  indexAddThreaded,
  indexSelectThreaded,
  MIN_ELEMENTS_PER_THREAD,
  MIN_FLOPS_PER_THREAD,
  matmulThreaded,
  splitCalls,
  type ThreadContext,
} from './threads-partition.js';

/** The exports of assembly/index.ts; pointers are byte offsets into the backend's memory. */
interface Kernels {
  heapBase(): number;
  packASize(m: number, k: number): number;
  packBSize(k: number, n: number): number;
  packA(a: number, rs: number, cs: number, m: number, k: number, out: number): void;
  packB(b: number, rs: number, cs: number, k: number, n: number, out: number): void;
  gemm(
    ap: number,
    b: number,
    bRow: number,
    bPanel: number,
    c: number,
    ldc: number,
    m: number,
    n: number,
    k: number,
    accumulate: number,
  ): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  gemmOffsets(
    ap: number,
    b: number,
    off: number,
    c: number,
    ldc: number,
    m: number,
    n: number,
    k: number,
  ): void;
  padPlanes(...args: number[]): void;
  compactRows(src: number, rows: number, srcPitch: number, width: number, dst: number): void;
  im2col(...args: number[]): void;
  col2im(...args: number[]): void;
  binaryF32(op: number, a: number, na: number, b: number, nb: number, out: number, n: number): void;
  binaryRowsF32(
    op: number,
    a: number,
    aPerRow: number,
    b: number,
    bPerRow: number,
    out: number,
    outer: number,
    inner: number,
  ): void;
  indexSelect4(x: number, outer: number, r: number, inner: number, idx: number, e: number, out: number): void;
  gather4(x: number, outer: number, r: number, inner: number, idx: number, e: number, out: number): void;
  scatterAddF32(
    src: number,
    outer: number,
    e: number,
    inner: number,
    idx: number,
    dimSize: number,
    out: number,
  ): void;
  sumF32(x: number, outer: number, r: number, inner: number, out: number): void;
  maxF32(x: number, outer: number, r: number, inner: number, out: number): void;
  minF32(x: number, outer: number, r: number, inner: number, out: number): void;
  logSumExpRowsF32(x: number, outer: number, r: number, out: number, k: number): void;
  softmaxRowsF32(x: number, outer: number, r: number, out: number, log: number, k: number): void;
  adamF32(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    moments: number,
    mode: number,
    scalars: number,
    outP: number,
    outM: number,
    outV: number,
  ): void;
  mathConstantsSize(): number;
  writeMathConstants(k: number): void;
  indexAddF32(
    src: number,
    outer: number,
    e: number,
    inner: number,
    idx: number,
    dimSize: number,
    out: number,
  ): void;
}

/**
 * Storage of one tensor: a block of the backend's WebAssembly memory. Pointers stay valid when the
 * memory grows (only JavaScript views of the old buffer detach), so this holds offsets, not views.
 */
export class WasmData {
  released = false;
  constructor(
    /** Byte offset into the memory. */
    readonly ptr: number,
    /** Bytes requested (elements × bytes per element); the block may be larger. */
    readonly bytes: number,
  ) {}
}

/** The smallest module using a SIMD instruction (`v128.const; drop`): validates only where SIMD is supported. */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
  0x0a, 0x17, 0x01, 0x15, 0x00, 0xfd, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x0b,
]);

/** True when this engine runs WebAssembly with 128-bit SIMD. */
export function wasmSimdSupported(): boolean {
  return validates(SIMD_PROBE);
}

/** `v128.const 0` ×3, `f32x4.relaxed_madd`, `drop` in a function body: validates only with relaxed SIMD. */
const RELAXED_SIMD_PROBE = (() => {
  const zero = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
  const body = [0x00, ...zero, ...zero, ...zero, 0xfd, 0x85, 0x02, 0x1a, 0x0b];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version 1
    ...[0x01, 0x04, 0x01, 0x60, 0x00, 0x00], // type section: () -> ()
    ...[0x03, 0x02, 0x01, 0x00], // function section: one function of type 0
    ...[0x0a, body.length + 2, 0x01, body.length, ...body], // code section
  ]);
})();

function validates(bytes: Uint8Array): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(bytes as BufferSource);
  } catch {
    return false;
  }
}

/**
 * True when this engine runs WebAssembly relaxed SIMD (the fused multiply-add the GEMM uses).
 * Chrome ≥ 114, Firefox ≥ 120 and Node ≥ 22 have it on by default. Node 20 has it behind
 * `--experimental-wasm-relaxed-simd`; with `enableNodeFlag` that V8 flag is set at run time (Node
 * only, through `process.getBuiltinModule('node:v8')`, and only when the probe fails without it) —
 * it enables nothing but this instruction set, whose instructions V8 20 already compiles.
 */
export function wasmRelaxedSimdSupported(enableNodeFlag = false): boolean {
  if (validates(RELAXED_SIMD_PROBE)) return true;
  if (!enableNodeFlag) return false;
  const proc = (
    globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } }
  ).process;
  if (proc?.versions?.node === undefined || typeof proc.getBuiltinModule !== 'function') return false;
  try {
    const v8 = proc.getBuiltinModule('node:v8') as { setFlagsFromString(flag: string): void } | undefined;
    v8?.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return validates(RELAXED_SIMD_PROBE);
}

function decodeBase64(b64: string): Uint8Array {
  if (typeof atob === 'function') {
    const s = atob(b64);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  // Node < 16 has no atob; Node's Buffer is the fallback (never reached on Node 20).
  return new Uint8Array(
    (globalThis as unknown as { Buffer: { from(s: string, e: string): Uint8Array } }).Buffer.from(
      b64,
      'base64',
    ),
  );
}

/** Bytes between consecutive k rows of a packed B micro-panel (NR = 8 floats). */
const PACKED_ROW = 32;

/** Target size of one chunk of the im2col matrix: well inside a 512 KiB L2 with A and C beside it. */
const COLS_CHUNK_BYTES = 128 * 1024;

const BINARY_CODES: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3 };

/**
 * Float32 unary ops with a wasm kernel (export `${op}F32`): exact ones, and exp / log / sigmoid /
 * tanh as vectorised Cephes approximations within 2 ulp of the TypeScript kernels' results.
 */
const UNARY_KERNELS: ReadonlySet<UnaryOp> = new Set<UnaryOp>([
  'neg',
  'abs',
  'sqrt',
  'square',
  'reciprocal',
  'rsqrt',
  'relu',
  'exp',
  'log',
  'sigmoid',
  'tanh',
]);

/** The export `${op}F32` of a unary op in UNARY_KERNELS: out[i] = f(x[i]) over n float32s. */
type UnaryKernel = (x: number, out: number, n: number, k: number) => void;

const REDUCE_KERNELS = { sum: 'sumF32', max: 'maxF32', min: 'minF32' } as const;

/** Whether `axes` (sorted) are one contiguous run, so x is [outer, r, inner] around them. */
function contiguousAxes(axes: readonly number[]): boolean {
  return axes.every((a, i) => i === 0 || a === axes[i - 1]! + 1);
}

/**
 * How an operand of `shape` repeats over `outShape` (n elements): n (same shape), 1 (a scalar) or
 * its own size when it is a trailing row (its shape, without leading 1s, is a suffix of outShape);
 * null for any other broadcast.
 */
function repeatLength(shape: Shape, outShape: Shape, n: number): number | null {
  const size = sizeOf(shape);
  if (size === 1) return 1;
  let lead = 0;
  while (lead < shape.length && shape[lead] === 1) lead++;
  const core = shape.slice(lead);
  if (core.length > outShape.length) return null;
  const off = outShape.length - core.length;
  for (let i = 0; i < core.length; i++) if (core[i] !== outShape[off + i]) return null;
  return size === n ? n : size;
}

/**
 * The column broadcast binaryRowsF32 runs: outShape as [outer, inner] where each operand is either
 * outShape itself or one value per row (its shape, left-padded with 1s, equals outShape up to some
 * axis p and is 1 from there on); null for other broadcasts.
 */
function perRowSplit(
  aShape: Shape,
  bShape: Shape,
  outShape: Shape,
): { outer: number; inner: number; aPerRow: boolean; bPerRow: boolean } | null {
  const rank = outShape.length;
  /** -1 when `shape` equals outShape, p when it is per-row at split p, null otherwise. */
  const split = (shape: Shape): number | null => {
    if (shape.length > rank) return null;
    const padded = [...new Array<number>(rank - shape.length).fill(1), ...shape];
    if (padded.every((d, i) => d === outShape[i])) return -1;
    let p = rank;
    while (p > 0 && padded[p - 1] === 1) p--;
    for (let i = 0; i < p; i++) if (padded[i] !== outShape[i]) return null;
    return p;
  };
  const pa = split(aShape);
  const pb = split(bShape);
  if (pa === null || pb === null || (pa >= 0 && pb >= 0) || (pa < 0 && pb < 0)) return null;
  const p = Math.max(pa, pb);
  return {
    outer: sizeOf(outShape.slice(0, p)),
    inner: sizeOf(outShape.slice(p)),
    aPerRow: pa >= 0,
    bPerRow: pb >= 0,
  };
}

function checkIndices(op: string, index: Int32Array, bound: number): void {
  for (let i = 0; i < index.length; i++) {
    const v = index[i]!;
    if (v < 0 || v >= bound) {
      throw new ErlangenError(
        `${op}: argument 'index' expected values in [0, ${bound - 1}] but received ${v} at position ${i}`,
      );
    }
  }
}

/** [outer, axisSize, inner] around one axis. */
function around(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis]!, sizeOf(shape.slice(axis + 1))];
}

/**
 * The 'wasm' backend: tensors live in one WebAssembly.Memory; matmul, the three conv2d kernels,
 * float32 add/sub/mul/div (same shape, scalar or trailing-row broadcast), indexSelect and
 * float32 indexAdd run as AssemblyScript SIMD kernels reading and writing that memory in place.
 * Every other kernel runs the CPU backend's TypeScript on views of the memory (no input copy) and
 * copies its result in.
 */
export class WasmBackend implements Backend {
  /** 'wasm', or 'cpu' where this backend is the engine of the default CPU backend (cpu.ts). */
  readonly name: string;
  readonly canReadSync: boolean = true;
  readonly memory: WebAssembly.Memory;
  readonly heap: WasmHeap;
  /** Byte offset of the read-only block of vector constants the transcendental kernels take. */
  private readonly mathConstants: number;
  private readonly k: Kernels;
  private readonly cpu = new CpuBackend();
  private buffer: ArrayBuffer | null = null;
  private f32v = new Float32Array(0);
  private i32v = new Int32Array(0);
  private u8v = new Uint8Array(0);

  /** Whether the kernels are the relaxed-SIMD build (fused multiply-add in GEMM and convolution). */
  readonly relaxedSimd: boolean;

  /** Worker threads splitting large kernels (threads.ts); null when single-threaded. */
  readonly pool: ThreadPool | null;
  private threadCtx: ThreadContext | null = null;
  /**
   * Least work per thread before a kernel is split: flops for GEMM and convolution, elements for
   * the rest (threads-partition.ts explains the defaults). Tests set 1 to split every kernel.
   */
  readonly splitThresholds = { flops: MIN_FLOPS_PER_THREAD, elements: MIN_ELEMENTS_PER_THREAD };

  /**
   * `threads` > 1 requires `module` to import a shared memory (`withSharedMemoryImport`) and a platform
   * where `threadsUnavailableReason()` is null; `createWasmBackend` checks both.
   */
  constructor(
    module: WebAssembly.Module,
    initialPages = 256,
    relaxedSimd = false,
    threads = 1,
    name = 'wasm',
  ) {
    this.name = name;
    this.relaxedSimd = relaxedSimd;
    this.memory =
      threads > 1 ? sharedMemory(initialPages) : new WebAssembly.Memory({ initial: initialPages });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.k = instance.exports as unknown as Kernels;
    this.heap = new WasmHeap(this.memory, this.k.heapBase());
    // Vector constants of exp / log / sigmoid / tanh, read by those kernels (see assembly/index.ts
    // writeMathConstants): written once, never freed, shared by every thread.
    this.mathConstants = this.heap.alloc(this.k.mathConstantsSize());
    this.k.writeMathConstants(this.mathConstants);
    this.pool =
      threads > 1 ? new ThreadPool(this.memory, module, instance.exports, this.heap, threads) : null;
    if (this.pool) poolFinalizer.register(this, this.pool, this);
  }

  /**
   * Compiles the bundled kernels (synchronously: a 7 KB compile takes well under a millisecond),
   * the relaxed-SIMD build when `relaxedSimd`, else the plain-SIMD one.
   */
  static create(initialPages?: number, relaxedSimd = false, threads = 1, name = 'wasm'): WasmBackend {
    const plain = decodeBase64(relaxedSimd ? KERNELS_RELAXED_WASM_BASE64 : KERNELS_WASM_BASE64);
    // Threads need the build importing a shared memory, derived from the plain one (threads-module.ts).
    const bytes = threads > 1 ? withSharedMemoryImport(plain, KERNELS_SHARED_MAXIMUM_PAGES) : plain;
    return new WasmBackend(
      new WebAssembly.Module(bytes as BufferSource),
      initialPages,
      relaxedSimd,
      threads,
      name,
    );
  }

  // ---- threads (threads.ts, threads-partition.ts)

  /** The most threads one kernel may use (the calling thread included). */
  get threads(): number {
    return this.pool?.threads ?? 1;
  }

  /** Starts the worker threads (otherwise started by the first kernel big enough to split) and resolves once they run. */
  async whenThreadsReady(): Promise<void> {
    await this.pool?.whenReady();
  }

  /** Terminates the worker threads; the backend keeps working on the calling thread alone. */
  dispose(): void {
    this.pool?.dispose();
  }

  /** Threads to split `work` over (≥ `minPerThread` each), 1 without a pool. */
  private parts(work: number, minPerThread: number): number {
    return this.pool ? this.pool.partsFor(work, minPerThread) : 1;
  }

  private get ctx(): ThreadContext {
    this.threadCtx ??= {
      pool: this.pool!,
      heap: this.heap,
      k: this.k,
      packedRow: PACKED_ROW,
      zero: (ptr, bytes) => {
        this.sync();
        this.u8v.fill(0, ptr, ptr + bytes);
      },
    };
    return this.threadCtx;
  }

  // ---- views: re-created whenever memory.grow has replaced (and detached) the buffer

  private sync(): void {
    if (this.buffer !== this.memory.buffer) {
      this.buffer = this.memory.buffer;
      this.f32v = new Float32Array(this.buffer);
      this.i32v = new Int32Array(this.buffer);
      this.u8v = new Uint8Array(this.buffer);
    }
  }

  /** A view (no copy) of `size` elements of `id`; valid until the next allocation. */
  view(id: DataId, dtype: DType, size: number): TypedArray {
    this.sync();
    const { ptr } = id as WasmData;
    if (dtype === 'bool') return this.u8v.subarray(ptr, ptr + size);
    const at = ptr >>> 2;
    return dtype === 'float32' ? this.f32v.subarray(at, at + size) : this.i32v.subarray(at, at + size);
  }

  private alloc(size: number, dtype: DType): WasmData {
    const bytes = size * (dtype === 'bool' ? 1 : 4);
    return new WasmData(bytes === 0 ? 0 : this.heap.alloc(bytes), bytes);
  }

  /** Scratch block for one kernel call; paired with `free`. */
  private scratch(bytes: number): number {
    return bytes === 0 ? 0 : this.heap.alloc(bytes);
  }
  private free(ptr: number, bytes: number): void {
    if (bytes !== 0) this.heap.free(ptr, bytes);
  }
  /** The filter `w` packed as GEMM's A operand per group (see filter-pack.ts); free `bytes` at `ptr`. */
  private packFilter(
    w: TensorInfo,
    dims: Pick<ConvDims, 'G' | 'og' | 'Q'>,
    transposed: boolean,
  ): PackedFilter {
    return packFilterGroups(this.k, (bytes) => this.scratch(bytes), (w.id as WasmData).ptr, dims, transposed);
  }

  // ---- storage

  upload(values: TypedArray, dtype: DType): DataId {
    const out = this.alloc(values.length, dtype);
    // set() converts element types, as the CPU backend's upload does.
    this.view(out, dtype, values.length).set(values);
    return out;
  }
  async read(id: DataId, dtype: DType, size: number): Promise<TypedArray> {
    return this.readSync(id, dtype, size);
  }
  readSync(id: DataId, dtype: DType, size: number): TypedArray {
    return this.view(id, dtype, size).slice();
  }
  release(id: DataId): void {
    const d = id as WasmData;
    if (d.released) return;
    d.released = true;
    if (d.bytes !== 0) this.heap.free(d.ptr, d.bytes);
  }

  // ---- the CPU fallback: TS kernels on views of wasm memory, result copied in

  private info(t: TensorInfo): TensorInfo {
    return { id: this.view(t.id, t.dtype, sizeOf(t.shape)), shape: t.shape, dtype: t.dtype };
  }
  private adopt(result: DataId): DataId {
    const values = result as TypedArray;
    return this.upload(values, dtypeOfArray(values));
  }

  fill(shape: Shape, value: number, dtype: DType): DataId {
    const size = sizeOf(shape);
    const out = this.alloc(size, dtype);
    // Freed blocks are reused, so even zeros must be written.
    this.view(out, dtype, size).fill(value);
    return out;
  }
  arange(start: number, step: number, size: number, dtype: DType): DataId {
    return this.adopt(this.cpu.arange(start, step, size, dtype));
  }
  copyStrided(x: TensorInfo, outShape: Shape, strides: readonly number[], offset: number): DataId {
    return this.adopt(this.cpu.copyStrided(this.info(x), outShape, strides, offset));
  }
  cast(x: TensorInfo, dtype: DType): DataId {
    return this.adopt(this.cpu.cast(this.info(x), dtype));
  }
  pad(x: TensorInfo, pads: readonly (readonly [number, number])[], value: number): DataId {
    return this.adopt(this.cpu.pad(this.info(x), pads, value));
  }
  concat(xs: readonly TensorInfo[], axis: number, outShape: Shape): DataId {
    return this.adopt(
      this.cpu.concat(
        xs.map((x) => this.info(x)),
        axis,
        outShape,
      ),
    );
  }
  unary(op: UnaryOp, x: TensorInfo, outDtype: DType): DataId {
    if (x.dtype === 'float32' && outDtype === 'float32' && UNARY_KERNELS.has(op)) {
      const n = sizeOf(x.shape);
      const out = this.alloc(n, 'float32');
      const xPtr = (x.id as WasmData).ptr;
      const parts = this.parts(n, this.splitThresholds.elements);
      const split = (l: CallList, s: number, e: number) =>
        l.call(`${op}F32`, xPtr + s * 4, out.ptr + s * 4, e - s, this.mathConstants);
      if (parts > 1 && splitCalls(this.ctx, parts, n, ELEMENTS_ALIGNED, split)) return out;
      const kernel = (this.k as unknown as Record<string, UnaryKernel>)[`${op}F32`]!;
      kernel(xPtr, out.ptr, n, this.mathConstants);
      return out;
    }
    return this.adopt(this.cpu.unary(op, this.info(x), outDtype));
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: Shape, outDtype: DType): DataId {
    const code = BINARY_CODES[op];
    const n = sizeOf(outShape);
    if (code !== undefined && a.dtype === 'float32' && b.dtype === 'float32' && outDtype === 'float32') {
      const na = repeatLength(a.shape, outShape, n);
      const nb = repeatLength(b.shape, outShape, n);
      if (na !== null && nb !== null && (na === n || nb === n)) {
        const out = this.alloc(n, 'float32');
        const [aPtr, bPtr] = [(a.id as WasmData).ptr, (b.id as WasmData).ptr];
        const parts = this.parts(n, this.splitThresholds.elements);
        if (parts > 1 && binaryThreaded(this.ctx, parts, code, aPtr, na, bPtr, nb, out.ptr, n)) return out;
        this.k.binaryF32(code, aPtr, na, bPtr, nb, out.ptr, n);
        return out;
      }
      const rows = perRowSplit(a.shape, b.shape, outShape);
      if (rows !== null) {
        const out = this.alloc(n, 'float32');
        const [aPtr, bPtr] = [(a.id as WasmData).ptr, (b.id as WasmData).ptr];
        const { outer, inner } = rows;
        const [aRow, bRow] = [rows.aPerRow ? 4 : inner * 4, rows.bPerRow ? 4 : inner * 4];
        const parts = this.parts(n, this.splitThresholds.elements);
        const split = (l: CallList, s: number, e: number) =>
          l.call(
            'binaryRowsF32',
            code,
            aPtr + s * aRow,
            +rows.aPerRow,
            bPtr + s * bRow,
            +rows.bPerRow,
            out.ptr + s * inner * 4,
            e - s,
            inner,
          );
        if (parts > 1 && splitCalls(this.ctx, parts, outer, 1, split)) return out;
        this.k.binaryRowsF32(code, aPtr, +rows.aPerRow, bPtr, +rows.bPerRow, out.ptr, outer, inner);
        return out;
      }
    }
    return this.adopt(this.cpu.binary(op, this.info(a), this.info(b), outShape, outDtype));
  }

  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: Shape): DataId {
    return this.adopt(this.cpu.where(this.info(cond), this.info(a), this.info(b), outShape));
  }
  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): DataId {
    // sum / max / min of float32 over one contiguous run of axes: x as [outer, r, inner]. Sums
    // accumulate in float32 (16 lanes), the TypeScript kernel in float64: they agree to rounding.
    if (x.dtype === 'float32' && op !== 'prod' && axes.length > 0 && contiguousAxes(axes)) {
      const outer = sizeOf(x.shape.slice(0, axes[0]));
      const r = sizeOf(x.shape.slice(axes[0], axes[axes.length - 1]! + 1));
      const inner = sizeOf(x.shape.slice(axes[axes.length - 1]! + 1));
      const out = this.alloc(outer * inner, 'float32');
      const xPtr = (x.id as WasmData).ptr;
      // Split over outer rows only: each output element is still reduced by one thread, in order.
      const parts = this.parts(outer * r * inner, this.splitThresholds.elements);
      const split = (l: CallList, s: number, e: number) =>
        l.call(REDUCE_KERNELS[op], xPtr + s * r * inner * 4, e - s, r, inner, out.ptr + s * inner * 4);
      if (parts > 1 && splitCalls(this.ctx, parts, outer, 1, split)) return out;
      this.k[REDUCE_KERNELS[op]](xPtr, outer, r, inner, out.ptr);
      return out;
    }
    return this.adopt(this.cpu.reduce(op, this.info(x), axes));
  }
  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number): DataId {
    return this.adopt(this.cpu.argReduce(op, this.info(x), axis));
  }
  logSumExp(x: TensorInfo, axis: number): DataId {
    if (x.dtype === 'float32' && axis === x.shape.length - 1) {
      const [outer, r] = around(x.shape, axis);
      const out = this.alloc(outer, 'float32');
      const xPtr = (x.id as WasmData).ptr;
      const parts = this.parts(outer * r, this.splitThresholds.elements);
      const split = (l: CallList, s: number, e: number) =>
        l.call('logSumExpRowsF32', xPtr + s * r * 4, e - s, r, out.ptr + s * 4, this.mathConstants);
      if (parts > 1 && splitCalls(this.ctx, parts, outer, 1, split)) return out;
      this.k.logSumExpRowsF32(xPtr, outer, r, out.ptr, this.mathConstants);
      return out;
    }
    return this.adopt(this.cpu.logSumExp(this.info(x), axis));
  }
  adamStep(
    param: TensorInfo,
    grad: TensorInfo,
    m: TensorInfo | null,
    v: TensorInfo | null,
    o: AdamStepOptions,
  ): [DataId, DataId, DataId] {
    const n = param.shape.reduce((a, b) => a * b, 1);
    const [outP, outM, outV] = [this.alloc(n, 'float32'), this.alloc(n, 'float32'), this.alloc(n, 'float32')];
    const ptr = (t: TensorInfo | null) => (t ? (t.id as WasmData).ptr : 0);
    const [p, g, mp, vp] = [ptr(param), ptr(grad), ptr(m), ptr(v)];
    const moments = m && v ? 1 : 0;
    const mode = o.mode === 'l2' ? 1 : o.mode === 'decoupled' ? 2 : 0;
    // Worker threads pass kernel arguments as i32, so the float32 scalars go through memory.
    const scalars = this.scratch(36);
    new Float32Array(this.memory.buffer, scalars, 9).set([
      o.weightDecay,
      o.decay,
      o.b1,
      o.oneMinusB1,
      o.b2,
      o.oneMinusB2,
      o.bc2Sqrt,
      o.eps,
      o.stepScale,
    ]);
    const run = (s: number, e: number) =>
      [
        p + s * 4,
        g + s * 4,
        mp + s * 4,
        vp + s * 4,
        e - s,
        moments,
        mode,
        scalars,
        outP.ptr + s * 4,
        outM.ptr + s * 4,
        outV.ptr + s * 4,
      ] as const;
    const parts = this.parts(n, this.splitThresholds.elements);
    const split = (l: CallList, s: number, e: number) => l.call('adamF32', ...run(s, e));
    if (!(parts > 1 && splitCalls(this.ctx, parts, n, 4, split))) this.k.adamF32(...run(0, n));
    this.free(scalars, 36);
    return [outP, outM, outV];
  }
  softmaxLastAxis(x: TensorInfo, log: boolean): DataId {
    const r = x.shape[x.shape.length - 1] ?? 1;
    const outer = r === 0 ? 0 : x.shape.reduce((a, b) => a * b, 1) / r;
    const out = this.alloc(outer * r, 'float32');
    const xPtr = (x.id as WasmData).ptr;
    const flag = log ? 1 : 0;
    const parts = this.parts(outer * r, this.splitThresholds.elements);
    const split = (l: CallList, s: number, e: number) =>
      l.call('softmaxRowsF32', xPtr + s * r * 4, e - s, r, out.ptr + s * r * 4, flag, this.mathConstants);
    if (parts > 1 && splitCalls(this.ctx, parts, outer, 1, split)) return out;
    this.k.softmaxRowsF32(xPtr, outer, r, out.ptr, flag, this.mathConstants);
    return out;
  }
  cumsum(x: TensorInfo, axis: number, exclusive: boolean, reverse: boolean): DataId {
    return this.adopt(this.cpu.cumsum(this.info(x), axis, exclusive, reverse));
  }

  // ---- GEMM: a [batchA, M, K] (or [batchA, K, M] if transA), b [batchB, K, N] (or [batchB, N, K])

  matmul(a: TensorInfo, b: TensorInfo, g: MatmulGeometry): DataId {
    if (a.dtype !== 'float32' || b.dtype !== 'float32') {
      return this.adopt(this.cpu.matmul(this.info(a), this.info(b), g));
    }
    const { batch, m, k, n } = g;
    const out = this.alloc(batch * m * n, 'float32');
    const parts = this.parts(2 * batch * m * n * k, this.splitThresholds.flops);
    if (parts > 1) {
      matmulThreaded(this.ctx, parts, (a.id as WasmData).ptr, (b.id as WasmData).ptr, out.ptr, g);
      return out;
    }
    const apBytes = this.k.packASize(m, k);
    const bpBytes = this.k.packBSize(k, n);
    const ap = this.scratch(apBytes);
    const bp = this.scratch(bpBytes);
    const aPtr = (a.id as WasmData).ptr;
    const bPtr = (b.id as WasmData).ptr;
    // Element (i, p) of A and (p, j) of B as (row stride, column stride) of the stored layout.
    const [ars, acs] = g.transA ? [1, m] : [k, 1];
    const [brs, bcs] = g.transB ? [1, k] : [n, 1];
    // A broadcast (batch-1) operand is packed once, not once per batch entry.
    let packedA = -1;
    let packedB = -1;
    for (let i = 0; i < batch; i++) {
      const ia = g.batchA === 1 ? 0 : i;
      const ib = g.batchB === 1 ? 0 : i;
      if (ia !== packedA) this.k.packA(aPtr + ia * m * k * 4, ars, acs, m, k, ap);
      if (ib !== packedB) this.k.packB(bPtr + ib * k * n * 4, brs, bcs, k, n, bp);
      packedA = ia;
      packedB = ib;
      this.k.gemm(ap, bp, PACKED_ROW, k * PACKED_ROW, out.ptr + i * m * n * 4, n, m, n, k, 0);
    }
    this.free(ap, apBytes);
    this.free(bp, bpBytes);
    return out;
  }

  // ---- convolution as GEMM over cols[q][pix] (im2col), q = (c·KH + ky)·KW + kx within a group,
  // pix = oy·OW + ox. Shapes: x [N, C, H, W], w [O, C/G, KH, KW], y [N, O, OH, OW].
  // Each image is processed in chunks of output rows sized so a chunk of cols (Q × rows·OW floats)
  // stays in L2 between im2col writing it and the GEMM reading it.

  /** im2col / col2im arguments up to the chunk bounds. */
  private im2colArgs(g: Conv2dGeometry, cg: number): number[] {
    return [
      cg,
      g.inHeight,
      g.inWidth,
      g.kernelHeight,
      g.kernelWidth,
      g.strideH,
      g.strideW,
      g.padTop,
      g.padLeft,
      g.dilationH,
      g.dilationW,
    ];
  }

  /** Output rows per chunk: cols chunk ≈ COLS_CHUNK_BYTES, at least one row. */
  private static chunkRows(g: Conv2dGeometry, q: number): number {
    return Math.max(1, Math.min(g.outHeight, Math.floor(COLS_CHUNK_BYTES / (q * g.outWidth * 4))));
  }

  /** 1×1, stride 1, unpadded: cols is the image itself and im2col can be skipped. */
  private static pointwise(g: Conv2dGeometry): boolean {
    return (
      g.kernelHeight === 1 &&
      g.kernelWidth === 1 &&
      g.strideH === 1 &&
      g.strideW === 1 &&
      g.padTop === 0 &&
      g.padLeft === 0 &&
      g.outHeight === g.inHeight &&
      g.outWidth === g.inWidth
    );
  }

  conv2d(x: TensorInfo, w: TensorInfo, g: Conv2dGeometry): DataId {
    const { G, cg, og, Q, OW, pixels, plane } = convDims(g);
    const out = this.alloc(g.batch * g.outChannels * pixels, 'float32');
    const direct = WasmBackend.pointwise(g);
    const rows = WasmBackend.chunkRows(g, Q);
    const parts = this.parts(2 * g.batch * g.outChannels * pixels * Q, this.splitThresholds.flops);
    if (parts > 1) {
      const plan: ConvPlan = { rows, direct, args: this.im2colArgs(g, cg) };
      conv2dThreaded(this.ctx, parts, (x.id as WasmData).ptr, (w.id as WasmData).ptr, out.ptr, g, plan);
      return out;
    }
    if (g.strideH === 1 && g.strideW === 1 && !direct) return this.conv2dImplicit(x, w, g, out);
    const colsBytes = direct ? 0 : Q * rows * OW * 4;
    const bpBytes = this.k.packBSize(Q, rows * OW);
    const cols = this.scratch(colsBytes);
    const bp = this.scratch(bpBytes);
    const xPtr = (x.id as WasmData).ptr;
    // A = w of the group, [og, Q] row-major: packed once for the whole batch.
    const filter = this.packFilter(w, { G, og, Q }, false);
    const args = this.im2colArgs(g, cg);
    for (let nImg = 0; nImg < g.batch; nImg++) {
      for (let grp = 0; grp < G; grp++) {
        const xg = xPtr + (nImg * g.inChannels + grp * cg) * plane * 4;
        const y = out.ptr + (nImg * g.outChannels + grp * og) * pixels * 4;
        for (let oy0 = 0; oy0 < g.outHeight; oy0 += rows) {
          const oy1 = Math.min(g.outHeight, oy0 + rows);
          const np = (oy1 - oy0) * OW;
          // B = this chunk's cols [Q, np] (pointwise: the image's own rows, a plane apart), packed
          // into micro-panels while it is in L2: reading it in place, one cache line per k step,
          // measured ~20 % slower (worse at power-of-two pitches).
          if (direct) this.k.packB(xg + oy0 * OW * 4, pixels, 1, Q, np, bp);
          else {
            this.k.im2col(xg, ...args, oy0, oy1, OW, cols);
            this.k.packB(cols, np, 1, Q, np, bp);
          }
          // y[n, grp·og + o, pix] = Σ_q w[o, q] · cols[q, pix] for this chunk's pixels
          this.k.gemm(filter.at(grp), bp, PACKED_ROW, Q * PACKED_ROW, y + oy0 * OW * 4, pixels, og, np, Q, 0);
        }
      }
    }
    this.free(cols, colsBytes);
    this.free(filter.ptr, filter.bytes);
    this.free(bp, bpBytes);
    return out;
  }

  /**
   * Stride-1 forward convolution as an implicit GEMM (no im2col matrix): each image's group is
   * copied once into zero-padded planes of Hp × Wp (Hp = OH + (KH−1)·dh, Wp = OW + (KW−1)·dw), in
   * which B(q, p) = xp[offset(q) + p] for q = (c·KH + ky)·KW + kx and p = oy·Wp + ox: a row of B is
   * a contiguous run of the padded image, read in place by gemmOffsets through a table of
   * offset(q). Outputs are computed on the Wp-wide grid (Wp − OW columns per row discarded: 2 of
   * 30 for the 3×3 bench shape) and compacted into y. Same sums in the same order as im2col +
   * GEMM, so bit-identical to it; measured ≈ 15 % faster (im2col + packing were 20 % of the time).
   */
  private conv2dImplicit(x: TensorInfo, w: TensorInfo, g: Conv2dGeometry, out: WasmData): DataId {
    const G = g.groups;
    const cg = g.inChannels / G;
    const og = g.outChannels / G;
    const [KH, KW, dh, dw] = [g.kernelHeight, g.kernelWidth, g.dilationH, g.dilationW];
    const Q = cg * KH * KW;
    const [OH, OW] = [g.outHeight, g.outWidth];
    const Hp = OH + (KH - 1) * dh;
    const Wp = OW + (KW - 1) * dw;
    const pixels = OH * OW;
    const plane = g.inHeight * g.inWidth;
    // Pixels computed: the Wp-wide grid up to the last real output; B is read ≤ 7 floats past it.
    const n = (OH - 1) * Wp + OW;
    const xpBytes = (cg * Hp * Wp + 16) * 4;
    const offBytes = Q * 4;
    const wide = Wp !== OW;
    const tmpBytes = wide ? og * OH * Wp * 4 : 0;
    const xp = this.scratch(xpBytes);
    const off = this.scratch(offBytes);
    const tmp = this.scratch(tmpBytes);
    this.sync();
    for (let c = 0, q = 0; c < cg; c++) {
      for (let ky = 0; ky < KH; ky++) {
        for (let kx = 0; kx < KW; kx++, q++)
          this.i32v[(off >>> 2) + q] = 4 * (c * Hp * Wp + ky * dh * Wp + kx * dw);
      }
    }
    const xPtr = (x.id as WasmData).ptr;
    const filter = this.packFilter(w, { G, og, Q }, false);
    for (let nImg = 0; nImg < g.batch; nImg++) {
      for (let grp = 0; grp < G; grp++) {
        const xg = xPtr + (nImg * g.inChannels + grp * cg) * plane * 4;
        const y = out.ptr + (nImg * g.outChannels + grp * og) * pixels * 4;
        this.k.padPlanes(xg, cg, g.inHeight, g.inWidth, g.padTop, g.padLeft, Hp, Wp, xp);
        if (wide) {
          this.k.gemmOffsets(filter.at(grp), xp, off, tmp, OH * Wp, og, n, Q);
          this.k.compactRows(tmp, og * OH, Wp, OW, y);
        } else {
          this.k.gemmOffsets(filter.at(grp), xp, off, y, pixels, og, n, Q);
        }
      }
    }
    this.free(xp, xpBytes);
    this.free(off, offBytes);
    this.free(filter.ptr, filter.bytes);
    this.free(tmp, tmpBytes);
    return out;
  }

  conv2dGradInput(dy: TensorInfo, w: TensorInfo, g: Conv2dGeometry): DataId {
    const { G, cg, og, Q, OW, pixels, plane } = convDims(g);
    const dxSize = g.batch * g.inChannels * plane;
    const dx = this.alloc(dxSize, 'float32');
    const rows = WasmBackend.chunkRows(g, Q);
    // Split by (image, group) only: see conv2dGradInputThreaded.
    const parts = Math.min(
      g.batch * G,
      this.parts(2 * g.batch * g.outChannels * pixels * Q, this.splitThresholds.flops),
    );
    if (parts > 1) {
      this.view(dx, 'float32', dxSize).fill(0);
      const plan: ConvPlan = { rows, direct: false, args: this.im2colArgs(g, cg) };
      conv2dGradInputThreaded(
        this.ctx,
        parts,
        (dy.id as WasmData).ptr,
        (w.id as WasmData).ptr,
        dx.ptr,
        g,
        plan,
      );
      return dx;
    }
    const colsBytes = Q * rows * OW * 4;
    const bpBytes = this.k.packBSize(og, rows * OW);
    const dcols = this.scratch(colsBytes);
    const bp = this.scratch(bpBytes);
    this.view(dx, 'float32', dxSize).fill(0);
    const dyPtr = (dy.id as WasmData).ptr;
    // A(q, o) = w[o, q]: the group's filter read transposed, packed once.
    const filter = this.packFilter(w, { G, og, Q }, true);
    const args = this.im2colArgs(g, cg);
    for (let nImg = 0; nImg < g.batch; nImg++) {
      for (let grp = 0; grp < G; grp++) {
        const dyg = dyPtr + (nImg * g.outChannels + grp * og) * pixels * 4;
        const dxg = dx.ptr + (nImg * g.inChannels + grp * cg) * plane * 4;
        for (let oy0 = 0; oy0 < g.outHeight; oy0 += rows) {
          const oy1 = Math.min(g.outHeight, oy0 + rows);
          const np = (oy1 - oy0) * OW;
          // dcols[q, pix] = Σ_o w[o, q] · dy[n, grp·og + o, pix] for this chunk, then scattered back
          // onto dx. dy's rows are a whole image apart; packing them measured faster than reading
          // them in place.
          this.k.packB(dyg + oy0 * OW * 4, pixels, 1, og, np, bp);
          this.k.gemm(filter.at(grp), bp, PACKED_ROW, og * PACKED_ROW, dcols, np, Q, np, og, 0);
          this.k.col2im(dcols, ...args, oy0, oy1, OW, dxg);
        }
      }
    }
    this.free(dcols, colsBytes);
    this.free(filter.ptr, filter.bytes);
    this.free(bp, bpBytes);
    return dx;
  }

  conv2dGradFilter(x: TensorInfo, dy: TensorInfo, g: Conv2dGeometry): DataId {
    const { G, cg, og, Q, OW, pixels, plane } = convDims(g);
    const dw = this.alloc(g.outChannels * Q, 'float32');
    if (g.batch === 0 || pixels === 0) {
      this.view(dw, 'float32', g.outChannels * Q).fill(0);
      return dw;
    }
    // Computed transposed, dwT[q, o] = Σ_pix cols[q, pix] · dy[o, pix], so the big operand (cols)
    // is packed as A along its contiguous rows and only dy (og × pixels) is gathered with a
    // stride; dwT is transposed into dw once at the end.
    const rows = WasmBackend.chunkRows(g, Q);
    const parts = this.parts(2 * g.batch * g.outChannels * pixels * Q, this.splitThresholds.flops);
    if (parts > 1) {
      const plan: ConvPlan = { rows, direct: false, args: this.im2colArgs(g, cg) };
      conv2dGradFilterThreaded(
        this.ctx,
        parts,
        (x.id as WasmData).ptr,
        (dy.id as WasmData).ptr,
        dw.ptr,
        g,
        plan,
      );
      return dw;
    }
    const colsBytes = Q * rows * OW * 4;
    const apBytes = this.k.packASize(Q, rows * OW);
    const bpBytes = this.k.packBSize(rows * OW, og);
    const dwTBytes = G * Q * og * 4;
    const cols = this.scratch(colsBytes);
    const ap = this.scratch(apBytes);
    const bp = this.scratch(bpBytes);
    const dwT = this.scratch(dwTBytes);
    const xPtr = (x.id as WasmData).ptr;
    const dyPtr = (dy.id as WasmData).ptr;
    const args = this.im2colArgs(g, cg);
    for (let nImg = 0; nImg < g.batch; nImg++) {
      for (let grp = 0; grp < G; grp++) {
        const xg = xPtr + (nImg * g.inChannels + grp * cg) * plane * 4;
        const dyg = dyPtr + (nImg * g.outChannels + grp * og) * pixels * 4;
        for (let oy0 = 0; oy0 < g.outHeight; oy0 += rows) {
          const oy1 = Math.min(g.outHeight, oy0 + rows);
          const np = (oy1 - oy0) * OW;
          this.k.im2col(xg, ...args, oy0, oy1, OW, cols);
          this.k.packA(cols, np, 1, Q, np, ap);
          this.k.packB(dyg + oy0 * OW * 4, 1, pixels, np, og, bp);
          // The first chunk of the first image overwrites dwT, the rest accumulate.
          const first = nImg === 0 && oy0 === 0;
          this.k.gemm(
            ap,
            bp,
            PACKED_ROW,
            np * PACKED_ROW,
            dwT + grp * Q * og * 4,
            og,
            Q,
            og,
            np,
            first ? 0 : 1,
          );
        }
      }
    }
    for (let grp = 0; grp < G; grp++)
      this.k.transpose(dwT + grp * Q * og * 4, Q, og, dw.ptr + grp * og * Q * 4);
    this.free(cols, colsBytes);
    this.free(ap, apBytes);
    this.free(bp, bpBytes);
    this.free(dwT, dwTBytes);
    return dw;
  }

  maxPool2d(x: TensorInfo, g: Pool2dGeometry): DataId {
    return this.adopt(this.cpu.maxPool2d(this.info(x), g));
  }
  maxPool2dGrad(dy: TensorInfo, x: TensorInfo, g: Pool2dGeometry): DataId {
    return this.adopt(this.cpu.maxPool2dGrad(this.info(dy), this.info(x), g));
  }

  // ---- indexing: x / src viewed as [outer, axisSize, inner]

  indexSelect(x: TensorInfo, index: TensorInfo, axis: number): DataId {
    const [outer, r, inner] = around(x.shape, axis);
    const e = sizeOf(index.shape);
    checkIndices('indexSelect', this.view(index.id, 'int32', e) as Int32Array, r);
    if (x.dtype === 'bool') return this.adopt(this.cpu.indexSelect(this.info(x), this.info(index), axis));
    const out = this.alloc(outer * e * inner, x.dtype);
    const [xPtr, idxPtr] = [(x.id as WasmData).ptr, (index.id as WasmData).ptr];
    const parts = this.parts(outer * e * inner, this.splitThresholds.elements);
    if (parts > 1) indexSelectThreaded(this.ctx, parts, xPtr, outer, r, inner, idxPtr, e, out.ptr);
    else this.k.indexSelect4(xPtr, outer, r, inner, idxPtr, e, out.ptr);
    return out;
  }

  indexAdd(src: TensorInfo, index: TensorInfo, axis: number, dimSize: number): DataId {
    const [outer, e, inner] = around(src.shape, axis);
    checkIndices('indexAdd', this.view(index.id, 'int32', sizeOf(index.shape)) as Int32Array, dimSize);
    if (src.dtype !== 'float32')
      return this.adopt(this.cpu.indexAdd(this.info(src), this.info(index), axis, dimSize));
    const out = this.alloc(outer * dimSize * inner, 'float32');
    const [srcPtr, idxPtr] = [(src.id as WasmData).ptr, (index.id as WasmData).ptr];
    const parts = this.parts(outer * e * inner, this.splitThresholds.elements);
    if (parts > 1 && indexAddThreaded(this.ctx, parts, srcPtr, outer, e, inner, idxPtr, dimSize, out.ptr))
      return out;
    this.k.indexAddF32(srcPtr, outer, e, inner, idxPtr, dimSize, out.ptr);
    return out;
  }

  // gather / scatterAdd: index [outer, e, inner] around the axis. The kernels need x's (out's)
  // other dimensions to equal index's; an index smaller there (allowed by gather, and so by its
  // gradient's scatterAdd) goes to the TypeScript kernel.

  gather(x: TensorInfo, index: TensorInfo, axis: number): DataId {
    const sameOffAxis = index.shape.every((d, i) => i === axis || d === x.shape[i]);
    if (x.dtype === 'bool' || !sameOffAxis) {
      return this.adopt(this.cpu.gather(this.info(x), this.info(index), axis));
    }
    const n = sizeOf(index.shape);
    checkIndices('gather', this.view(index.id, 'int32', n) as Int32Array, x.shape[axis]!);
    const [outer, e, inner] = around(index.shape, axis);
    const out = this.alloc(n, x.dtype);
    const [xPtr, idxPtr, r] = [(x.id as WasmData).ptr, (index.id as WasmData).ptr, x.shape[axis]!];
    // Split over outer slices (x, index and out advance together), or over e within one slice.
    const parts = this.parts(n, this.splitThresholds.elements);
    const split =
      outer > 1
        ? (l: CallList, s: number, t: number) =>
            l.call(
              'gather4',
              xPtr + s * r * inner * 4,
              t - s,
              r,
              inner,
              idxPtr + s * e * inner * 4,
              e,
              out.ptr + s * e * inner * 4,
            )
        : (l: CallList, s: number, t: number) =>
            l.call('gather4', xPtr, 1, r, inner, idxPtr + s * inner * 4, t - s, out.ptr + s * inner * 4);
    if (parts > 1 && splitCalls(this.ctx, parts, outer > 1 ? outer : e, 1, split)) return out;
    this.k.gather4(xPtr, outer, r, inner, idxPtr, e, out.ptr);
    return out;
  }
  scatterAdd(src: TensorInfo, index: TensorInfo, axis: number, outShape: Shape): DataId {
    // The gradient of gather scatters with an index smaller than the output off the axis: TS.
    const sameOffAxis = index.shape.every((d, i) => i === axis || d === outShape[i]);
    if (src.dtype !== 'float32' || !sameOffAxis) {
      return this.adopt(this.cpu.scatterAdd(this.info(src), this.info(index), axis, outShape));
    }
    const n = sizeOf(index.shape);
    checkIndices('scatterAdd', this.view(index.id, 'int32', n) as Int32Array, outShape[axis]!);
    const [outer, e, inner] = around(index.shape, axis);
    const out = this.alloc(sizeOf(outShape), 'float32');
    this.k.scatterAddF32(
      (src.id as WasmData).ptr,
      outer,
      e,
      inner,
      (index.id as WasmData).ptr,
      outShape[axis]!,
      out.ptr,
    );
    return out;
  }
  random(kind: 'uniform' | 'normal', size: number, key: readonly [number, number], stream: number): DataId {
    return this.adopt(this.cpu.random(kind, size, key, stream));
  }
}

/** Where WebAssembly SIMD is missing: the CPU backend's kernels and storage under the name 'wasm'. */
export class WasmFallbackBackend extends CpuBackend {
  override readonly name: string = 'wasm';
}

export interface WasmBackendOptions {
  /** Initial memory in 64 KiB pages (default 256 = 16 MiB); it grows on demand. */
  initialPages?: number;
  /** Force the TypeScript fallback (for tests); by default SIMD support is detected. */
  simd?: boolean;
  /**
   * Kernels with relaxed-SIMD fused multiply-adds (≈ 1.3× the plain build's GEMM and convolution
   * speed). Default: used where the engine supports it; on Node 20 the backend sets V8's
   * `--experimental-wasm-relaxed-simd` flag at creation to get it (see `wasmRelaxedSimdSupported`).
   * `false` forces the plain-SIMD build; `true` requires relaxed SIMD and throws without it.
   */
  relaxedSimd?: boolean;
  /**
   * Threads one kernel may use, the calling thread included (default: all cores,
   * `os.availableParallelism()` / `navigator.hardwareConcurrency`). Above 1, large kernels are
   * split across worker threads over one shared memory (see README "Threads"); where that is
   * impossible (no SharedArrayBuffer, a page without cross-origin isolation, a browser's main
   * thread) the backend runs on one thread and logs one note.
   */
  threads?: number;
  /** The backend's name (default 'wasm'); `createCpuBackend` makes it 'cpu'. */
  name?: string;
}

/** The thread count `options.threads` asks for, checked, and 1 where threads are unavailable (with one note). */
function resolveThreads(options: WasmBackendOptions): number {
  const threads = options.threads ?? defaultThreadCount();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new ErlangenError(
      `createWasmBackend: option 'threads' expected a positive integer but received ${threads}`,
    );
  }
  if (threads === 1) return 1;
  const reason = threadsUnavailableReason();
  if (reason !== null) {
    noteSingleThreaded(reason);
    return 1;
  }
  return threads;
}

/** Creates the backend: SIMD kernels where supported, else the TypeScript kernels (with one note). */
export function createWasmBackend(options: WasmBackendOptions = {}): Backend {
  const simd = options.simd ?? wasmSimdSupported();
  if (!simd) {
    console.info(
      "[erlangen] WebAssembly SIMD is not available; backend 'wasm' runs the TypeScript CPU kernels",
    );
    return new WasmFallbackBackend();
  }
  const relaxed = wasmRelaxedSimdSupported(options.relaxedSimd !== false);
  if (options.relaxedSimd === true && !relaxed) {
    throw new ErlangenError(
      "createWasmBackend: option 'relaxedSimd' expected an engine with WebAssembly relaxed SIMD but this one has none",
    );
  }
  return WasmBackend.create(
    options.initialPages,
    options.relaxedSimd !== false && relaxed,
    resolveThreads(options),
    options.name,
  );
}

/**
 * Registers the opt-in 'wasm' backend: `registerWasmBackend(); await setBackend('wasm')`. An explicit
 * call rather than an import side effect, so applications that never use it drop the kernels
 * (and their base64 module) when bundled, and `"sideEffects": false` stays true.
 */
export function registerWasmBackend(options: WasmBackendOptions = {}): void {
  registerBackend('wasm', () => createWasmBackend(options));
}
