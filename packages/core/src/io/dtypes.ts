import type { DType, TypedArray } from '../dtype.js';
import { ErlangenError } from '../errors.js';
import { bf16ToFloat32, f16ToFloat32 } from './float16.js';

/**
 * The safetensors element types, in the order of the reference implementation's `Dtype` enum.
 * The reference writer lays tensors out by this order, descending, so wider types come first and
 * every tensor's data starts aligned to its element size; we reproduce that layout byte for byte.
 */
const ORDER = [
  'BOOL',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'F32',
  'F64',
  'I64',
  'U64',
] as const;

export type SafetensorsDType = (typeof ORDER)[number];

const SIZES: Record<SafetensorsDType, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

export function isSafetensorsDType(x: unknown): x is SafetensorsDType {
  return typeof x === 'string' && Object.hasOwn(SIZES, x);
}

export function elementSize(dtype: SafetensorsDType): number {
  return SIZES[dtype];
}

/** Rank in the reference enum; the writer sorts by it descending. */
export function dtypeRank(dtype: SafetensorsDType): number {
  return ORDER.indexOf(dtype);
}

const WRITE: Record<DType, SafetensorsDType> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };

export function safetensorsDTypeOf(dtype: DType): SafetensorsDType {
  return WRITE[dtype];
}

/**
 * Converts one tensor's raw little-endian bytes into an Erlangen dtype.
 * `bytes` must be freshly owned, start at offset 0 of its buffer (so every view is aligned) and be
 * exactly count × elementSize long. `where` names the tensor in error messages.
 */
type Decoder = (bytes: Uint8Array, count: number, where: string) => { dtype: DType; values: TypedArray };

const DECODERS: Partial<Record<SafetensorsDType, Decoder>> = {
  F32: (b, n) => ({ dtype: 'float32', values: new Float32Array(b.buffer, 0, n) }),
  F64: (b, n) => ({ dtype: 'float32', values: Float32Array.from(new Float64Array(b.buffer, 0, n)) }),
  F16: (b, n) => ({ dtype: 'float32', values: f16ToFloat32(new Uint16Array(b.buffer, 0, n)) }),
  BF16: (b, n) => ({ dtype: 'float32', values: bf16ToFloat32(new Uint16Array(b.buffer, 0, n)) }),
  I32: (b, n) => ({ dtype: 'int32', values: new Int32Array(b.buffer, 0, n) }),
  I64: (b, n, where) => ({ dtype: 'int32', values: narrowInt64(new Int32Array(b.buffer, 0, 2 * n), where) }),
  I16: (b, n) => ({ dtype: 'int32', values: Int32Array.from(new Int16Array(b.buffer, 0, n)) }),
  U16: (b, n) => ({ dtype: 'int32', values: Int32Array.from(new Uint16Array(b.buffer, 0, n)) }),
  I8: (b, n) => ({ dtype: 'int32', values: Int32Array.from(new Int8Array(b.buffer, 0, n)) }),
  U8: (b, n) => ({ dtype: 'int32', values: Int32Array.from(b.subarray(0, n)) }),
  BOOL: (b, n) => ({ dtype: 'bool', values: b.subarray(0, n).map((v) => (v !== 0 ? 1 : 0)) }),
};

export const READABLE_DTYPES: readonly SafetensorsDType[] = ORDER.filter((d) => DECODERS[d] !== undefined);

export function decoderFor(dtype: SafetensorsDType): Decoder | undefined {
  return DECODERS[dtype];
}

/**
 * int64 → int32, refusing values that do not fit rather than silently wrapping (an index tensor
 * that wrapped would point at the wrong rows). `words` holds [lo, hi] pairs (little-endian host).
 */
function narrowInt64(words: Int32Array, where: string): Int32Array {
  const out = new Int32Array(words.length / 2);
  for (let i = 0; i < out.length; i++) {
    const lo = words[2 * i]!;
    const hi = words[2 * i + 1]!;
    // It fits in int32 exactly when the high word is the sign extension of the low word.
    if (hi !== lo >> 31) {
      const value = (BigInt(hi) << 32n) + BigInt(lo >>> 0);
      throw new ErlangenError(
        `loadSafetensors: ${where} (I64) holds ${value} at flat index ${i}, outside the int32 range [-2147483648, 2147483647]`,
      );
    }
    out[i] = lo;
  }
  return out;
}
