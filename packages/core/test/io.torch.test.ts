import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile, saveFile, scalar, tensor, zeros } from '../src/index.js';

/**
 * Interoperability with PyTorch through test/fixtures/gen_safetensors.py, an independent
 * implementation of the format on top of torch (the `safetensors` Python package is not needed).
 * PyTorch → Erlangen uses the committed fixture; Erlangen → PyTorch runs the script and skips,
 * saying why, when /usr/bin/python3 (or $ERLANGEN_PYTHON) cannot import torch.
 */

const FIXTURES = join(import.meta.dirname, 'fixtures');
const SCRIPT = join(FIXTURES, 'gen_safetensors.py');
/** Overridable for machines whose torch lives elsewhere. */
const PYTHON = process.env.ERLANGEN_PYTHON ?? '/usr/bin/python3';

interface Described {
  dtype: string;
  shape: number[];
  values: (number | string)[];
}
interface Dump {
  metadata: Record<string, string> | null;
  tensors: Record<string, Described>;
  header_length?: number;
  reencoded_identical?: boolean;
}

/** The script writes NaN and ±∞ as strings, since JSON has no literals for them. */
const num = (v: number | string): number =>
  typeof v === 'number' ? v : v === 'NaN' ? Number.NaN : v === 'Infinity' ? Infinity : -Infinity;

const READS_AS: Record<string, string> = {
  F32: 'float32',
  F64: 'float32',
  F16: 'float32',
  BF16: 'float32',
  I64: 'int32',
  I32: 'int32',
  I16: 'int32',
  I8: 'int32',
  U8: 'int32',
  BOOL: 'bool',
};

function torchUnavailable(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) return `${PYTHON} could not run (${r.error.message})`;
  if (r.status !== 0) return `${PYTHON} cannot import torch (${r.stderr.trim().split('\n').pop()})`;
  return null;
}

describe('PyTorch → Erlangen (committed fixture written by gen_safetensors.py)', () => {
  it('loads every dtype with the values torch had', async () => {
    const expected = JSON.parse(await readFile(join(FIXTURES, 'tiny.json'), 'utf8')) as Dump;
    const { tensors, metadata } = await loadFile(join(FIXTURES, 'tiny.safetensors'));
    expect(metadata).toEqual(expected.metadata);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected.tensors).sort());
    for (const [name, want] of Object.entries(expected.tensors)) {
      const t = tensors[name]!;
      expect(t.shape, name).toEqual(want.shape);
      expect(t.dtype, name).toBe(READS_AS[want.dtype]);
      expect(Array.from(t.dataSync()), name).toEqual(want.values.map(num));
    }
    // The fixture covers every readable dtype plus the 0-d and empty edge cases.
    expect(new Set(Object.values(expected.tensors).map((d) => d.dtype))).toEqual(
      new Set(Object.keys(READS_AS)),
    );
    expect(tensors.scalar!.shape).toEqual([]);
    expect(tensors.empty!.shape).toEqual([0, 3]);
  });
});

const skipReason = torchUnavailable();
if (skipReason) console.warn(`[io.torch] skipping Erlangen → PyTorch: ${skipReason}`);

describe.skipIf(skipReason !== null)('Erlangen → PyTorch (gen_safetensors.py --check)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'erlangen-torch-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('torch reads back the values, shapes, dtypes and metadata we wrote, laid out as the reference writer does', async () => {
    const dict = {
      'conv.weight': tensor([
        [
          [
            [0.5, -1.25],
            [3e-8, -0],
          ],
        ],
      ]),
      'fc.bias': tensor([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1 / 3]),
      labels: tensor(
        [
          [1, -2, 2147483647],
          [-2147483648, 0, 7],
        ],
        undefined,
        'int32',
      ),
      mask: tensor([true, false, false, true]),
      temperature: scalar(0.75),
      nothing: zeros([2, 0]),
      '0': tensor([42], undefined, 'int32'),
    };
    const path = join(dir, 'from-erlangen.safetensors');
    await saveFile(path, dict, { format: 'pt', written_by: 'erlangen' });

    const r = spawnSync(PYTHON, [SCRIPT, '--check', path], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as Dump;

    expect(got.metadata).toEqual({ format: 'pt', written_by: 'erlangen' });
    expect(got.header_length! % 8).toBe(0);
    expect(got.reencoded_identical).toBe(true);
    const STORED_AS = { float32: 'F32', int32: 'I32', bool: 'BOOL' } as const;
    expect(Object.keys(got.tensors).sort()).toEqual(Object.keys(dict).sort());
    for (const [name, t] of Object.entries(dict)) {
      const d = got.tensors[name]!;
      expect(d.dtype, name).toBe(STORED_AS[t.dtype]);
      expect(d.shape, name).toEqual(t.shape);
      expect(d.values.map(num), name).toEqual(Array.from(t.dataSync()));
    }
  }, 60_000); // importing torch takes seconds on a cold machine
});
