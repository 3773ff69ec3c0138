import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend, WasmBackend, wasmRelaxedSimdSupported } from '../src/backend/wasm/index.js';
import {
  KERNELS_RELAXED_WASM_BASE64,
  KERNELS_SHARED_MAXIMUM_PAGES,
  KERNELS_SHARED_SHA256,
  KERNELS_WASM_BASE64,
} from '../src/backend/wasm/kernels.generated.js';
import { defaultThreadCount, threadsUnavailableReason } from '../src/backend/wasm/threads.js';
import { withSharedMemoryImport } from '../src/backend/wasm/threads-module.js';
import { splitRange } from '../src/backend/wasm/threads-partition.js';
import {
  type Conv2dGeometry,
  CpuBackend,
  createCpuBackend,
  type DataId,
  type DType,
  ErlangenError,
  type MatmulGeometry,
  registerBackend,
  registerCpuBackend,
  type TypedArray,
  tensor,
} from '../src/index.js';
import { convGeometry, convNetLossAndGrads, uniformValues } from './parity-helpers.js';

// Multi-threaded wasm kernels against the single-threaded ones and the pure TypeScript CPU
// backend. Split thresholds are set to 1, so even 1×1 problems take the threaded code paths (each
// part a tiny range); `stats` proves the workers really ran shares.

/** Deterministic uniform [-1, 1) values. */
const rand = (size: number, seed: number): Float32Array => uniformValues(size, seed);
const size = (shape: readonly number[]) => shape.reduce((p, c) => p * c, 1);

/** |a − e| ≤ atol + rtol·|e| elementwise; reports the first mismatch. */
function expectClose(actual: TypedArray, expected: TypedArray, atol: number, rtol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e)))
      expect.fail(`element ${i}: ${a} vs ${e} (atol ${atol})`);
  }
}

const cpu = new CpuBackend();
/** Same kernels build (plain SIMD) on 1, 2 and 3 threads (3 > this machine's 2 cores), and relaxed SIMD on 2. */
const single = WasmBackend.create(undefined, false, 1);
const two = WasmBackend.create(undefined, false, 2);
const three = WasmBackend.create(undefined, false, 3);
// Relaxed SIMD where the engine has it (Node 20: behind a V8 flag the helper sets).
const relaxedTwo = WasmBackend.create(undefined, wasmRelaxedSimdSupported(true), 2);
const threaded = [two, three, relaxedTwo];
const all = [single, ...threaded];

beforeAll(async () => {
  for (const b of threaded) {
    b.splitThresholds.flops = 1;
    b.splitThresholds.elements = 1;
    await b.whenThreadsReady();
  }
});
afterAll(() => {
  for (const b of threaded) b.dispose();
});

type Info = { id: DataId; shape: number[]; dtype: DType };
/** The same values uploaded to the CPU backend (index 0) and to each wasm backend (1…). */
function upload(values: TypedArray, shape: number[], dtype: DType = 'float32'): Info[] {
  return [cpu, ...all].map((b) => ({ id: b.upload(values, dtype), shape, dtype }));
}
/** Runs `op` on every backend, reads `n` results back: [cpu, single, two, three, relaxedTwo]. */
function run(n: number, op: (b: CpuBackend | WasmBackend, i: number) => DataId, dtype: DType = 'float32') {
  return [cpu, ...all].map((b, i) => b.readSync(op(b, i), dtype, n));
}

/**
 * Checks the threaded results: bit-identical to single-threaded where each output element is
 * computed by the same sequence of operations (`exact`), within `atol` of the CPU backend always.
 */
function check(results: TypedArray[], atol: number, exact: boolean): void {
  const [ref, one, t2, t3, r2] = results as [TypedArray, TypedArray, TypedArray, TypedArray, TypedArray];
  expectClose(one, ref, atol);
  for (const t of [t2, t3, r2]) expectClose(t, ref, atol);
  if (exact) {
    expect(Array.from(t2)).toEqual(Array.from(one));
    expect(Array.from(t3)).toEqual(Array.from(one));
  }
}

describe('wasm threads: setup', () => {
  it('threads are available under Node, default thread count is the core count', () => {
    expect(threadsUnavailableReason()).toBeNull();
    expect(defaultThreadCount()).toBeGreaterThanOrEqual(1);
    expect(single.threads).toBe(1);
    expect(single.pool).toBeNull();
    expect(three.threads).toBe(3);
    expect(three.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  });
  it('createWasmBackend checks the threads option', () => {
    expect(() => createWasmBackend({ threads: 0 })).toThrow(ErlangenError);
    expect(() => createWasmBackend({ threads: 1.5 })).toThrow(
      /option 'threads' expected a positive integer but received 1.5/,
    );
    const b = createWasmBackend({ threads: 2 }) as WasmBackend;
    expect(b.threads).toBe(2);
    b.dispose();
  });
  it("derives asc's shared-memory builds byte for byte from the plain ones", () => {
    for (const [plain, sha] of [
      [KERNELS_WASM_BASE64, KERNELS_SHARED_SHA256.simd],
      [KERNELS_RELAXED_WASM_BASE64, KERNELS_SHARED_SHA256.relaxed],
    ] as const) {
      const shared = withSharedMemoryImport(Buffer.from(plain, 'base64'), KERNELS_SHARED_MAXIMUM_PAGES);
      expect(createHash('sha256').update(shared).digest('hex')).toBe(sha);
    }
  });
  it('splitRange covers [0, count) with grain-aligned inner boundaries', () => {
    expect(splitRange(10, 3)).toEqual([
      [0, 3],
      [3, 6],
      [6, 10],
    ]);
    expect(splitRange(100, 3, 16)).toEqual([
      [0, 32],
      [32, 64],
      [64, 100],
    ]);
    expect(splitRange(1, 4)).toEqual([[0, 1]]);
    expect(splitRange(0, 2)).toEqual([]);
  });
});

describe('wasm threads: matmul parity', () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [1, 7, 1],
    [3, 1, 5],
    [13, 17, 19],
    [37, 300, 1],
    [1, 64, 1031],
    [131, 257, 67],
    [7, 0, 5],
  ];
  for (const [m, k, n] of shapes) {
    it(`[${m}×${k}]·[${k}×${n}], all transposes`, () => {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const a = upload(rand(m * k, m * 31 + k), transA ? [k, m] : [m, k]);
          const b = upload(rand(k * n, n * 17 + k), transB ? [n, k] : [k, n]);
          const g: MatmulGeometry = { batch: 1, batchA: 1, batchB: 1, m, k, n, transA, transB };
          check(
            run(m * n, (be, i) => be.matmul(a[i]!, b[i]!, g)),
            1e-5 * Math.max(1, k),
            true,
          );
        }
      }
    });
  }
  for (const [batch, batchA, batchB] of [
    [5, 5, 5],
    [4, 1, 4],
    [4, 4, 1],
    [2, 2, 2],
  ] as const) {
    it(`batched ${batch} (batchA ${batchA}, batchB ${batchB}): by entries, or by rows when batch < threads`, () => {
      const [m, k, n] = [23, 11, 10];
      for (const transA of [false, true]) {
        const a = upload(rand(batchA * m * k, 1), [batchA, transA ? k : m, transA ? m : k]);
        const b = upload(rand(batchB * k * n, 2), [batchB, k, n]);
        const g: MatmulGeometry = { batch, batchA, batchB, m, k, n, transA, transB: false };
        check(
          run(batch * m * n, (be, i) => be.matmul(a[i]!, b[i]!, g)),
          1e-4,
          true,
        );
      }
    });
  }
  it('a large product splits at the default threshold', () => {
    const b = WasmBackend.create(undefined, false, 2);
    // 2·m·k·n ≈ 150 MFLOP: above two threads' worth of MIN_FLOPS_PER_THREAD (64 MFLOP).
    const [m, k, n] = [400, 450, 420];
    const a = b.upload(rand(m * k, 3), 'float32');
    const c = b.upload(rand(k * n, 4), 'float32');
    const g: MatmulGeometry = { batch: 1, batchA: 1, batchB: 1, m, k, n, transA: false, transB: false };
    const run1 = () =>
      b.matmul({ id: a, shape: [m, k], dtype: 'float32' }, { id: c, shape: [k, n], dtype: 'float32' }, g);
    // Workers start on the first split-worthy kernel and are used once running.
    return b.whenThreadsReady().then(() => {
      const before = b.pool!.stats.jobs;
      const out = b.readSync(run1(), 'float32', m * n);
      expect(b.pool!.stats.jobs).toBe(before + 1);
      const ref = single.readSync(
        single.matmul(
          { id: single.upload(rand(m * k, 3), 'float32'), shape: [m, k], dtype: 'float32' },
          { id: single.upload(rand(k * n, 4), 'float32'), shape: [k, n], dtype: 'float32' },
          g,
        ),
        'float32',
        m * n,
      );
      expect(Array.from(out)).toEqual(Array.from(ref));
      b.dispose();
    });
  });
});

describe('wasm threads: conv2d parity (forward, grad-input, grad-filter)', () => {
  const cases: [string, Conv2dGeometry][] = [
    ['1×1 image, 1 channel, batch 1', convGeometry([1, 1, 1, 1], [1, 1, 1])],
    ['3×3 pad 1, batch 1 (split by row chunks)', convGeometry([1, 3, 8, 8], [4, 3, 3], { pad: [1, 1] })],
    ['1×1 pointwise', convGeometry([2, 5, 7, 7], [3, 1, 1])],
    [
      'prime sizes, stride 2, pad 2',
      convGeometry([3, 3, 13, 11], [7, 5, 3], { stride: [2, 2], pad: [2, 1] }),
    ],
    ['dilation 2', convGeometry([1, 2, 10, 9], [5, 3, 3], { dil: [2, 2], pad: [2, 1] })],
    ['groups 2', convGeometry([3, 4, 6, 6], [6, 3, 3], { pad: [1, 1], groups: 2 })],
    ['chunked im2col with a remainder chunk', convGeometry([2, 32, 32, 32], [8, 3, 3], { pad: [1, 1] })],
    ['bench shape, batch 5', convGeometry([5, 32, 28, 28], [32, 3, 3], { pad: [1, 1] })],
  ];
  for (const [name, g] of cases) {
    it(name, () => {
      const xShape = [g.batch, g.inChannels, g.inHeight, g.inWidth];
      const wShape = [g.outChannels, g.inChannels / g.groups, g.kernelHeight, g.kernelWidth];
      const yShape = [g.batch, g.outChannels, g.outHeight, g.outWidth];
      const x = upload(rand(size(xShape), 3), xShape);
      const w = upload(rand(size(wShape), 4), wShape);
      const dy = upload(rand(size(yShape), 5), yShape);
      const q = (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth;
      check(
        run(size(yShape), (b, i) => b.conv2d(x[i]!, w[i]!, g)),
        1e-5 * q,
        true,
      );
      check(
        run(size(xShape), (b, i) => b.conv2dGradInput(dy[i]!, w[i]!, g)),
        1e-5 * g.outChannels * q,
        true,
      );
      // Per-thread partial sums change the summation order: close, not bit-identical.
      check(
        run(size(wShape), (b, i) => b.conv2dGradFilter(x[i]!, dy[i]!, g)),
        1e-5 * g.batch * g.outHeight * g.outWidth,
        false,
      );
    });
  }
});

describe('wasm threads: elementwise and indexing parity', () => {
  const cases: [string, number[], number[], number[]][] = [
    ['same shape, 1 element', [1], [1], [1]],
    ['same shape, prime length', [30011], [30011], [30011]],
    ['scalar b', [3, 7], [], [3, 7]],
    ['scalar a', [1, 1], [5, 3], [5, 3]],
    ['trailing row b (7 wide)', [13, 7], [7], [13, 7]],
    ['trailing row a', [3], [9, 3], [9, 3]],
    ['one row: cannot split', [1, 6], [6], [1, 6]],
  ];
  for (const [name, as, bs, os] of cases) {
    it(`binary: ${name}`, () => {
      const a = upload(rand(size(as), 6), as);
      const b = upload(
        rand(size(bs), 7).map((v) => v + (v >= 0 ? 0.5 : -0.5)),
        bs,
      );
      for (const op of ['add', 'sub', 'mul', 'div'] as const) {
        check(
          run(size(os), (be, i) => be.binary(op, a[i]!, b[i]!, os, 'float32')),
          0,
          true,
        );
      }
    });
  }

  const indexCases: [number[], number, number][] = [
    [[7, 5], 0, 11],
    [[7, 1], 0, 3],
    [[3, 7, 4], 1, 13],
    [[2, 5, 6], 1, 1],
    [[257], 0, 1000],
    [[50, 64], 0, 2003],
  ];
  for (const [shape, axis, e] of indexCases) {
    it(`indexSelect / indexAdd: shape [${shape}] axis ${axis}, ${e} indices`, () => {
      const r = shape[axis]!;
      const idx = Int32Array.from(rand(e, 8), (v) => Math.floor(((v + 1) / 2) * r) % r);
      const index = upload(idx, [e], 'int32');
      const outShape = shape.map((d, i) => (i === axis ? e : d));
      for (const dtype of ['float32', 'int32'] as const) {
        const vals = rand(size(shape), 9);
        const x = upload(
          dtype === 'float32' ? vals : Int32Array.from(vals, (v) => Math.round(v * 50)),
          shape,
          dtype,
        );
        check(
          run(size(outShape), (b, i) => b.indexSelect(x[i]!, index[i]!, axis), dtype),
          0,
          true,
        );
      }
      const src = upload(rand(size(outShape), 10), outShape);
      // Partial sums (outer 1, many indices per row) change the summation order.
      check(
        run(size(shape), (b, i) => b.indexAdd(src[i]!, index[i]!, axis, r)),
        1e-5,
        false,
      );
    });
  }
});

describe('wasm threads: unary, row-wise binary, reductions, log-sum-exp, gather', () => {
  it('unary kernels over element ranges', () => {
    for (const n of [1, 17, 4099]) {
      const x = upload(rand(n, n), [n]);
      for (const op of ['neg', 'abs', 'relu', 'exp', 'tanh', 'sigmoid'] as const) {
        check(
          run(n, (b, i) => b.unary(op, x[i]!, 'float32')),
          1e-6,
          true,
        );
      }
    }
  });
  it('column-broadcast binary over rows', () => {
    for (const [rows, cols] of [
      [1, 9],
      [13, 7],
      [130, 31],
    ] as const) {
      const a = upload(rand(rows * cols, 1), [rows, cols]);
      const b = upload(
        rand(rows, 2).map((v) => v + 2),
        [rows, 1],
      );
      for (const op of ['sub', 'div'] as const) {
        check(
          run(rows * cols, (be, i) => be.binary(op, a[i]!, b[i]!, [rows, cols], 'float32')),
          1e-6,
          true,
        );
        check(
          run(rows * cols, (be, i) => be.binary(op, b[i]!, a[i]!, [rows, cols], 'float32')),
          1e-5,
          true,
        );
      }
    }
  });
  it('sum / max / min over axes, split over outer rows', () => {
    const shape = [7, 11, 5];
    const x = upload(rand(size(shape), 3), shape);
    for (const axes of [[0], [1], [2], [1, 2], [0, 1, 2]]) {
      const outSize = size(shape.filter((_, i) => !axes.includes(i)));
      for (const op of ['sum', 'max', 'min'] as const) {
        check(
          run(outSize, (b, i) => b.reduce(op, x[i]!, axes)),
          1e-5,
          true,
        );
      }
    }
  });
  it('logSumExp over the last axis', () => {
    const x = upload(rand(37 * 19, 4), [37, 19]);
    check(
      run(37, (b, i) => b.logSumExp(x[i]!, 1)),
      1e-5,
      true,
    );
  });
  it('fused softmax and log-softmax over the last axis (rows split across threads)', () => {
    const [rows, cols] = [37, 19];
    const values = rand(rows * cols, 5).map((v) => v * 20);
    for (const log of [false, true]) {
      const ref = new Float32Array(rows * cols);
      for (let r = 0; r < rows; r++) {
        const row = Array.from(values.subarray(r * cols, (r + 1) * cols));
        const m = Math.max(...row);
        const lse = Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
        row.forEach((v, j) => {
          ref[r * cols + j] = log ? v - m - lse : Math.exp(v - m - lse);
        });
      }
      const outs = all.map((b) =>
        b.readSync(
          b.softmaxLastAxis({ id: b.upload(values, 'float32'), shape: [rows, cols], dtype: 'float32' }, log),
          'float32',
          rows * cols,
        ),
      );
      for (const o of outs) expectClose(o, ref, log ? 2e-5 : 1e-6);
      // Same kernel build on 1, 2 and 3 threads: bit-identical (the relaxed build's FMA may differ).
      for (const o of outs.slice(1, 3)) expect(Array.from(o)).toEqual(Array.from(outs[0]!));
    }
  });
  it('fused Adam step, elements split across threads', () => {
    const n = 1031;
    const opts = {
      mode: 'l2' as const,
      weightDecay: 0.01,
      decay: 1,
      b1: 0.9,
      oneMinusB1: 0.1,
      b2: 0.999,
      oneMinusB2: 0.001,
      bc2Sqrt: 0.05,
      eps: 1e-8,
      stepScale: -0.01,
    };
    const outs = all.map((b) => {
      const t = (values: Float32Array) => ({
        id: b.upload(values, 'float32'),
        shape: [n],
        dtype: 'float32' as const,
      });
      // v (the second moment) is non-negative.
      const ids = b.adamStep(t(rand(n, 1)), t(rand(n, 2)), t(rand(n, 3)), t(rand(n, 4).map(Math.abs)), opts);
      return ids.map((id) => Array.from(b.readSync(id, 'float32', n)));
    });
    // Elementwise: the same result on 1, 2 and 3 threads and in the relaxed build (no FMA in it).
    for (const o of outs.slice(1)) expect(o).toEqual(outs[0]);
  });
  it('gather over outer slices and over indices of one slice', () => {
    for (const [shape, axis, e] of [
      [[5, 7, 3], 1, 4],
      [[9, 6], 0, 13],
    ] as const) {
      const r = shape[axis]!;
      const idxShape = shape.map((d, i) => (i === axis ? e : d));
      const idx = Int32Array.from(rand(size(idxShape), 5), (v) => Math.floor(((v + 1) / 2) * r) % r);
      const x = upload(rand(size(shape), 6), [...shape]);
      const index = upload(idx, idxShape, 'int32');
      check(
        run(size(idxShape), (b, i) => b.gather(x[i]!, index[i]!, axis)),
        0,
        true,
      );
    }
  });
});

describe('wasm threads: workers, memory and lifetime', () => {
  it('workers ran shares of the jobs above', () => {
    for (const b of threaded) {
      expect(b.pool!.stats.jobs).toBeGreaterThan(0);
      // Every job gave each worker a share where there was enough work; 3 threads mean 2 workers.
      expect(b.pool!.stats.workerShares).toBeGreaterThanOrEqual(b.pool!.stats.jobs);
    }
    expect(three.pool!.stats.workerShares).toBeGreaterThan(three.pool!.stats.jobs);
  });

  it('memory growth between threaded kernels: workers see the new memory', async () => {
    // One page (64 KiB) to start with: nearly every kernel below grows the memory first.
    const b = WasmBackend.create(1, false, 3);
    b.splitThresholds.flops = 1;
    await b.whenThreadsReady();
    const start = b.memory.buffer.byteLength;
    for (const n of [40, 64, 128, 256, 384]) {
      const av = rand(n * n, n);
      const a = b.upload(av, 'float32');
      const g: MatmulGeometry = {
        batch: 1,
        batchA: 1,
        batchB: 1,
        m: n,
        k: n,
        n,
        transA: false,
        transB: true,
      };
      const info = { id: a, shape: [n, n], dtype: 'float32' as const };
      const out = b.readSync(b.matmul(info, info, g), 'float32', n * n);
      const c = cpu.upload(av, 'float32');
      const cInfo = { id: c, shape: [n, n], dtype: 'float32' as const };
      expectClose(out, cpu.readSync(cpu.matmul(cInfo, cInfo, g)), 1e-5 * n);
    }
    expect(b.memory.buffer.byteLength).toBeGreaterThan(8 * start);
    expect(b.pool!.stats.jobs).toBeGreaterThanOrEqual(5);
    b.dispose();
  });

  it('results do not depend on how many workers are running yet', async () => {
    // The partition follows the configured thread count; parts whose worker is still starting run
    // on the caller. So grad-filter's per-part partial sums add up in the same order either way.
    const b = WasmBackend.create(undefined, false, 3);
    b.splitThresholds.flops = 1;
    const g = convGeometry([4, 6, 9, 9], [5, 3, 3], { pad: [1, 1] });
    const x = {
      id: b.upload(rand(4 * 6 * 81, 1), 'float32'),
      shape: [4, 6, 9, 9],
      dtype: 'float32' as const,
    };
    const dy = {
      id: b.upload(rand(4 * 5 * 81, 2), 'float32'),
      shape: [4, 5, 9, 9],
      dtype: 'float32' as const,
    };
    const early = b.readSync(b.conv2dGradFilter(x, dy, g), 'float32', 5 * 6 * 9);
    const jobsBefore = b.pool!.stats.jobs;
    await b.whenThreadsReady();
    const late = b.readSync(b.conv2dGradFilter(x, dy, g), 'float32', 5 * 6 * 9);
    expect(b.pool!.stats.jobs).toBeGreaterThan(jobsBefore);
    expect(Array.from(late)).toEqual(Array.from(early));
    b.dispose();
  });

  it('a kernel failing on a worker raises an ErlangenError on the caller', async () => {
    const b = WasmBackend.create(undefined, false, 2);
    await b.whenThreadsReady();
    const pool = b.pool!;
    expect(pool.available()).toBe(2);
    // A transpose reading 2 GiB past the end of the memory traps in the worker.
    const errors = console.error;
    console.error = () => {};
    try {
      expect(() =>
        pool.run([pool.list(), pool.list().call('transpose', 0x7ff00000, 4, 4, 0x7ff00000)]),
      ).toThrow(/kernel 'transpose' failed on worker 0/);
    } finally {
      console.error = errors;
    }
    // The pool still works afterwards.
    const x = b.upload(rand(64, 1), 'float32');
    const y = b.binary(
      'add',
      { id: x, shape: [64], dtype: 'float32' },
      { id: x, shape: [64], dtype: 'float32' },
      [64],
      'float32',
    );
    expect(b.readSync(y, 'float32', 64)[3]).toBe(Math.fround(rand(64, 1)[3]! * 2));
    b.dispose();
  });

  it('dispose terminates the workers; the backend keeps working on one thread', () => {
    const b = WasmBackend.create(undefined, false, 2);
    b.splitThresholds.elements = 1;
    b.dispose();
    expect(b.pool!.isDisposed).toBe(true);
    const x = b.upload(rand(1000, 2), 'float32');
    const info = { id: x, shape: [1000], dtype: 'float32' as const };
    const y = b.readSync(b.binary('mul', info, info, [1000], 'float32'), 'float32', 1000);
    expect(y[999]).toBe(Math.fround(rand(1000, 2)[999]! ** 2));
    expect(b.pool!.stats.jobs).toBe(0);
  });

  it('a process with live, idle workers exits on its own', () => {
    // A child Node process that never disposes: unref'd workers blocked in Atomics.wait must not
    // keep it alive.
    const out = runInChild(`import { WasmBackend } from ${source('backend/wasm/index.ts')};
const b = WasmBackend.create(undefined, false, 3);
b.splitThresholds.flops = 1;
await b.whenThreadsReady();
const a = b.upload(new Float32Array(64 * 64).fill(1), 'float32');
const info = { id: a, shape: [64, 64], dtype: 'float32' };
const g = { batch: 1, batchA: 1, batchB: 1, m: 64, k: 64, n: 64, transA: false, transB: false };
const out = b.readSync(b.matmul(info, info, g), 'float32', 64 * 64);
console.log(b.pool.stats.workerShares, out[0]);
`);
    expect(out).toBe('2 64');
  });
});

/** Path of a source module, as an import specifier for runInChild. */
const source = (path: string) =>
  JSON.stringify(join(dirname(fileURLToPath(import.meta.url)), '../src', path));

/**
 * Bundles `code` (TypeScript importing the sources) with esbuild and runs it in a fresh Node process
 * (a fresh engine); returns its stdout, trimmed, after checking it exited 0 within 20 s.
 */
function runInChild(code: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'erlangen-threads-'));
  try {
    const entry = join(dir, 'entry.ts');
    writeFileSync(entry, code);
    const bundle = join(dir, 'bundle.mjs');
    buildSync({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'node',
      outfile: bundle,
      logLevel: 'error',
    });
    const child = spawnSync(process.execPath, [bundle], { encoding: 'utf8', timeout: 20_000 });
    expect(child.error).toBeUndefined();
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    return child.stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('wasm threads: ops and gradients through the engine', () => {
  beforeAll(() => {
    registerBackend('wasm-threads-3', () => three);
  });
  it('a conv net gives the same loss and gradients on cpu and 3-thread wasm', () => {
    const before = three.pool!.stats.jobs;
    const ref = convNetLossAndGrads('cpu', { indexMixing: true });
    const got = convNetLossAndGrads('wasm-threads-3', { indexMixing: true });
    expect(three.pool!.stats.jobs).toBeGreaterThan(before);
    for (let i = 0; i < ref.length; i++) expectClose(got[i]!, ref[i]!, 1e-5, 1e-3);
  });
});

describe("the default 'cpu' backend runs the wasm kernels", () => {
  it('is the multi-threaded WebAssembly backend where SIMD is available, named cpu', () => {
    const t = tensor([1, 2, 3]);
    expect(t.backend.name).toBe('cpu');
    expect(t.backend).toBeInstanceOf(WasmBackend);
    expect((t.backend as WasmBackend).threads).toBe(defaultThreadCount());
    expect(t.mul(t).sum().item()).toBe(14);
  });
  it('createCpuBackend chooses kernels; bad options are ErlangenErrors', () => {
    expect(createCpuBackend({ kernels: 'typescript' })).toBeInstanceOf(CpuBackend);
    const w = createCpuBackend({ kernels: 'wasm', threads: 2 }) as WasmBackend;
    expect(w).toBeInstanceOf(WasmBackend);
    expect(w.name).toBe('cpu');
    expect(w.threads).toBe(2);
    w.dispose();
    expect(() => createCpuBackend({ kernels: 'fast' as never })).toThrow(
      /option 'kernels' expected 'auto', 'wasm' or 'typescript' but received "fast"/,
    );
  });
  it('registerCpuBackend, called before the first tensor, chooses the kernels and threads', () => {
    const probe = (options: string) =>
      runInChild(`import { CpuBackend, registerCpuBackend, tensor, WasmBackend } from ${source('index.ts')};
registerCpuBackend(${options});
const t = tensor([1, 2, 3]);
const b = t.backend;
console.log(b.name, b instanceof WasmBackend ? 'wasm ' + b.threads : b instanceof CpuBackend ? 'typescript' : '?', t.mul(t).sum().item());
`);
    expect(probe("{ kernels: 'typescript' }")).toBe('cpu typescript 14');
    expect(probe('{ threads: 3 }')).toBe('cpu wasm 3 14');
  });
  it('registerCpuBackend refuses once the cpu backend is in use', () => {
    tensor([1]);
    expect(() => registerCpuBackend({ kernels: 'typescript' })).toThrow(/already in use/);
  });
});
