import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ErlangenError,
  loadFile,
  loadSafetensors,
  memory,
  saveFile,
  saveSafetensors,
  saveSafetensorsAsync,
  scalar,
  type Tensor,
  tensor,
  zeros,
} from '../src/index.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

/** A safetensors file from a header (object or raw string) and a data buffer. */
function file(header: object | string, data: Uint8Array | number = 0): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

const ascii = (s: string) => new TextEncoder().encode(s);
const f32Bytes = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const u64 = (n: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
};

function expectLoadError(bytes: Uint8Array, message: RegExp): void {
  const before = memory().numTensors;
  expect(() => loadSafetensors(bytes)).toThrowError(ErlangenError);
  expect(() => loadSafetensors(bytes)).toThrowError(message);
  expect(memory().numTensors).toBe(before); // a bad file leaks no tensors
}

describe('saveSafetensors: byte layout of the reference writer', () => {
  // The expected bytes are those of the reference implementation's own serialisation tests.
  it('writes one F32 tensor exactly', () => {
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(header.length).toBe(64);
    const out = saveSafetensors({ 'attn.0': tensor([0, 1, 2, 3, 4, 5], [1, 2, 3]) });
    expect(out).toEqual(concat(u64(64), ascii(header), f32Bytes([0, 1, 2, 3, 4, 5])));
  });

  it('pads the header with spaces to a multiple of 8 bytes', () => {
    const header = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    const out = saveSafetensors({ attn0: tensor([0, 1, 2, 3, 4, 5], [1, 1, 2, 3]) });
    expect(out).toEqual(concat(u64(72), ascii(header.padEnd(72, ' ')), f32Bytes([0, 1, 2, 3, 4, 5])));
  });

  it('writes empty files, with and without metadata', () => {
    expect(saveSafetensors({})).toEqual(concat(u64(8), ascii('{}      ')));
    const withMeta = saveSafetensors({}, { framework: 'pt' });
    expect(withMeta).toEqual(concat(u64(40), ascii('{"__metadata__":{"framework":"pt"}}'.padEnd(40, ' '))));
  });

  it('orders tensors by dtype width, then by name, and keeps integer-like names in that order', () => {
    const out = saveSafetensors({
      z: tensor([true, false]),
      b: tensor([1, 2], [2], 'int32'),
      '10': tensor([1]),
      '9': tensor([2]),
      a: tensor([3]),
    });
    const n = Number(new DataView(out.buffer).getBigUint64(0, true));
    const header = new TextDecoder().decode(out.subarray(8, 8 + n));
    const order = [...header.matchAll(/"([^"]+)":\{"dtype"/g)].map((m) => m[1]);
    expect(order).toEqual(['10', '9', 'a', 'b', 'z']); // F32 (by code point), then I32, then BOOL
    expect(header.trimEnd().endsWith('}')).toBe(true);
  });
});

describe('safetensors round trip', () => {
  const dict = () => ({
    'layer.0.weight': tensor([
      [1.5, -2],
      [3.25, Number.NaN],
      [Number.POSITIVE_INFINITY, -0],
    ]),
    'layer.0.bias': tensor([0.1, 0.2]),
    ids: tensor(
      [
        [1, -2, 2147483647],
        [-2147483648, 0, 5],
      ],
      undefined,
      'int32',
    ),
    mask: tensor([true, false, true]),
    step: scalar(7, 'int32'),
    empty: zeros([0, 4]),
    '0': tensor([9]),
  });

  function expectSame(got: Record<string, Tensor>, want: Record<string, Tensor>) {
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const [k, t] of Object.entries(want)) {
      expect(got[k]!.shape).toEqual(t.shape);
      expect(got[k]!.dtype).toBe(t.dtype);
      expect(Array.from(got[k]!.dataSync())).toEqual(Array.from(t.dataSync()));
    }
  }

  it('loads back what it saved, values, shapes, dtypes and metadata', () => {
    const want = dict();
    const { tensors, metadata } = loadSafetensors(saveSafetensors(want, { format: 'pt', note: 'ünïcode ✓' }));
    expectSame(tensors, want);
    expect(metadata).toEqual({ format: 'pt', note: 'ünïcode ✓' });
  });

  it('returns empty metadata when the file has none, and accepts an ArrayBuffer', () => {
    const bytes = saveSafetensors({ a: tensor([1, 2]) });
    const { metadata, tensors } = loadSafetensors(bytes.slice().buffer);
    expect(metadata).toEqual({});
    expect(Array.from(tensors.a!.dataSync())).toEqual([1, 2]);
  });

  it('reads from an unaligned view (e.g. a Node Buffer from the shared pool)', () => {
    const bytes = saveSafetensors(dict());
    const padded = Buffer.alloc(bytes.length + 3);
    padded.set(bytes, 3);
    expectSame(loadSafetensors(padded.subarray(3)).tensors, dict());
  });

  it('the async variant writes the same bytes', async () => {
    const d = dict();
    expect(await saveSafetensorsAsync(d, { a: 'b' })).toEqual(saveSafetensors(d, { a: 'b' }));
  });

  it('keeps a "__proto__" tensor name as an ordinary key', () => {
    const bytes = saveSafetensors(Object.fromEntries([['__proto__', tensor([4])]]));
    const { tensors } = loadSafetensors(bytes);
    expect(Object.hasOwn(tensors, '__proto__')).toBe(true);
    const own = Object.getOwnPropertyDescriptor(tensors, '__proto__')!.value as Tensor;
    expect(Array.from(own.dataSync())).toEqual([4]);
  });

  describe('saveFile / loadFile', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'erlangen-io-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('writes a file that loadFile reads back', async () => {
      const path = join(dir, 'model.safetensors');
      await saveFile(path, dict(), { epoch: '3' });
      expect(new Uint8Array(await readFile(path))).toEqual(saveSafetensors(dict(), { epoch: '3' }));
      const { tensors, metadata } = await loadFile(path);
      expectSame(tensors, dict());
      expect(metadata).toEqual({ epoch: '3' });
    });
  });
});

describe('reading other dtypes', () => {
  it('widens F16 exactly: normals, subnormals, ±0, ±∞, NaN', () => {
    const bits = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x7c00, 0xfc00, 0x7e00, 0x8000, 0x3555];
    const data = new Uint8Array(new Uint16Array(bits).buffer);
    const t = loadSafetensors(file({ h: { dtype: 'F16', shape: [10], data_offsets: [0, 20] } }, data)).tensors
      .h!;
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.dataSync())).toEqual([
      1,
      -2,
      65504,
      2 ** -24,
      2 ** -14,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      -0,
      0.333251953125,
    ]);
  });

  it('narrows I64 to int32 and refuses values that do not fit', () => {
    const ok = new BigInt64Array([0n, -1n, 2147483647n, -2147483648n]);
    const t = loadSafetensors(
      file({ i: { dtype: 'I64', shape: [4], data_offsets: [0, 32] } }, new Uint8Array(ok.buffer)),
    ).tensors.i!;
    expect(t.dtype).toBe('int32');
    expect(Array.from(t.dataSync())).toEqual([0, -1, 2147483647, -2147483648]);
    for (const bad of [2147483648n, -2147483649n, 1n << 40n]) {
      const data = new Uint8Array(new BigInt64Array([1n, bad]).buffer);
      expectLoadError(
        file({ i: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, data),
        new RegExp(`tensor "i" \\(I64\\) holds ${bad} at flat index 1, outside the int32 range`),
      );
    }
  });
});

describe('loadSafetensors: malformed files', () => {
  const good = () => saveSafetensors({ a: tensor([1, 2, 3]), b: tensor([4, 5]) });
  const twoF32 = (a: [number, number], b: [number, number], dataBytes: number) =>
    file(
      {
        a: { dtype: 'F32', shape: [(a[1] - a[0]) / 4], data_offsets: a },
        b: { dtype: 'F32', shape: [(b[1] - b[0]) / 4], data_offsets: b },
      },
      dataBytes,
    );

  it('rejects files shorter than the length prefix', () => {
    expectLoadError(new Uint8Array(5), /5 bytes long, too short to hold the 8-byte header length/);
  });

  it('rejects a header length past the end of the file (truncated header)', () => {
    expectLoadError(good().subarray(0, 20), /header length \d+ runs past the end of the file \(20 bytes\)/);
  });

  it('rejects an absurd header length', () => {
    expectLoadError(concat(u64(2 ** 40), ascii('{}')), /header length 1099511627776 exceeds the limit/);
  });

  it('rejects a truncated data buffer', () => {
    const bytes = good();
    expectLoadError(bytes.subarray(0, bytes.length - 4), /out of range for a data buffer of 16 bytes/);
  });

  it('rejects bad JSON, non-objects and invalid UTF-8', () => {
    expectLoadError(file('{"a": {"dtype": "F32",'), /not valid JSON/);
    expectLoadError(file('[1, 2]'), /must be a JSON object starting with '\{'/);
    const invalidUtf8 = concat(u64(6), ascii('{"'), new Uint8Array([0xff]), ascii('":1}').subarray(0, 3));
    expectLoadError(invalidUtf8, /not valid UTF-8/);
    expectLoadError(file({ a: [1, 2] }), /tensor "a" must be an object \{dtype, shape, data_offsets\}/);
  });

  it('rejects overlapping offsets', () => {
    expectLoadError(
      twoF32([0, 8], [4, 12], 12),
      /tensor "b" with "data_offsets" \[4, 12\] overlaps tensor "a" \[0, 8\]/,
    );
  });

  it('rejects holes and trailing bytes', () => {
    expectLoadError(twoF32([0, 4], [8, 12], 12), /bytes \[4, 8\) of the data buffer belong to no tensor/);
    expectLoadError(
      twoF32([0, 4], [4, 8], 12),
      /bytes \[8, 12\) at the end of the data buffer belong to no tensor/,
    );
    expectLoadError(twoF32([4, 8], [8, 12], 12), /bytes \[0, 4\) of the data buffer belong to no tensor/);
  });

  it('rejects unknown and unsupported dtypes', () => {
    expectLoadError(
      file({ a: { dtype: 'F33', shape: [1], data_offsets: [0, 4] } }, 4),
      /tensor "a" has unknown dtype "F33"/,
    );
    expectLoadError(
      file({ a: { dtype: 'U64', shape: [1], data_offsets: [0, 8] } }, 8),
      /tensor "a" has dtype U64, which Erlangen cannot read \(supported: BOOL, U8, I8, I16, U16, F16, BF16, I32, F32, F64, I64\)/,
    );
  });

  it('rejects a shape × dtype size that does not match the byte range', () => {
    expectLoadError(
      file({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8),
      /tensor "a" has shape \[3\] and dtype F32 \(12 bytes\) but "data_offsets" \[0, 8\] span 8 bytes/,
    );
  });

  it('rejects malformed shapes, offsets and metadata', () => {
    expectLoadError(
      file({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4),
      /"shape" \[-1\]; expected an array/,
    );
    expectLoadError(
      file({ a: { dtype: 'F32', shape: [1], data_offsets: [0] } }, 4),
      /"data_offsets" \[0\]; expected \[begin, end\]/,
    );
    expectLoadError(file({ a: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, 4), /end before begin/);
    expectLoadError(file({ a: { shape: [1], data_offsets: [0, 4] } }, 4), /tensor "a" has no string "dtype"/);
    expectLoadError(
      file({ __metadata__: { epoch: 3 } }),
      /"__metadata__" must map to strings, but key "epoch" holds 3/,
    );
  });

  it('names the I64 fixture value written by PyTorch that does not fit', async () => {
    const bytes = new Uint8Array(await readFile(join(FIXTURES, 'i64_overflow.safetensors')));
    expectLoadError(bytes, /tensor "big" \(I64\) holds 1099511627776 at flat index 1/);
  });
});

describe('saveSafetensors: bad arguments', () => {
  it('names the problem', () => {
    expect(() => saveSafetensors({ a: [1, 2] as unknown as Tensor })).toThrowError(
      /saveSafetensors: argument 'tensors\["a"\]' expected a Tensor but received an array of length 2/,
    );
    expect(() => saveSafetensors({ __metadata__: tensor([1]) })).toThrowError(/reserved/);
    expect(() => saveSafetensors({ a: tensor([1]) }, { n: 3 as unknown as string })).toThrowError(
      /argument 'metadata' expected string values \(key "n"\) but received 3/,
    );
    const t = tensor([1]);
    t.dispose();
    expect(() => saveSafetensors({ t })).toThrowError(/used after dispose/);
    expect(() => saveSafetensors(tensor([1]) as unknown as Record<string, Tensor>)).toThrowError(
      /expected an object mapping names to tensors/,
    );
  });
});
