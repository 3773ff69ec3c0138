/**
 * The shared-memory kernels module, derived from the plain one at run time. asc's
 * `--sharedMemory --maximumMemory N` build differs from the plain build only in its memory import
 * (limits flags 0x03 — shared, with a maximum — and the maximum itself; the kernels use no atomics),
 * so the package ships the plain builds alone and rewrites that one import here: half the bundle
 * of shipping both. scripts/build-wasm.mjs compiles the shared builds too and records their SHA-256
 * (kernels.generated.ts); test/wasm-threads.test.ts checks this derivation reproduces them byte for
 * byte.
 */
import { ErlangenError } from '../../errors.js';

/** Reads an unsigned LEB128 at `at`: [value, next offset]. */
function readU32(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++]!;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, at];
    shift += 7;
  }
}

function u32(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

const IMPORT_SECTION = 2;
const MEMORY_IMPORT = 2;

/**
 * `module` (wasm bytes importing one plain memory) with that import declared shared with
 * `maximumPages`; everything else byte-identical.
 */
export function withSharedMemoryImport(module: Uint8Array, maximumPages: number): Uint8Array {
  let at = 8; // magic + version
  while (at < module.length) {
    const id = module[at]!;
    const [size, body] = readU32(module, at + 1);
    const end = body + size;
    if (id === IMPORT_SECTION) {
      // asc's kernels import exactly one thing: env.memory.
      const [count, first] = readU32(module, body);
      let p = first;
      for (let name = 0; name < 2; name++) {
        const [len, q] = readU32(module, p);
        p = q + len;
      }
      if (count !== 1 || module[p] !== MEMORY_IMPORT) {
        throw new ErlangenError('wasm threads: the kernels module should import its memory and nothing else');
      }
      p++;
      const flags = module[p]!;
      const [initial, afterInitial] = readU32(module, p + 1);
      const limitsEnd = flags & 1 ? readU32(module, afterInitial)[1] : afterInitial;
      const limits = [0x03, ...u32(initial), ...u32(maximumPages)];
      const content = [...module.subarray(body, p), ...limits, ...module.subarray(limitsEnd, end)];
      return new Uint8Array([
        ...module.subarray(0, at),
        IMPORT_SECTION,
        ...u32(content.length),
        ...content,
        ...module.subarray(end),
      ]);
    }
    at = end;
  }
  throw new ErlangenError('wasm threads: the kernels module has no memory import');
}
