/**
 * Reader of the packed data sets in packages/graph/data (format documented in
 * scripts/pack_datasets.py): a gzip of [uint32 header length][JSON header][little-endian arrays].
 * File access uses Node's built-ins through `process.getBuiltinModule`, so importing this package
 * in a browser works; only the loaders need Node (or pass the bytes yourself to `parsePack`).
 */
import { ErlangenError } from '@erlangen/core';

export interface PackArray {
  dtype: 'int32' | 'float32' | 'uint8';
  shape: number[];
  data: Int32Array | Float32Array | Uint8Array;
}

export interface Pack {
  name: string;
  meta: Record<string, unknown>;
  source: Record<string, unknown>;
  arrays: Record<string, PackArray>;
}

type NodeBuiltins = {
  fs: typeof import('node:fs');
  zlib: typeof import('node:zlib');
  crypto: typeof import('node:crypto');
};

function nodeBuiltins(op: string): NodeBuiltins {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
    ?.getBuiltinModule;
  if (!get) {
    throw new ErlangenError(
      `${op}: loading a bundled data set needs Node.js ≥ 20.16 (process.getBuiltinModule); in a browser, fetch the .bin.gz yourself and call parsePack on the gunzipped bytes`,
    );
  }
  return {
    fs: get('node:fs') as NodeBuiltins['fs'],
    zlib: get('node:zlib') as NodeBuiltins['zlib'],
    crypto: get('node:crypto') as NodeBuiltins['crypto'],
  };
}

/** Parses the (already gunzipped) bytes of a pack. */
export function parsePack(bytes: Uint8Array): Pack {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength)));
  if (header.format !== 'erlangen-graph-pack-1')
    throw new ErlangenError(`parsePack: unknown format ${JSON.stringify(header.format)}`);
  const base = 4 + headerLength;
  // Copy the payload to an aligned buffer so typed-array views need no alignment care.
  const payload = bytes.slice(base);
  const arrays: Record<string, PackArray> = {};
  for (const [name, spec] of Object.entries(
    header.arrays as Record<string, { dtype: PackArray['dtype']; shape: number[]; offset: number }>,
  )) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const Ctor = spec.dtype === 'int32' ? Int32Array : spec.dtype === 'float32' ? Float32Array : Uint8Array;
    arrays[name] = {
      dtype: spec.dtype,
      shape: spec.shape,
      data: new Ctor(payload.buffer, payload.byteOffset + spec.offset, count),
    };
  }
  return { name: header.name, meta: header.meta, source: header.source, arrays };
}

/** Finds data/<file> next to the package (from src/ in development or dist/ when installed). */
function locate(op: string, file: string, fs: NodeBuiltins['fs']): string {
  const candidates = ['../data/', '../../data/'].map((rel) => new URL(rel + file, import.meta.url));
  for (const url of candidates) if (fs.existsSync(url)) return url.pathname;
  throw new ErlangenError(
    `${op}: bundled data file '${file}' not found (looked in ${candidates.map((u) => u.pathname).join(', ')})`,
  );
}

const cache = new Map<string, Pack>();

/**
 * Loads data/<name>.bin.gz, checking its sha256 against data/SHA256SUMS (or `path`, a file the
 * caller gives, unchecked against the sums unless they list its name).
 */
export function loadPack(op: string, name: string, path?: string): Pack {
  const key = path ?? name;
  const hit = cache.get(key);
  if (hit) return hit;
  const { fs, zlib, crypto } = nodeBuiltins(op);
  const file = `${name}.bin.gz`;
  const full = path ?? locate(op, file, fs);
  const gz = fs.readFileSync(full);
  if (!path) {
    const sums = fs.readFileSync(locate(op, 'SHA256SUMS', fs), 'utf8');
    const expected = sums
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .find(([, f]) => f === file)?.[0];
    const got = crypto.createHash('sha256').update(gz).digest('hex');
    if (expected !== got)
      throw new ErlangenError(
        `${op}: ${file} has sha256 ${got}, expected ${expected ?? '(not listed in SHA256SUMS)'}`,
      );
  }
  const pack = parsePack(new Uint8Array(zlib.gunzipSync(gz)));
  cache.set(key, pack);
  return pack;
}
