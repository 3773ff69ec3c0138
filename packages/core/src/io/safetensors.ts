import type { DType, TypedArray } from '../dtype.js';
import { argError, describeValue, ErlangenError } from '../errors.js';
import { currentBackend, wrap } from '../ops/util.js';
import { Tensor } from '../tensor.js';
import {
  decoderFor,
  dtypeRank,
  READABLE_DTYPES,
  type SafetensorsDType,
  safetensorsDTypeOf,
} from './dtypes.js';
import { METADATA_KEY, parseHeader } from './header.js';

/**
 * Reading and writing the safetensors format (https://github.com/huggingface/safetensors), the
 * format PyTorch / Hugging Face state dicts are shared in. See header.ts for the layout.
 */

export interface SafetensorsContents {
  /** Tensors on the current backend, in the file's header order. */
  tensors: Record<string, Tensor>;
  /** The header's "__metadata__" string map; empty when the file has none. */
  metadata: Record<string, string>;
}

/** One tensor ready to serialise: its values already read back from the backend. */
interface Item {
  name: string;
  dtype: SafetensorsDType;
  shape: readonly number[];
  values: TypedArray;
}

// Typed-array views below read the file's bytes in host order; safetensors is little-endian.
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function checkHost(op: string): void {
  if (!HOST_IS_LITTLE_ENDIAN) throw new ErlangenError(`${op}: big-endian hosts are not supported`);
}

/** Checks the arguments and lists the tensors with their shapes, before any data is read. */
function collect(
  op: string,
  tensors: Record<string, Tensor>,
  metadata: Record<string, string> | undefined,
): { name: string; t: Tensor }[] {
  checkHost(op);
  if (typeof tensors !== 'object' || tensors === null || tensors instanceof Tensor) {
    argError(op, 'tensors', 'an object mapping names to tensors', describeValue(tensors));
  }
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null) {
      argError(op, 'metadata', 'an object mapping strings to strings', describeValue(metadata));
    }
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string')
        argError(op, 'metadata', `string values (key ${JSON.stringify(k)})`, describeValue(v));
    }
  }
  return Object.entries(tensors).map(([name, t]) => {
    if (name === METADATA_KEY) argError(op, 'tensors', `no tensor named "${METADATA_KEY}" (reserved)`, 'one');
    if (!(t instanceof Tensor))
      argError(op, `tensors[${JSON.stringify(name)}]`, 'a Tensor', describeValue(t));
    t.assertAlive(op);
    return { name, t };
  });
}

function item(name: string, t: Tensor, values: TypedArray): Item {
  return { name, dtype: safetensorsDTypeOf(t.dtype), shape: t.shape, values };
}

/**
 * Serialises tensors (float32 → F32, int32 → I32, bool → BOOL) and optional string metadata to
 * safetensors bytes. Reads values synchronously, so CPU only; use `saveSafetensorsAsync` for GPU
 * backends.
 */
export function saveSafetensors(
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const list = collect('saveSafetensors', tensors, metadata);
  for (const { t } of list) {
    if (!t.backend.canReadSync) {
      throw new ErlangenError(
        `saveSafetensors: tensor on the '${t.backend.name}' backend reads asynchronously; use 'await saveSafetensorsAsync(...)'`,
      );
    }
  }
  return encode(
    list.map(({ name, t }) => item(name, t, t.dataSync())),
    metadata,
  );
}

/** `saveSafetensors` for every backend: awaits each tensor's `data()`. */
export async function saveSafetensorsAsync(
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Promise<Uint8Array> {
  const list = collect('saveSafetensorsAsync', tensors, metadata);
  const values = await Promise.all(list.map(({ t }) => t.data()));
  return encode(
    list.map(({ name, t }, i) => item(name, t, values[i]!)),
    metadata,
  );
}

/** Orders names by Unicode code point, as the reference writer (Rust, UTF-8 byte order) does. */
function compareNames(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/**
 * Lays the file out as the reference writer does: tensors sorted by dtype (widest first) then name,
 * "__metadata__" first in the header, compact JSON padded with spaces to a multiple of 8 bytes,
 * so that every tensor's data is aligned to its element size.
 */
function encode(items: Item[], metadata: Record<string, string> | undefined): Uint8Array {
  items.sort((a, b) => dtypeRank(b.dtype) - dtypeRank(a.dtype) || compareNames(a.name, b.name));
  // Built piece by piece: a plain object would move integer-like names ("0", "1") to the front.
  const fields: string[] = [];
  if (metadata !== undefined) {
    const pairs = Object.entries(metadata).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    fields.push(`${JSON.stringify(METADATA_KEY)}:{${pairs.join(',')}}`);
  }
  let offset = 0;
  for (const it of items) {
    const end = offset + it.values.byteLength;
    const info = { dtype: it.dtype, shape: it.shape, data_offsets: [offset, end] };
    fields.push(`${JSON.stringify(it.name)}:${JSON.stringify(info)}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${fields.join(',')}}`);
  const n = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + n + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, n % 2 ** 32, true);
  view.setUint32(4, Math.floor(n / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let pos = 8 + n;
  for (const it of items) {
    const bytes = new Uint8Array(it.values.buffer, it.values.byteOffset, it.values.byteLength);
    if (it.dtype === 'BOOL') for (let i = 0; i < bytes.length; i++) out[pos + i] = bytes[i] !== 0 ? 1 : 0;
    else out.set(bytes, pos);
    pos += bytes.length;
  }
  return out;
}

/**
 * Parses safetensors bytes into tensors on the current backend. F32, F16, BF16 and F64 become
 * float32; I32, I64 (checked to fit), I16, U16, I8 and U8 become int32; BOOL becomes bool.
 * Throws an ErlangenError naming the problem for a malformed file.
 */
export function loadSafetensors(bytes: Uint8Array | ArrayBuffer): SafetensorsContents {
  checkHost('loadSafetensors');
  if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
  else if (bytes instanceof Uint8Array) {
    // A plain view: on a Node Buffer, `slice` would return a view into Node's shared pool, not a copy.
    bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } else argError('loadSafetensors', 'bytes', 'a Uint8Array or an ArrayBuffer', describeValue(bytes));
  const { entries, metadata, dataStart } = parseHeader(bytes);
  const decoded = entries.map((e) => {
    const decode = decoderFor(e.dtype);
    if (!decode) {
      throw new ErlangenError(
        `loadSafetensors: tensor ${JSON.stringify(e.name)} has dtype ${e.dtype}, which Erlangen cannot read (supported: ${READABLE_DTYPES.join(', ')})`,
      );
    }
    // A fresh copy: aligned for typed-array views whatever the file buffer's offset, and owned.
    const raw = bytes.slice(dataStart + e.begin, dataStart + e.end);
    const count = e.shape.reduce((a, d) => a * d, 1);
    return { e, ...decode(raw, count, `tensor ${JSON.stringify(e.name)}`) };
  });
  // Tensors are created only once every entry decoded, so a bad file leaks no tensors.
  const backend = currentBackend();
  const tensors = Object.fromEntries(
    decoded.map(({ e, dtype, values }) => [
      e.name,
      wrap(backend.upload(values, dtype), e.shape, dtype as DType, backend),
    ]),
  );
  return { tensors, metadata };
}
