import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WasmHeap } from '../src/backend/wasm/allocator.js';
import { createWasmBackend, WasmBackend } from '../src/backend/wasm/index.js';
import {
  arange,
  argmax,
  type Conv2dGeometry,
  CpuBackend,
  cast,
  concat,
  cumsum,
  type DataId,
  type DType,
  ErlangenError,
  Generator,
  gather,
  getBackend,
  indexAdd,
  indexSelect,
  logsumexp,
  type MatmulGeometry,
  maxPool2d,
  pad,
  randn,
  registerWasmBackend,
  scatterAdd,
  setBackend,
  type TypedArray,
  tensor,
  tile,
  wasmRelaxedSimdSupported,
  wasmSimdSupported,
  where,
} from '../src/index.js';
import { convGeometry, convNetLossAndGrads, uniformValues } from './parity-helpers.js';

// Kernel-level parity: the same inputs uploaded to the CPU (reference) and wasm backends, every
// wasm kernel's output compared with the CPU one's.

/** Deterministic uniform [-1, 1) values. */
const rand = (size: number, seed: number): Float32Array => uniformValues(size, seed);

const cpu = new CpuBackend();
// Kernels built with plain SIMD and with relaxed SIMD (fused multiply-add), single-threaded. The
// relaxed build is available on every Node this project supports (on Node 20 via the V8 flag
// `wasmRelaxedSimdSupported(true)` sets), so both are always tested.
const FLAVOURS: [string, WasmBackend][] = [
  ['simd', WasmBackend.create()],
  ['relaxed-simd', WasmBackend.create(undefined, wasmRelaxedSimdSupported(true))],
];
/** The backend under test: switched per flavour by useFlavour() in the parity suites. */
let wasm = FLAVOURS[0]![1];
function useFlavour(backend: WasmBackend): void {
  beforeAll(() => {
    wasm = backend;
  });
  afterAll(() => {
    wasm = FLAVOURS[0]![1];
  });
}

function both(values: TypedArray, shape: number[], dtype: DType = 'float32') {
  return {
    c: { id: cpu.upload(values, dtype), shape, dtype },
    w: { id: wasm.upload(values, dtype), shape, dtype },
  };
}
const size = (shape: readonly number[]) => shape.reduce((p, c) => p * c, 1);
function readBoth(c: DataId, w: DataId, n: number, dtype: DType = 'float32'): [TypedArray, TypedArray] {
  return [cpu.readSync(c), wasm.readSync(w, dtype, n)];
}

/** |w − c| ≤ atol + rtol·|c| elementwise; reports the first mismatch. */
function expectClose(actual: TypedArray, expected: TypedArray, atol: number, rtol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      expect.fail(`element ${i}: wasm ${a} vs cpu ${e} (atol ${atol})`);
    }
  }
}

describe('wasm backend: setup', () => {
  it('detects SIMD on Node 20', () => {
    expect(wasmSimdSupported()).toBe(true);
  });
  it('has relaxed SIMD on Node ≥ 20 (Node 20 through the V8 flag) and picks the relaxed kernels', () => {
    expect(wasmRelaxedSimdSupported(true)).toBe(true);
    expect(FLAVOURS[1]![1].relaxedSimd).toBe(true);
    const b = createWasmBackend({ threads: 1 }) as WasmBackend;
    expect(b.relaxedSimd).toBe(true);
    expect((createWasmBackend({ threads: 1, relaxedSimd: false }) as WasmBackend).relaxedSimd).toBe(false);
  });
  it('relaxed and plain kernels agree on a large GEMM to float32 rounding', () => {
    const [m, k, n] = [67, 1031, 129];
    const [plain, relaxed] = [FLAVOURS[0]![1], FLAVOURS[1]![1]];
    const av = rand(m * k, 91);
    const bv = rand(k * n, 92);
    const g: MatmulGeometry = { batch: 1, batchA: 1, batchB: 1, m, k, n, transA: false, transB: false };
    const run = (b: WasmBackend) =>
      b.readSync(
        b.matmul(
          { id: b.upload(av, 'float32'), shape: [m, k], dtype: 'float32' },
          { id: b.upload(bv, 'float32'), shape: [k, n], dtype: 'float32' },
          g,
        ),
        'float32',
        m * n,
      );
    expectClose(run(relaxed), run(plain), 1e-5 * Math.sqrt(k));
  });
  it('falls back to the TypeScript kernels without SIMD', () => {
    const b = createWasmBackend({ simd: false });
    expect(b.name).toBe('wasm');
    expect(b).not.toBeInstanceOf(WasmBackend);
    const id = b.upload(new Float32Array([1, 2, 3, 4]), 'float32');
    const g: MatmulGeometry = {
      batch: 1,
      batchA: 1,
      batchB: 1,
      m: 2,
      k: 2,
      n: 2,
      transA: false,
      transB: false,
    };
    const out = b.matmul({ id, shape: [2, 2], dtype: 'float32' }, { id, shape: [2, 2], dtype: 'float32' }, g);
    expect(Array.from(b.readSync(out, 'float32', 4))).toEqual([7, 10, 15, 22]);
  });
});

for (const [flavour, backend] of FLAVOURS)
  describe(`wasm backend (${flavour}): matmul parity`, () => {
    useFlavour(backend);
    // [m, k, n]: 1s, primes, register-tile edges (4, 8 ± 1) and cache-block edges (KC = 256, MC = 128).
    const shapes: [number, number, number][] = [
      [1, 1, 1],
      [1, 7, 1],
      [3, 1, 5],
      [4, 8, 8],
      [5, 9, 7],
      [13, 17, 19],
      [1, 300, 37],
      [37, 300, 1],
      [64, 64, 64],
      [131, 257, 67],
      [129, 513, 9],
      [9, 777, 521],
      [7, 0, 5],
    ];
    for (const [m, k, n] of shapes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          it(`[${m}×${k}]·[${k}×${n}] transA=${transA} transB=${transB}`, () => {
            const a = both(rand(m * k, m * 31 + k), transA ? [k, m] : [m, k]);
            const b = both(rand(k * n, n * 17 + k), transB ? [n, k] : [k, n]);
            const g: MatmulGeometry = { batch: 1, batchA: 1, batchB: 1, m, k, n, transA, transB };
            const [c, w] = readBoth(cpu.matmul(a.c, b.c, g), wasm.matmul(a.w, b.w, g), m * n);
            expectClose(w, c, 1e-5 * Math.max(1, k));
          });
        }
      }
    }
    for (const [batchA, batchB] of [
      [3, 3],
      [1, 4],
      [4, 1],
    ] as const) {
      it(`batched: batchA=${batchA} batchB=${batchB}, both transposes`, () => {
        const [m, k, n] = [6, 11, 10];
        const batch = Math.max(batchA, batchB);
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            const a = both(rand(batchA * m * k, 1), [batchA, transA ? k : m, transA ? m : k]);
            const b = both(rand(batchB * k * n, 2), [batchB, transB ? n : k, transB ? k : n]);
            const g: MatmulGeometry = { batch, batchA, batchB, m, k, n, transA, transB };
            const [c, w] = readBoth(cpu.matmul(a.c, b.c, g), wasm.matmul(a.w, b.w, g), batch * m * n);
            expectClose(w, c, 1e-4);
          }
        }
      });
    }
  });

for (const [flavour, backend] of FLAVOURS)
  describe(`wasm backend (${flavour}): conv2d parity (forward, grad-input, grad-filter)`, () => {
    useFlavour(backend);
    const cases: [string, Conv2dGeometry][] = [
      ['3×3 pad 1', convGeometry([2, 3, 8, 8], [4, 3, 3], { pad: [1, 1] })],
      ['1×1 pointwise', convGeometry([2, 5, 7, 7], [3, 1, 1])],
      ['1×1 stride 2', convGeometry([1, 4, 9, 9], [6, 1, 1], { stride: [2, 2] })],
      [
        'prime sizes, stride 2, pad 2',
        convGeometry([3, 3, 13, 11], [7, 5, 3], { stride: [2, 2], pad: [2, 1] }),
      ],
      ['dilation 2', convGeometry([1, 2, 10, 9], [5, 3, 3], { dil: [2, 2], pad: [2, 1] })],
      ['groups 2', convGeometry([2, 4, 6, 6], [6, 3, 3], { pad: [1, 1], groups: 2 })],
      ['depthwise', convGeometry([1, 3, 5, 5], [3, 3, 3], { pad: [1, 1], groups: 3 })],
      ['kernel wider than image', convGeometry([1, 1, 3, 3], [2, 5, 5], { pad: [2, 2] })],
      ['1×1 image, 1 channel', convGeometry([1, 1, 1, 1], [1, 1, 1])],
      ['stride 3, odd padding', convGeometry([2, 2, 11, 14], [3, 2, 4], { stride: [3, 3], pad: [1, 3] })],
      ['chunked im2col with a remainder chunk', convGeometry([2, 32, 32, 32], [8, 3, 3], { pad: [1, 1] })],
      [
        'chunked, strided, 1 row per chunk',
        convGeometry([1, 64, 21, 40], [5, 3, 3], { stride: [2, 1], pad: [1, 1] }),
      ],
      ['bench shape', convGeometry([2, 32, 28, 28], [32, 3, 3], { pad: [1, 1] })],
      // Stride 1 runs the implicit GEMM (padded image read in place); these hit its edges.
      [
        'implicit: 3×1 kernel, Wp = OW (no compaction)',
        convGeometry([2, 3, 9, 7], [4, 3, 1], { pad: [1, 0] }),
      ],
      ['implicit: 1×1 with padding', convGeometry([1, 5, 4, 6], [3, 1, 1], { pad: [1, 2] })],
      ['implicit: 1-pixel-wide output', convGeometry([2, 2, 5, 3], [3, 3, 3])],
      [
        'implicit: prime sizes, groups 3, dilation (2, 3)',
        convGeometry([2, 9, 17, 13], [6, 3, 2], { pad: [2, 3], dil: [2, 3], groups: 3 }),
      ],
    ];
    for (const [name, g] of cases) {
      it(name, () => {
        const xShape = [g.batch, g.inChannels, g.inHeight, g.inWidth];
        const wShape = [g.outChannels, g.inChannels / g.groups, g.kernelHeight, g.kernelWidth];
        const yShape = [g.batch, g.outChannels, g.outHeight, g.outWidth];
        const x = both(rand(size(xShape), 3), xShape);
        const w = both(rand(size(wShape), 4), wShape);
        const dy = both(rand(size(yShape), 5), yShape);
        const q = (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth;
        const [y0, y1] = readBoth(cpu.conv2d(x.c, w.c, g), wasm.conv2d(x.w, w.w, g), size(yShape));
        expectClose(y1, y0, 1e-5 * q);
        const [dx0, dx1] = readBoth(
          cpu.conv2dGradInput(dy.c, w.c, g),
          wasm.conv2dGradInput(dy.w, w.w, g),
          size(xShape),
        );
        expectClose(dx1, dx0, 1e-5 * g.outChannels * q);
        const [dw0, dw1] = readBoth(
          cpu.conv2dGradFilter(x.c, dy.c, g),
          wasm.conv2dGradFilter(x.w, dy.w, g),
          size(wShape),
        );
        expectClose(dw1, dw0, 1e-5 * g.batch * g.outHeight * g.outWidth);
      });
    }
  });

describe('wasm backend: elementwise parity (exact)', () => {
  const cases: [string, number[], number[], number[]][] = [
    ['same shape, prime length', [1031], [1031], [1031]],
    ['same shape, 1 element', [1], [1], [1]],
    ['scalar b', [3, 7], [], [3, 7]],
    ['scalar a', [1, 1], [5, 3], [5, 3]],
    ['trailing row b', [4, 5, 6], [6], [4, 5, 6]],
    ['trailing block b', [4, 5, 6], [1, 5, 6], [4, 5, 6]],
    ['trailing row a', [3], [9, 3], [9, 3]],
    ['column broadcast a (per-row kernel)', [4, 1], [4, 5], [4, 5]],
    ['column broadcast b, rank 3 (per-row kernel)', [2, 3, 7], [2, 3, 1], [2, 3, 7]],
    ['block per row b (per-row kernel)', [2, 3, 7], [2, 1, 1], [2, 3, 7]],
    ['per-row b without leading dims (per-row kernel)', [3, 1031], [3, 1], [3, 1031]],
    ['middle broadcast (TS fallback)', [2, 3, 4], [2, 1, 4], [2, 3, 4]],
    ['outer broadcast (TS fallback)', [1, 5], [4, 1], [4, 5]],
    ['empty', [0, 3], [3], [0, 3]],
  ];
  for (const [name, as, bs, os] of cases) {
    it(name, () => {
      const a = both(rand(size(as), 6), as);
      const b = both(
        rand(size(bs), 7).map((v) => v + (v >= 0 ? 0.5 : -0.5)),
        bs,
      );
      for (const op of ['add', 'sub', 'mul', 'div', 'maximum'] as const) {
        const [c, w] = readBoth(
          cpu.binary(op, a.c, b.c, os, 'float32'),
          wasm.binary(op, a.w, b.w, os, 'float32'),
          size(os),
        );
        expect(Array.from(w)).toEqual(Array.from(c));
      }
    });
  }
  it('int32 and comparisons go through the TS kernels', () => {
    const a = both(new Int32Array([1, -2, 3, 7]), [4], 'int32');
    const b = both(new Int32Array([2]), [1], 'int32');
    const [c, w] = readBoth(
      cpu.binary('mul', a.c, b.c, [4], 'int32'),
      wasm.binary('mul', a.w, b.w, [4], 'int32'),
      4,
      'int32',
    );
    expect(Array.from(w)).toEqual(Array.from(c));
    const [c2, w2] = readBoth(
      cpu.binary('less', a.c, b.c, [4], 'bool'),
      wasm.binary('less', a.w, b.w, [4], 'bool'),
      4,
      'bool',
    );
    expect(Array.from(w2)).toEqual(Array.from(c2));
  });
});

describe('wasm backend: indexSelect / indexAdd parity (exact)', () => {
  const cases: [number[], number, number][] = [
    [[7, 5], 0, 11],
    [[7, 1], 0, 3],
    [[3, 7, 4], 1, 13],
    [[5, 6], 1, 9],
    [[257], 0, 1000],
  ];
  for (const [shape, axis, e] of cases) {
    it(`shape [${shape}] axis ${axis}, ${e} indices`, () => {
      const r = shape[axis]!;
      const idx = Int32Array.from(rand(e, 8), (v) => Math.floor(((v + 1) / 2) * r) % r);
      const index = both(idx, [e], 'int32');
      for (const dtype of ['float32', 'int32', 'bool'] as const) {
        const vals = Float32Array.from(rand(size(shape), 9), (v) =>
          dtype === 'float32' ? v : Math.round(v * 5),
        );
        const x = both(
          dtype === 'float32'
            ? vals
            : dtype === 'int32'
              ? Int32Array.from(vals)
              : Uint8Array.from(vals, (v) => (v > 0 ? 1 : 0)),
          shape,
          dtype,
        );
        const outShape = shape.map((d, i) => (i === axis ? e : d));
        const [c, w] = readBoth(
          cpu.indexSelect(x.c, index.c, axis),
          wasm.indexSelect(x.w, index.w, axis),
          size(outShape),
          dtype,
        );
        expect(Array.from(w)).toEqual(Array.from(c));
      }
      // indexAdd: src has e along the axis, scattered into r buckets.
      const srcShape = shape.map((d, i) => (i === axis ? e : d));
      const src = both(rand(size(srcShape), 10), srcShape);
      const [c, w] = readBoth(
        cpu.indexAdd(src.c, index.c, axis, r),
        wasm.indexAdd(src.w, index.w, axis, r),
        size(shape),
      );
      expectClose(w, c, 1e-6, 1e-6);
    });
  }
  it('rejects an out-of-range index with the CPU message', () => {
    const x = both(rand(6, 1), [3, 2]);
    const index = both(new Int32Array([0, 3]), [2], 'int32');
    expect(() => wasm.indexSelect(x.w, index.w, 0)).toThrow(ErlangenError);
    expect(() => wasm.indexSelect(x.w, index.w, 0)).toThrow(
      /expected values in \[0, 2\] but received 3 at position 1/,
    );
    expect(() => wasm.indexAdd(x.w, index.w, 0, 2)).toThrow(
      /expected values in \[0, 1\] but received 3 at position 1/,
    );
  });
});

/** Values spanning the float32 range plus the special ones: ±0, ±∞, NaN, subnormals, overflow edges. */
function spread(n: number, seed: number): Float32Array {
  const specials = [
    0,
    -0,
    Infinity,
    -Infinity,
    NaN,
    1e-45,
    1e-40,
    1.2e-38,
    88.7,
    88.73,
    -87.5,
    -103,
    -104,
    1,
    -1,
  ];
  const specials2 = [0.625, -0.6249, 1e-4, -9, 20, 3.4e38, -3.4e38, 16, 0.5, 2];
  const base = rand(n, seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    // Mostly moderate values, some scaled far out.
    out[i] = i % 7 === 0 ? base[i]! * 200 : i % 11 === 0 ? base[i]! * 1e30 : base[i]! * 12;
  }
  out.set([...specials, ...specials2].slice(0, n));
  return out;
}

/** Like expectClose, but NaN must match NaN and infinities must match exactly. */
function expectSameSpecials(actual: TypedArray, expected: TypedArray, atol: number, rtol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    const ok = Number.isNaN(e)
      ? Number.isNaN(a)
      : Number.isFinite(e)
        ? Math.abs(a - e) <= atol + rtol * Math.abs(e)
        : a === e;
    if (!ok) expect.fail(`element ${i}: wasm ${a} vs cpu ${e}`);
  }
}

describe('wasm backend: unary parity', () => {
  // Exact ops must match bit for bit; exp / log / sigmoid / tanh are ≤ 2 ulp approximations.
  const exact = ['neg', 'abs', 'sqrt', 'square', 'reciprocal', 'relu'] as const;
  const approx = ['rsqrt', 'exp', 'log', 'sigmoid', 'tanh', 'sin', 'erf'] as const;
  for (const n of [1, 3, 4, 1031, 4099]) {
    it(`${n} elements`, () => {
      const x = both(spread(n, n), [n]);
      for (const op of [...exact, ...approx]) {
        const [c, w] = readBoth(cpu.unary(op, x.c, 'float32'), wasm.unary(op, x.w, 'float32'), n);
        if ((exact as readonly string[]).includes(op)) {
          expect(Array.from(w).map(String), op).toEqual(Array.from(c).map(String));
        } else {
          // 2.5 ulp relative, plus the smallest normal for results that underflow.
          expectSameSpecials(w, c, 1.2e-38, 3e-7);
        }
      }
    });
  }
  it('int32 input and bool output go through the TS kernels', () => {
    const x = both(new Int32Array([-3, 0, 5]), [3], 'int32');
    const [c, w] = readBoth(cpu.unary('abs', x.c, 'int32'), wasm.unary('abs', x.w, 'int32'), 3, 'int32');
    expect(Array.from(w)).toEqual(Array.from(c));
  });
});

describe('wasm backend: reduction and logsumexp parity', () => {
  // [shape, axes]: last / first / middle axes, merged runs, size 1, primes, empty axes (r = 0), and
  // non-contiguous axes (TS fallback).
  const cases: [number[], number[]][] = [
    [[1031], [0]],
    [[1], [0]],
    [[7, 13], [1]],
    [[7, 13], [0]],
    [[5, 6, 7], [1]],
    [
      [5, 6, 7],
      [1, 2],
    ],
    [
      [5, 6, 7],
      [0, 1],
    ],
    [
      [5, 6, 7],
      [0, 2],
    ],
    [[3, 1, 2], [1]],
    [[3, 0, 2], [1]],
    [[64, 257], [1]],
    [[257, 64], [0]],
  ];
  for (const [shape, axes] of cases) {
    it(`[${shape}] over axes [${axes}]`, () => {
      const n = size(shape);
      const x = both(rand(n, n + axes.length), shape);
      const outSize = size(shape.filter((_, i) => !axes.includes(i)));
      for (const op of ['sum', 'max', 'min', 'prod'] as const) {
        const [c, w] = readBoth(cpu.reduce(op, x.c, axes), wasm.reduce(op, x.w, axes), outSize);
        // float32 vs float64 accumulation: the sums agree to rounding of the partial sums.
        if (op === 'sum') expectClose(w, c, 1e-6 * Math.sqrt(n), 1e-5);
        else expect(Array.from(w), op).toEqual(Array.from(c));
      }
    });
  }
  it('max / min / sum propagate NaN and infinities', () => {
    const x = both(new Float32Array([1, NaN, 3, 4, 5, -Infinity, 2, 7, Infinity, 1, 2, 3]), [3, 4]);
    for (const op of ['sum', 'max', 'min'] as const) {
      const [c, w] = readBoth(cpu.reduce(op, x.c, [1]), wasm.reduce(op, x.w, [1]), 3);
      expect(Array.from(w).map(String), op).toEqual(Array.from(c).map(String));
    }
  });
  for (const shape of [
    [7, 1031],
    [3, 1],
    [1, 5],
    [33, 64],
    [2, 5, 4],
  ]) {
    it(`logsumexp [${shape}] over the last axis`, () => {
      const x = both(
        rand(size(shape), 3).map((v) => v * 30),
        shape,
      );
      const outSize = size(shape.slice(0, -1));
      const axis = shape.length - 1;
      const [c, w] = readBoth(cpu.logSumExp(x.c, axis), wasm.logSumExp(x.w, axis), outSize);
      expectClose(w, c, 1e-6, 1e-6);
      if (shape.length === 3) {
        const [c1, w1] = readBoth(cpu.logSumExp(x.c, 1), wasm.logSumExp(x.w, 1), 2 * 4);
        expectClose(w1, c1, 1e-6, 1e-6);
      }
    });
  }
  it('logsumexp of rows holding −∞ only, +∞ or NaN', () => {
    const x = both(new Float32Array([-Infinity, -Infinity, 1, Infinity, NaN, 0, 1, 2]), [4, 2]);
    const [c, w] = readBoth(cpu.logSumExp(x.c, 1), wasm.logSumExp(x.w, 1), 4);
    expect(Array.from(w).map(String)).toEqual(Array.from(c).map(String));
  });
});

describe('wasm backend: gather / scatterAdd parity (exact)', () => {
  // [x shape, axis, index length along the axis]
  const cases: [number[], number, number][] = [
    [[7], 0, 11],
    [[7, 5], 0, 3],
    [[7, 5], 1, 9],
    [[3, 7, 4], 1, 13],
    [[1, 1], 0, 1],
    [[4, 1031], 1, 517],
  ];
  for (const [shape, axis, e] of cases) {
    it(`x [${shape}] axis ${axis}, index length ${e}`, () => {
      const r = shape[axis]!;
      const idxShape = shape.map((d, i) => (i === axis ? e : d));
      const idx = Int32Array.from(rand(size(idxShape), e), (v) => Math.floor(((v + 1) / 2) * r) % r);
      const index = both(idx, idxShape, 'int32');
      for (const dtype of ['float32', 'int32'] as const) {
        const vals = rand(size(shape), 9);
        const x = both(
          dtype === 'float32' ? vals : Int32Array.from(vals, (v) => Math.round(v * 9)),
          shape,
          dtype,
        );
        const [c, w] = readBoth(
          cpu.gather(x.c, index.c, axis),
          wasm.gather(x.w, index.w, axis),
          size(idxShape),
          dtype,
        );
        expect(Array.from(w)).toEqual(Array.from(c));
      }
      const src = both(rand(size(idxShape), 10), idxShape);
      const [c, w] = readBoth(
        cpu.scatterAdd(src.c, index.c, axis, shape),
        wasm.scatterAdd(src.w, index.w, axis, shape),
        size(shape),
      );
      // Same summation order as the TypeScript kernel: identical results.
      expect(Array.from(w)).toEqual(Array.from(c));
    });
  }
  it('gather and scatterAdd with an index smaller than x off the axis (TS fallback)', () => {
    const x = both(rand(20, 1), [4, 5]);
    const index = both(new Int32Array([4, 0, 3, 1, 2, 2]), [2, 3], 'int32');
    const [c, w] = readBoth(cpu.gather(x.c, index.c, 1), wasm.gather(x.w, index.w, 1), 6);
    expect(Array.from(w)).toEqual(Array.from(c));
    // gather's gradient: scatter [2, 3] back onto x's shape [4, 5].
    const dy = both(rand(6, 2), [2, 3]);
    const [c2, w2] = readBoth(
      cpu.scatterAdd(dy.c, index.c, 1, [4, 5]),
      wasm.scatterAdd(dy.w, index.w, 1, [4, 5]),
      20,
    );
    expect(Array.from(w2)).toEqual(Array.from(c2));
  });
  it('rejects an out-of-range index with the CPU message', () => {
    const x = both(rand(6, 1), [3, 2]);
    const index = both(new Int32Array([0, 1, 3, 0, 1, 2]), [3, 2], 'int32');
    expect(() => wasm.gather(x.w, index.w, 0)).toThrow(ErlangenError);
    expect(() => wasm.gather(x.w, index.w, 0)).toThrow(
      /expected values in \[0, 2\] but received 3 at position 2/,
    );
    expect(() => wasm.scatterAdd(x.w, index.w, 0, [3, 2])).toThrow(
      /expected values in \[0, 2\] but received 3 at position 2/,
    );
  });
});

describe('wasm backend: memory', () => {
  it('size classes bound the waste to 25 %', () => {
    for (const b of [1, 63, 64, 65, 1000, 1025, 4096, 5000, 1 << 20, (1 << 20) + 1]) {
      const c = WasmHeap.classOf(b);
      expect(c).toBeGreaterThanOrEqual(b);
      expect(c % 64).toBe(0);
      if (b > 1024) expect(c).toBeLessThanOrEqual(b * 1.25 + 64);
    }
  });

  it('reuses freed space: a loop of matmuls does not grow the heap', () => {
    const b = WasmBackend.create();
    const a = b.upload(rand(64 * 96, 1), 'float32');
    const g: MatmulGeometry = {
      batch: 1,
      batchA: 1,
      batchB: 1,
      m: 64,
      k: 96,
      n: 64,
      transA: false,
      transB: true,
    };
    const info = { id: a, shape: [64, 96], dtype: 'float32' as const };
    const step = () => {
      const c = b.matmul(info, info, g);
      const d = b.binary(
        'add',
        { id: c, shape: [64, 64], dtype: 'float32' },
        { id: c, shape: [64, 64], dtype: 'float32' },
        [64, 64],
        'float32',
      );
      b.release(c);
      b.release(d);
    };
    step();
    const top = b.heap.reservedTop;
    const live = b.heap.liveBytes;
    for (let i = 0; i < 200; i++) step();
    expect(b.heap.reservedTop).toBe(top);
    expect(b.heap.liveBytes).toBe(live);
  });

  it('grows the memory past its initial size and keeps every tensor intact', () => {
    const b = WasmBackend.create(1); // 64 KiB to start
    const before = b.memory.buffer.byteLength;
    const small = rand(100, 2);
    const s = b.upload(small, 'float32');
    const ids: DataId[] = [];
    for (let i = 0; i < 8; i++) ids.push(b.upload(rand(1 << 18, i), 'float32')); // 8 × 1 MiB
    expect(b.memory.buffer.byteLength).toBeGreaterThan(before + 8 * (1 << 20) - 1);
    expect(Array.from(b.readSync(s, 'float32', 100))).toEqual(Array.from(small));
    for (let i = 0; i < 8; i++) {
      const got = b.readSync(ids[i]!, 'float32', 1 << 18);
      const want = rand(1 << 18, i);
      let mismatches = 0;
      for (let j = 0; j < want.length; j++) if (got[j] !== want[j]) mismatches++;
      expect(mismatches).toBe(0);
    }
    // A kernel whose scratch forces a grow mid-call still reads its inputs correctly.
    const m = 300;
    const a = b.upload(rand(m * m, 5), 'float32');
    const g: MatmulGeometry = { batch: 1, batchA: 1, batchB: 1, m, k: m, n: m, transA: false, transB: false };
    const info = { id: a, shape: [m, m], dtype: 'float32' as const };
    const ref = cpu.matmul(
      { id: cpu.upload(rand(m * m, 5), 'float32'), shape: [m, m], dtype: 'float32' },
      { id: cpu.upload(rand(m * m, 5), 'float32'), shape: [m, m], dtype: 'float32' },
      g,
    );
    expectClose(b.readSync(b.matmul(info, info, g), 'float32', m * m), cpu.readSync(ref), 3e-3);
  });
});

describe("wasm backend: ops and gradients through setBackend('wasm')", () => {
  let previous = 'cpu';
  beforeAll(async () => {
    previous = getBackend();
    registerWasmBackend();
  });
  afterAll(async () => {
    await setBackend(previous);
  });

  it('a conv net gives the same loss and gradients on cpu and wasm', async () => {
    await setBackend('cpu');
    const ref = convNetLossAndGrads('cpu');
    await setBackend('wasm');
    expect(getBackend()).toBe('wasm');
    const got = convNetLossAndGrads('wasm');
    for (let i = 0; i < ref.length; i++) expectClose(got[i]!, ref[i]!, 1e-5, 1e-3);
  });

  it('every primitive kernel runs on wasm (SIMD or TS fallback) and matches cpu', async () => {
    // One op per primitive kernel not covered above; values compared exactly except where noted.
    const sweep = (name: string): TypedArray[] => {
      const x = tensor(rand(2 * 3 * 6 * 5, 40), [2, 3, 6, 5]).to(name);
      const idx = tensor(new Int32Array([2, 0, 1, 1]), [4], 'int32').to(name);
      const gidx = tensor(new Int32Array([4, 0, 3, 3, 1, 2]), [2, 3], 'int32').to(name);
      const m = x.reshape([6, 30]);
      return [
        arange(0, 7, 2).to(name),
        x.permute([0, 2, 1, 3]).flip([3]),
        cast(x.mul(10), 'int32'),
        pad(m, [
          [1, 0],
          [2, 3],
        ]),
        concat([m, m.neg()], 1),
        x.exp().sqrt(),
        x.maximum(x.permute([0, 1, 3, 2]).reshape([2, 3, 6, 5])),
        where(x.gt(0), x, x.mul(0.5)),
        x.sum([1, 3]),
        argmax(x, 2),
        logsumexp(x, 3),
        cumsum(x, 1, { reverse: true }),
        maxPool2d(x, 2),
        indexSelect(m, 0, idx),
        indexAdd(m.narrow(0, 0, 4), 0, idx, 6),
        gather(m.narrow(1, 0, 5), 1, tile(gidx, [3, 1])),
        scatterAdd(m.narrow(1, 0, 3), tile(gidx, [3, 1]).narrow(1, 0, 3), 1, 5),
        randn([17], { generator: new Generator(7) }).to(name),
      ].map((t) => t.dataSync());
    };
    await setBackend('cpu');
    const ref = sweep('cpu');
    await setBackend('wasm');
    const got = sweep('wasm');
    // exp / sqrt (5) and logsumexp (10) run vectorised approximations (≤ 2 ulp) on wasm.
    const approximate = new Set([5, 10]);
    for (let i = 0; i < ref.length; i++) {
      expect(got[i]!.constructor, `output ${i}`).toBe(ref[i]!.constructor);
      if (approximate.has(i)) expectClose(got[i]!, ref[i]!, 1e-6, 1e-6);
      else expectClose(got[i]!, ref[i]!, 0, 0);
    }
  });

  it('tensors created on wasm live in its memory and read back', async () => {
    await setBackend('wasm');
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(a.backend.name).toBe('wasm');
    expect(a.add(1).mul(a).sum().item()).toBe(2 + 6 + 12 + 20 + 30 + 42);
    expect(a.matmul(a.transpose(0, 1)).arraySync()).toEqual([
      [14, 32],
      [32, 77],
    ]);
  });
});
