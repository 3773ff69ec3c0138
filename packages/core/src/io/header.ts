import { ErlangenError } from '../errors.js';
import { elementSize, isSafetensorsDType, type SafetensorsDType } from './dtypes.js';

/**
 * Parsing and validation of a safetensors header. File layout:
 *
 *   [0, 8)            u64 little-endian N, the header length in bytes
 *   [8, 8 + N)        UTF-8 JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {k: v}},
 *                     padded with trailing spaces (the reference writer pads to a multiple of 8)
 *   [8 + N, end)      the data buffer; data_offsets are relative to its start
 *
 * The tensors' byte ranges must tile the data buffer exactly: sorted by offset, each begins where
 * the previous ends, the first at 0 and the last at the end of the file. Anything else (holes,
 * overlaps, trailing bytes) is rejected, as the reference reader does.
 */

export const METADATA_KEY = '__metadata__';
/** The reference reader refuses larger headers; so do we, so a corrupt length fails fast. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface HeaderEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  /** Offsets relative to the data buffer. */
  begin: number;
  end: number;
}

export interface ParsedHeader {
  /** In the header's key order. */
  entries: HeaderEntry[];
  metadata: Record<string, string>;
  /** Absolute offset of the data buffer in the file: 8 + N. */
  dataStart: number;
}

function fail(message: string): never {
  throw new ErlangenError(`loadSafetensors: ${message}`);
}

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

export function parseHeader(bytes: Uint8Array): ParsedHeader {
  if (bytes.length < 8) {
    fail(`the file is ${bytes.length} bytes long, too short to hold the 8-byte header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const n = hi * 2 ** 32 + lo;
  if (hi !== 0 || n > MAX_HEADER_BYTES) {
    fail(
      `the header length ${hi === 0 ? n : view.getBigUint64(0, true)} exceeds the limit of ${MAX_HEADER_BYTES} bytes; is this a safetensors file?`,
    );
  }
  if (8 + n > bytes.length) {
    fail(
      `the header length ${n} runs past the end of the file (${bytes.length} bytes); the file is truncated or not safetensors`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail('the header is not valid UTF-8');
  }
  if (!text.startsWith('{'))
    fail(
      `the header must be a JSON object starting with '{' but starts with ${JSON.stringify(text.slice(0, 16))}`,
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(json)) fail('the header must be a JSON object');

  let metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [name, info] of Object.entries(json)) {
    if (name === METADATA_KEY) metadata = parseMetadata(info);
    else entries.push(parseEntry(name, info));
  }
  checkLayout(entries, bytes.length - 8 - n);
  return { entries, metadata, dataStart: 8 + n };
}

function parseMetadata(info: unknown): Record<string, string> {
  if (!isPlainObject(info)) fail(`"${METADATA_KEY}" must be an object of string values`);
  for (const [k, v] of Object.entries(info)) {
    if (typeof v !== 'string')
      fail(`"${METADATA_KEY}" must map to strings, but key ${JSON.stringify(k)} holds ${JSON.stringify(v)}`);
  }
  return Object.fromEntries(Object.entries(info)) as Record<string, string>;
}

function parseEntry(name: string, info: unknown): HeaderEntry {
  const where = `tensor ${JSON.stringify(name)}`;
  if (!isPlainObject(info)) fail(`${where} must be an object {dtype, shape, data_offsets}`);
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== 'string') fail(`${where} has no string "dtype"`);
  if (!isSafetensorsDType(dtype)) fail(`${where} has unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    fail(`${where} has "shape" ${JSON.stringify(shape)}; expected an array of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    fail(
      `${where} has "data_offsets" ${JSON.stringify(offsets)}; expected [begin, end] with non-negative integers`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) fail(`${where} has "data_offsets" [${begin}, ${end}] with end before begin`);
  let bytes = elementSize(dtype);
  for (const d of shape as number[]) bytes *= d;
  if (!Number.isSafeInteger(bytes)) fail(`${where} has shape [${shape.join(', ')}], too large to address`);
  if (end - begin !== bytes) {
    fail(
      `${where} has shape [${shape.join(', ')}] and dtype ${dtype} (${bytes} bytes) but "data_offsets" [${begin}, ${end}] span ${end - begin} bytes`,
    );
  }
  return { name, dtype, shape: [...(shape as number[])], begin, end };
}

/** The byte ranges must tile [0, dataBytes) exactly. */
function checkLayout(entries: readonly HeaderEntry[], dataBytes: number): void {
  for (const e of entries) {
    if (e.end > dataBytes) {
      fail(
        `tensor ${JSON.stringify(e.name)} has "data_offsets" [${e.begin}, ${e.end}], out of range for a data buffer of ${dataBytes} bytes; the file is truncated or corrupt`,
      );
    }
  }
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: HeaderEntry | undefined;
  for (const e of sorted) {
    if (e.begin < pos) {
      fail(
        `tensor ${JSON.stringify(e.name)} with "data_offsets" [${e.begin}, ${e.end}] overlaps tensor ${JSON.stringify(prev!.name)} [${prev!.begin}, ${prev!.end}]`,
      );
    }
    if (e.begin > pos)
      fail(
        `bytes [${pos}, ${e.begin}) of the data buffer belong to no tensor (before ${JSON.stringify(e.name)})`,
      );
    pos = e.end;
    prev = e;
  }
  if (pos !== dataBytes)
    fail(`bytes [${pos}, ${dataBytes}) at the end of the data buffer belong to no tensor`);
}
