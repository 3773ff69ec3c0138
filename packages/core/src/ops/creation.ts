import { record } from '../autograd.js';
import { type DType, dtypeOfArray, isDType, type TypedArray, typedArrayFor } from '../dtype.js';
import { engine } from '../engine.js';
import { argError, describeValue, ErlangenError, fmtShape } from '../errors.js';
import { checkShape, type Shape, sizeOf } from '../shape.js';
import type { NestedArray, Tensor } from '../tensor.js';
import { assertTensor, currentBackend, wrap } from './util.js';

function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0] as NestedArray;
  }
  return shape;
}

function flattenInto(values: NestedArray, shape: number[], dim: number, out: number[]): void {
  if (dim === shape.length) {
    if (typeof values !== 'number' && typeof values !== 'boolean') {
      argError('tensor', 'values', 'a (nested) array of numbers', describeValue(values));
    }
    out.push(Number(values));
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[dim]) {
    argError(
      'tensor',
      'values',
      `a rectangular nested array (length ${shape[dim]} at depth ${dim})`,
      Array.isArray(values) ? `length ${values.length}` : describeValue(values),
    );
  }
  for (const v of values) flattenInto(v, shape, dim + 1, out);
}

/**
 * Makes a tensor from a number, a (nested) array or a typed array. Plain numbers default to float32,
 * booleans to bool; typed arrays keep their type (Float32Array, Int32Array, Uint8Array → bool).
 * `shape` is required for typed arrays of rank other than 1.
 */
export function tensor(
  values: NestedArray | TypedArray | readonly number[],
  shape?: readonly number[],
  dtype?: DType,
): Tensor {
  if (dtype !== undefined && !isDType(dtype))
    argError('tensor', 'dtype', "'float32', 'int32' or 'bool'", describeValue(dtype));
  let flat: ArrayLike<number>;
  let inferred: number[];
  let defaultType: DType = 'float32';
  if (ArrayBuffer.isView(values)) {
    flat = values as TypedArray;
    inferred = [flat.length];
    defaultType = dtypeOfArray(values as TypedArray);
  } else {
    inferred = inferShape(values as NestedArray);
    const out: number[] = [];
    flattenInto(values as NestedArray, inferred, 0, out);
    flat = out;
    let first: unknown = values;
    while (Array.isArray(first)) first = first[0];
    if (typeof first === 'boolean') defaultType = 'bool';
  }
  const finalShape = shape ? checkShape('tensor', 'shape', [...shape]) : inferred;
  if (sizeOf(finalShape) !== flat.length) {
    argError(
      'tensor',
      'shape',
      `a shape with ${flat.length} elements`,
      `${fmtShape(finalShape)} (${sizeOf(finalShape)} elements)`,
    );
  }
  const dt = dtype ?? defaultType;
  const arr = typedArrayFor(dt, flat.length);
  // Bool storage holds exactly 0 or 1 (a stored 2 would compare unequal to true); NaN is truthy, as in PyTorch.
  if (dt === 'bool') for (let i = 0; i < flat.length; i++) arr[i] = flat[i] !== 0 ? 1 : 0;
  else for (let i = 0; i < flat.length; i++) arr[i] = flat[i]!;
  const backend = currentBackend();
  return wrap(backend.upload(arr, dt), finalShape, dt, backend);
}

export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return full([], value, dtype);
}

export function full(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  checkShape('full', 'shape', shape);
  if (typeof value !== 'number') argError('full', 'value', 'a number', describeValue(value));
  if (!isDType(dtype)) argError('full', 'dtype', "'float32', 'int32' or 'bool'", describeValue(dtype));
  const b = currentBackend();
  return wrap(b.fill(shape, storedValue(value, dtype), dtype), shape, dtype, b);
}

/** The value a fill stores: bools are 0 or 1. */
function storedValue(value: number, dtype: DType): number {
  return dtype === 'bool' ? (value !== 0 ? 1 : 0) : value;
}
export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return full(shape, 0, dtype);
}
export function ones(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return full(shape, 1, dtype);
}
export function fullLike(x: Tensor, value: number, dtype?: DType): Tensor {
  assertTensor('fullLike', 'x', x);
  if (typeof value !== 'number') argError('fullLike', 'value', 'a number', describeValue(value));
  const dt = dtype ?? x.dtype;
  return wrap(x.backend.fill(x.shape, storedValue(value, dt), dt), x.shape, dt, x.backend);
}
export function zerosLike(x: Tensor, dtype?: DType): Tensor {
  return fullLike(x, 0, dtype);
}
export function onesLike(x: Tensor, dtype?: DType): Tensor {
  return fullLike(x, 1, dtype);
}

/** [start, start+step, …) below `end`, like Python's range; int32 when all arguments are integers. */
export function arange(start: number, end?: number, step = 1, dtype?: DType): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (!Number.isFinite(start)) argError('arange', 'start', 'a finite number', `${start}`);
  if (!Number.isFinite(end)) argError('arange', 'end', 'a finite number', `${end}`);
  if (step === 0 || !Number.isFinite(step)) argError('arange', 'step', 'a finite non-zero number', `${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dt = dtype ?? ([start, end, step].every(Number.isInteger) ? 'int32' : 'float32');
  const b = currentBackend();
  return wrap(b.arange(start, step, n, dt), [n], dt, b);
}

/** `steps` evenly spaced values from `start` to `end` inclusive. */
export function linspace(start: number, end: number, steps: number): Tensor {
  if (!Number.isInteger(steps) || steps < 0)
    argError('linspace', 'steps', 'a non-negative integer', `${steps}`);
  if (!Number.isFinite(start)) argError('linspace', 'start', 'a finite number', `${start}`);
  if (!Number.isFinite(end)) argError('linspace', 'end', 'a finite number', `${end}`);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const b = currentBackend();
  return wrap(b.arange(start, step, steps, 'float32'), [steps], 'float32', b);
}

/** Identity matrix [n, m]. */
export function eye(n: number, m = n, dtype: DType = 'float32'): Tensor {
  if (!Number.isInteger(n) || n < 0) argError('eye', 'n', 'a non-negative integer', describeValue(n));
  if (!Number.isInteger(m) || m < 0) argError('eye', 'm', 'a non-negative integer', describeValue(m));
  const arr = typedArrayFor(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) arr[i * m + i] = 1;
  const b = currentBackend();
  return wrap(b.upload(arr, dtype), [n, m], dtype, b);
}

export function cast(x: Tensor, dtype: DType): Tensor {
  assertTensor('cast', 'x', x);
  if (!isDType(dtype)) argError('cast', 'dtype', "'float32', 'int32' or 'bool'", describeValue(dtype));
  if (x.dtype === dtype) return clone(x);
  return wrap(x.backend.cast(x, dtype), x.shape, dtype, x.backend);
}

/** A copy with its own storage; gradients flow through. */
export function clone(x: Tensor): Tensor {
  assertTensor('clone', 'x', x);
  const out = wrap(x.backend.copyStrided(x, x.shape, stridesFor(x.shape), 0), x.shape, x.dtype, x.backend);
  return record('clone', out, [x], (dy) => [dy]);
}

function stridesFor(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Copies `x` to another backend; gradients flow back to the source backend. */
export function toBackend(x: Tensor, name: string): Tensor {
  assertTensor('to', 'x', x);
  const target = engine.findBackend(name);
  if (target === x.backend) return x;
  if (!x.backend.canReadSync) {
    throw new ErlangenError(
      `to: moving a tensor off the '${x.backend.name}' backend needs an asynchronous read; use 'await toBackendAsync(t, "${name}")'`,
    );
  }
  const values = x.backend.readSync(x.id, x.dtype, x.size);
  const out = wrap(target.upload(values, x.dtype), x.shape, x.dtype, target);
  return record('to', out, [x], (dy) => [toBackend(dy, x.backend.name)]);
}

export async function toBackendAsync(x: Tensor, name: string): Promise<Tensor> {
  assertTensor('toBackendAsync', 'x', x);
  const target = engine.findBackend(name);
  if (target === x.backend) return x;
  const values = await x.data();
  return wrap(target.upload(values, x.dtype), x.shape, x.dtype, target);
}

// ---- seeded random numbers

/**
 * A seeded source of random tensors. Draws are counter-based (Threefry-2x32): draw k of a generator
 * is a pure function of (seed, k), identical on every backend.
 */
export class Generator {
  private key: [number, number];
  private stream = 0;
  constructor(seed = 0) {
    this.key = seedKey(seed);
  }
  manualSeed(seed: number): this {
    this.key = seedKey(seed);
    this.stream = 0;
    return this;
  }
  /** @internal the key and a fresh stream number for one draw. */
  next(): { key: [number, number]; stream: number } {
    return { key: this.key, stream: this.stream++ };
  }
}

function seedKey(seed: number): [number, number] {
  if (!Number.isFinite(seed)) argError('manualSeed', 'seed', 'a finite number', `${seed}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  return [lo, hi ^ 0x1bd11bda];
}

export const defaultGenerator = new Generator(0);

/** Reseeds the default generator (like torch.manual_seed). */
export function manualSeed(seed: number): void {
  defaultGenerator.manualSeed(seed);
}

export interface RandomOptions {
  generator?: Generator;
}

function draw(kind: 'uniform' | 'normal', shape: readonly number[], opts: RandomOptions): Tensor {
  checkShape(kind === 'uniform' ? 'rand' : 'randn', 'shape', shape);
  const { key, stream } = (opts.generator ?? defaultGenerator).next();
  const b = currentBackend();
  return wrap(b.random(kind, sizeOf(shape), key, stream), shape, 'float32', b);
}

/** Uniform [0, 1) float32 values. */
export function rand(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  return draw('uniform', shape, opts);
}

/** Standard normal float32 values. */
export function randn(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  return draw('normal', shape, opts);
}

/** Uniform integers in [low, high), int32. */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  opts: RandomOptions = {},
): Tensor {
  if (!Number.isInteger(low)) argError('randint', 'low', 'an integer', describeValue(low));
  if (!Number.isInteger(high) || high <= low)
    argError('randint', 'high', `an integer > low (${low})`, describeValue(high));
  if (high - low > 2 ** 24) argError('randint', 'high', `at most 2^24 above low (${low})`, `${high}`);
  const u = draw('uniform', shape, opts);
  // floor(u·range) < range for u < 1 and range ≤ 2^24 in float32; adding low in int32 is exact
  // (adding it in float32 first rounds values near a large low up to `high`).
  const scaled = u.mul(high - low);
  const floored = wrap(scaled.backend.unary('floor', scaled, 'float32'), shape, 'float32', scaled.backend);
  const offsets = cast(floored, 'int32');
  const out = low === 0 ? offsets : offsets.add(low);
  for (const t of [u, scaled, floored]) t.dispose();
  if (out !== offsets) offsets.dispose();
  return out;
}
