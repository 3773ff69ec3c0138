import { afterAll, describe, expect, it } from 'vitest';
import { createWebGPUBackend } from '../src/backend/webgpu/index.js';
import * as ops from '../src/index.js';
import {
  arange,
  bmm,
  cast,
  concat,
  conv2d,
  full,
  Generator,
  gather,
  indexAdd,
  indexSelect,
  maxPool2d,
  pad,
  rand,
  randn,
  registerBackend,
  scatterAdd,
  setBackend,
  type Tensor,
  tensor,
  toBackendAsync,
  where,
} from '../src/index.js';
import { trainingGradientsParity } from './parity-helpers.js';
import { compareArrays as compare, randomTensors, setUpWebGPU, type Tol } from './webgpu-setup.js';

// Parity of the 'webgpu' backend with the CPU reference: every primitive kernel through the public
// ops, on random inputs whose sizes are not multiples of the tile sizes. Without an adapter the suite
// is skipped with the reason, except under CI=true, where a missing adapter fails the run.

const { backend, unavailable, skip } = await setUpWebGPU();
const randT = randomTensors(1);
const ints = (shape: number[], lo: number, hi: number) => cast(ops.floor(randT(shape, lo, hi)), 'int32');
let target = 'webgpu';
const gpu = (t: Tensor) => t.to(target);

const MM: Tol = { rtol: 1e-4, atol: 1e-5 };
const FN: Tol = { rtol: 2e-5, atol: 2e-6 };

/** Runs `f` on CPU inputs and on their webgpu copies and compares the results. */
async function parity(what: string, f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], tol: Tol = 'exact') {
  const c = f(...inputs);
  const g = f(...inputs.map(gpu));
  expect(g.backend.name).toBe('webgpu');
  expect(g.shape).toEqual(c.shape);
  expect(g.dtype).toBe(c.dtype);
  compare(await g.data(), await c.data(), tol, what);
}

/** Parity of a creation op, which runs on the active backend. */
async function parityCreate(what: string, f: () => Tensor, tol: Tol = 'exact') {
  const c = f();
  await setBackend('webgpu');
  let g: Tensor;
  try {
    g = f();
  } finally {
    await setBackend('cpu');
  }
  expect(g.backend.name).toBe('webgpu');
  expect(g.shape).toEqual(c.shape);
  expect(g.dtype).toBe(c.dtype);
  compare(await g.data(), await c.data(), tol, what);
}

// Generous per-test timeouts: lavapipe compiles each pipeline on the CPU, slow on a loaded machine.
describe.skipIf(skip)('webgpu backend', { timeout: 60_000 }, () => {
  afterAll(async () => {
    await setBackend('cpu');
    // Dawn's worker threads must stop before the process exits, or lavapipe aborts at exit.
    backend?.destroy();
  });

  it('has an adapter', () => {
    expect(unavailable).toBeNull();
    expect(backend!.canReadSync).toBe(false);
  });

  it('uploads and reads every dtype; readSync refuses', async () => {
    const f = tensor([1.5, -2, Number.NaN, Number.POSITIVE_INFINITY]);
    const i = tensor(Int32Array.from([1, -7, 2 ** 31 - 1, 0]), [4]);
    const b = tensor([true, false, true], [3], 'bool');
    for (const t of [f, i, b]) compare(await gpu(t).data(), await t.data(), 'exact', 'upload');
    expect(() => gpu(f).dataSync()).toThrow(/await t.data\(\)/);
    const back = await toBackendAsync(gpu(i), 'cpu');
    expect(Array.from(back.dataSync())).toEqual([1, -7, 2 ** 31 - 1, 0]);
  });

  it('fill, arange, cast', async () => {
    await parityCreate('full f32', () => full([3, 5], 0.1));
    await parityCreate('full i32', () => full([7], -3.7, 'int32'));
    await parityCreate('full bool', () => full([2, 2], 1, 'bool'));
    await parityCreate('arange int', () => arange(-5, 37, 3, 'int32'));
    await parityCreate('arange f32', () => arange(-1, 1, 0.1), FN);
    const x = tensor([-2.7, -0.5, 0, 0.4, 1.5, 3.9, Number.NaN, 1e10, -0]);
    for (const dt of ['int32', 'bool'] as const)
      await parity(`cast f32→${dt}`, (t) => cast(t, dt), [x.slice([[0, 6]])]);
    await parity('cast nan→bool', (t) => cast(t, 'bool'), [x]);
    const i = ints([9], -5, 5);
    await parity('cast i32→f32', (t) => cast(t, 'float32'), [i]);
    await parity('cast i32→bool', (t) => cast(t, 'bool'), [i]);
    await parity(
      'cast bool→i32/f32',
      (t) => cast(cast(t, 'bool'), 'int32').add(cast(cast(t, 'bool'), 'float32')),
      [i],
    );
  });

  it('movement: copyStrided (permute, slice, expand, flip), pad, concat', async () => {
    const x = randT([3, 5, 7, 2]);
    await parity('permute', (t) => t.permute([2, 0, 3, 1]), [x]);
    await parity('slice', (t) => t.slice([[1, 3], null, [2, 7]]), [x]);
    await parity('expand', (t) => t.expand([4, 3, 5]), [randT([3, 1])]);
    await parity('flip', (t) => t.flip([0, 2]), [x]);
    await parity(
      'clone',
      (t) =>
        t
          .permute([1, 0, 2, 3])
          .reshape([15, 14])
          .slice([[2, 9]]),
      [x],
    );
    await parity(
      'pad',
      (t) =>
        pad(
          t,
          [
            [1, 2],
            [0, 0],
            [-1, 3],
            [2, -1],
          ],
          'constant',
          0.5,
        ),
      [x],
    );
    await parity('pad int', (t) => pad(t, [[2, 1]], 'constant', -3), [ints([5], -9, 9)]);
    await parity('concat', (a, b, c) => concat([a, b, c], 1), [
      randT([2, 3, 4]),
      randT([2, 1, 4]),
      randT([2, 5, 4]),
    ]);
    await parity('concat bool', (a, b) => concat([a.gt(0), b.gt(0)], 0), [randT([3, 2]), randT([1, 2])]);
  });

  it('unary: all 29 ops', async () => {
    const x = randT([67], -3, 3);
    const pos = randT([67], 0.01, 4);
    const unit = randT([67], -0.99, 0.99);
    const small = tensor([1e-7, -3e-6, 1e-3, -0.02, 0.3, -0.7, 5, -12, 40, -100, 0, 0.5, 2.5, -1.5]);
    const fns: [string, (t: Tensor) => Tensor, Tensor][] = [
      ['neg', ops.neg, x],
      ['abs', ops.abs, x],
      ['sign', ops.sign, x],
      ['exp', ops.exp, x],
      ['log', ops.log, pos],
      ['log1p', ops.log1p, small.abs()],
      ['expm1', ops.expm1, small.slice([[0, 9]])],
      ['sqrt', ops.sqrt, pos],
      ['rsqrt', ops.rsqrt, pos],
      ['square', ops.square, x],
      ['reciprocal', ops.reciprocal, pos],
      ['sin', ops.sin, x],
      ['cos', ops.cos, x],
      ['tan', ops.tan, unit],
      ['asin', ops.asin, unit],
      ['acos', ops.acos, unit],
      ['atan', ops.atan, x],
      ['sinh', ops.sinh, small.slice([[0, 9]])],
      ['cosh', ops.cosh, x],
      ['tanh', ops.tanh, small],
      ['sigmoid', ops.sigmoid, small],
      ['relu', ops.relu, x],
      ['floor', ops.floor, x],
      ['ceil', ops.ceil, x],
      ['round', ops.round, small],
      ['erf', ops.erf, small],
      ['logicalNot', ops.logicalNot, small],
      ['isNaN', ops.isNaN, tensor([0, Number.NaN, Number.POSITIVE_INFINITY])],
      ['isFinite', ops.isFinite, tensor([0, Number.NaN, Number.NEGATIVE_INFINITY])],
    ];
    for (const [name, f, input] of fns) await parity(name, f, [input], FN);
    const i = ints([33], -20, 20);
    const intUnary = {
      neg: ops.neg,
      abs: ops.abs,
      sign: ops.sign,
      square: ops.square,
      relu: ops.relu,
      logicalNot: ops.logicalNot,
    };
    for (const [name, f] of Object.entries(intUnary)) await parity(`${name} int`, f, [i]);
    // Lengths divisible by 4 take the vec4 kernel (four elements per thread).
    const widen = (t: Tensor) => concat([t, t.flip(0), t.neg(), t.mul(0.5)]);
    for (const [name, f, input] of fns) await parity(`${name} vec4`, f, [widen(input)], FN);
    await parity('relu NaN', (t) => t.relu(), [tensor([Number.NaN, -1, 2])]);
  });

  it('binary: all 17 ops with broadcasting, float and int', async () => {
    const a = randT([4, 1, 19], -3, 3);
    const b = randT([5, 1], -3, 3);
    const binaryOps = {
      add: ops.add,
      sub: ops.sub,
      mul: ops.mul,
      div: ops.div,
      pow: ops.pow,
      maximum: ops.maximum,
      minimum: ops.minimum,
      mod: ops.mod,
      atan2: ops.atan2,
      equal: ops.equal,
      notEqual: ops.notEqual,
      less: ops.less,
      lessEqual: ops.lessEqual,
      greater: ops.greater,
      greaterEqual: ops.greaterEqual,
      logicalAnd: ops.logicalAnd,
      logicalOr: ops.logicalOr,
    };
    for (const [op, f] of Object.entries(binaryOps)) {
      await parity(op, (x, y) => f(x, op === 'pow' ? ops.round(y) : y), [a, b], FN);
    }
    await parity('pow positive base', (x, y) => x.pow(y), [randT([23], 0.1, 3), randT([23], -2, 2)], FN);
    await parity('same-shape add', (x, y) => x.add(y), [randT([300]), randT([300])]);
    const ia = ints([6, 7], -9, 9);
    const ib = ints([7], -4, 4);
    const intOps = [
      'add',
      'sub',
      'mul',
      'maximum',
      'minimum',
      'mod',
      'equal',
      'less',
      'greaterEqual',
    ] as const;
    for (const op of intOps) await parity(`${op} int`, binaryOps[op], [ia, ib]);
    await parity('bool logic', (x, y) => ops.logicalOr(ops.logicalAnd(x.gt(0), y.gt(0)), x.lt(-0.5)), [
      randT([6, 7]),
      randT([7]),
    ]);
    // Fast paths: whole operands and rows of length % 4 == 0 (vec4), and operands whose
    // non-broadcast axes are one contiguous block (read at (i / p) % q), for every op.
    const shapes: [string, number[], number[]][] = [
      ['vec4 same shape', [6, 20], [6, 20]],
      ['vec4 bias row', [7, 3, 12], [12]],
      ['vec4 row both sides', [3, 1, 8], [5, 8]],
      ['periodic middle axis', [3, 4, 5], [4, 1]],
      ['periodic column', [7, 5], [7, 1]],
      ['periodic scalar', [9, 4], [1]],
      ['periodic odd row', [4, 7], [7]],
    ];
    for (const [what, sa, sb] of shapes) {
      const x = randT(sa, -3, 3);
      const y = randT(sb, -3, 3);
      for (const [op, f] of Object.entries(binaryOps)) {
        await parity(`${op} ${what}`, (p, q) => f(p, op === 'pow' ? ops.round(q) : q), [x, y], FN);
        await parity(`${op} ${what} swapped`, (p, q) => f(q, op === 'pow' ? ops.round(p) : p), [x, y], FN);
      }
      await parity(`int add ${what}`, (p, q) => ops.add(p, q), [ints(sa, -9, 9), ints(sb, -9, 9)]);
    }
    const nan = tensor([Number.NaN, 1, -2, Number.NaN]);
    await parity('maximum/minimum NaN', (x, y) => ops.maximum(x, y).add(ops.minimum(x, y)), [
      nan,
      tensor([0, Number.NaN, 3, 4]),
    ]);
    await parity(
      'mod signs',
      (x, y) => ops.mod(x, y),
      [tensor([5, -5, 5, -5, 7.5]), tensor([3, 3, -3, -3, 2])],
      FN,
    );
  });

  it('where with broadcasting', async () => {
    await parity('where', (c, a, b) => where(c.gt(0), a, b), [randT([3, 1, 5]), randT([4, 5]), randT([1])]);
    await parity('where periodic (same shape and scalar)', (c, a) => where(c.gt(0), a, 0.5), [
      randT([5, 7]),
      randT([5, 7]),
    ]);
    await parity('where periodic (rows and columns)', (c, a, b) => where(c.gt(0), a, b), [
      randT([4, 1, 6]),
      randT([3, 6]),
      randT([4, 3, 1]),
    ]);
    await parity('where int', (c, a, b) => where(c.gt(0), a, b), [
      randT([7]),
      ints([7], -5, 5),
      ints([1], 0, 9),
    ]);
  });

  it('reductions: reduce, argReduce, logSumExp, cumsum', async () => {
    const x = randT([5, 37, 3, 4]);
    const reductions = { sum: ops.sum, max: ops.max, min: ops.min, prod: ops.prod };
    for (const [op, f] of Object.entries(reductions)) {
      await parity(`${op} axis 1`, (t) => f(t, 1), [x], MM);
      await parity(`${op} axes 0,2`, (t) => f(t, [0, 2]), [x], MM);
      await parity(`${op} all`, (t) => f(t), [x.slice([[0, 1]])], MM);
    }
    // Non-contiguous axes reduce run by run, last run first: [2, 3] then [0]; [4], [2], [0].
    await parity('sum axes 0,2,3 (bias gradient)', (t) => ops.sum(t, [0, 2, 3]), [randT([3, 4, 5, 6])], MM);
    await parity('max axes 0,2,4', (t) => ops.max(t, [0, 2, 4]), [randT([2, 3, 4, 5, 3])]);
    await parity('prod axes 0,2', (t) => ops.prod(t, [0, 2]), [randT([3, 4, 5], 0.9, 1.1)], MM);
    // Long rows with few outputs take the workgroup-tree kernel.
    const long = randT([2, 3001, 3]);
    await parity('sum long rows', (t) => t.sum(1), [long], MM);
    await parity('sum long row', (t) => t.sum(), [randT([5000])], MM);
    await parity('max/min long rows', (t) => t.max(1).sub(t.min(1)), [long]);
    await parity('prod long row', (t) => ops.prod(t, 1), [randT([2, 2000], 0.999, 1.001)], MM);
    await parity('max long row NaN', (t) => t.max(), [
      tensor(Float32Array.from({ length: 3000 }, (_, i) => (i === 1777 ? Number.NaN : i))),
    ]);
    await parity('sum int long row', (t) => t.sum(), [ints([4000], -50, 50)]);
    await parity('sum int', (t) => t.sum(0), [ints([40, 3], -100, 100)]);
    await parity('max NaN', (t) => t.max(1).add(t.min(1)), [tensor([1, Number.NaN, 3, 4, 5, 6], [2, 3])]);
    await parity('argmax', (t) => t.argmax(1), [x]);
    await parity('argmin', (t) => t.argmin(3), [x]);
    await parity('argmax NaN/ties', (t) => t.argmax(1), [tensor([1, 3, 3, 2, Number.NaN, 9], [2, 3])]);
    await parity('argmax int', (t) => t.argmax(0), [ints([9, 4], -3, 3)]);
    await parity('logsumexp', (t) => t.logsumexp(1), [x], MM);
    await parity(
      'logsumexp inf',
      (t) => t.logsumexp(1),
      [
        tensor(
          [
            1,
            Number.NEGATIVE_INFINITY,
            2,
            Number.NEGATIVE_INFINITY,
            Number.NEGATIVE_INFINITY,
            Number.NEGATIVE_INFINITY,
          ],
          [2, 3],
        ),
      ],
      MM,
    );
    await parity('cumsum', (t) => t.cumsum(1), [x], MM);
    await parity('cumsum excl reverse', (t) => ops.cumsum(t, 2, { exclusive: true, reverse: true }), [x], MM);
    await parity('cumsum int', (t) => t.cumsum(0), [ints([11, 2], -5, 5)]);
  });

  it('matmul: tiles, transposes, batch broadcast', async () => {
    await parity('mm 1x1', (a, b) => a.matmul(b), [randT([1, 1]), randT([1, 1])], MM);
    await parity('mm 67x45 @ 45x130', (a, b) => a.matmul(b), [randT([67, 45]), randT([45, 130])], MM);
    await parity('mm vec', (a, b) => a.matmul(b), [randT([33]), randT([33, 5])], MM);
    await parity('bmm broadcast', (a, b) => a.matmul(b), [randT([3, 17, 70]), randT([1, 70, 9])], MM);
    // m = 19 takes the thin (thread-per-output) kernel, m = 45 the 64×64 tiles.
    for (const m of [19, 45]) {
      for (const [ta, tb] of [
        [true, false],
        [false, true],
        [true, true],
      ] as const) {
        const a = ta ? randT([2, 40, m]) : randT([2, m, 40]);
        const b = tb ? randT([2, 65, 40]) : randT([2, 40, 65]);
        await parity(
          `bmm m=${m} transA=${ta} transB=${tb}`,
          (x, y) => bmm(x, y, { transA: ta, transB: tb }),
          [a, b],
          MM,
        );
      }
    }
  });

  it('thin matmuls (fewer than 32 rows or columns): one thread per output', async () => {
    // The shapes of a small MLP's forward and gradients, a long k with a tiny output (weight
    // gradient), batch broadcast on either side, and a wide-but-short product.
    await parity('x·W', (a, b) => a.matmul(b), [randT([3276, 12]), randT([12, 10])], MM);
    await parity(
      'Xᵀ·dY (long k)',
      (x, y) => bmm(x, y, { transA: true }),
      [randT([1, 700, 12]), randT([1, 700, 10])],
      MM,
    );
    await parity(
      'dY·Wᵀ',
      (x, y) => bmm(x, y, { transB: true }),
      [randT([1, 300, 10]), randT([1, 12, 10])],
      MM,
    );
    await parity('broadcast A', (a, b) => a.matmul(b), [randT([1, 5, 33]), randT([4, 33, 70])], MM);
    await parity('broadcast B', (a, b) => a.matmul(b), [randT([4, 70, 33]), randT([1, 33, 6])], MM);
    await parity('short and wide', (a, b) => a.matmul(b), [randT([3, 200]), randT([200, 300])], MM);
    // The thin and tiled kernels accumulate k in the same order with FMAs: equal values.
    const tiled = await createWebGPUBackend({ matmulTile: 64 });
    try {
      const a = Float32Array.from({ length: 19 * 40 }, (_, i) => Math.sin(i));
      const b = Float32Array.from({ length: 40 * 7 }, (_, i) => Math.cos(i));
      const run = async (backend: typeof tiled) => {
        const ia = { id: backend.upload(a, 'float32'), shape: [19, 40], dtype: 'float32' as const };
        const ib = { id: backend.upload(b, 'float32'), shape: [40, 7], dtype: 'float32' as const };
        const geometry = { batch: 1, m: 19, k: 40, n: 7, transA: false, transB: false, batchA: 1, batchB: 1 };
        return backend.read(backend.matmul(ia, ib, geometry), 'float32', 19 * 7);
      };
      const thin = await createWebGPUBackend();
      try {
        expect(Array.from(await run(thin))).toEqual(Array.from(await run(tiled)));
      } finally {
        thin.destroy();
      }
    } finally {
      tiled.destroy();
    }
  });

  it('conv2d forward and both gradients, maxPool2d and its gradient', async () => {
    const cases = [
      { x: [2, 3, 9, 11], w: [4, 3, 3, 3], opts: { padding: 1 } },
      {
        x: [1, 4, 10, 7],
        w: [6, 2, 3, 2],
        opts: {
          stride: [2, 1] as [number, number],
          padding: [2, 0] as [number, number],
          dilation: 2,
          groups: 2,
        },
      },
      { x: [3, 1, 5, 5], w: [2, 1, 1, 1], opts: {} },
      // Several blocks of 4 channels per group, partial last blocks (9 = 4 + 4 + 1 outputs, 5 inputs).
      { x: [2, 15, 8, 9], w: [27, 5, 3, 3], opts: { padding: 1, groups: 3 } },
    ];
    for (const c of cases) {
      const x = randT(c.x);
      const w = randT(c.w);
      const fwd = (a: Tensor, b: Tensor) => conv2d(a, b, null, c.opts);
      await parity(`conv2d ${c.x}`, fwd, [x, w], MM);
      const grads = async (a: Tensor, b: Tensor) => {
        a.requiresGrad = true;
        b.requiresGrad = true;
        const y = fwd(a, b);
        y.mul(y.detach().add(0.5)).sum().backward();
        return [await a.grad!.data(), await b.grad!.data()];
      };
      const [cx, cw] = await grads(x.clone(), w.clone());
      const [gx, gw] = await grads(gpu(x), gpu(w));
      compare(gx!, cx!, MM, 'conv2dGradInput');
      compare(gw!, cw!, MM, 'conv2dGradFilter');
    }
    const x = randT([2, 3, 9, 8]);
    // {} and { padding: 1 } (stride = kernel) take the disjoint-window gradient kernel.
    for (const opts of [
      {},
      { padding: 1 },
      { stride: 1, padding: 1 },
      { stride: 2, padding: 1, dilation: 2 },
    ]) {
      await parity(`maxPool2d ${JSON.stringify(opts)}`, (t) => maxPool2d(t, 3, opts), [x]);
      const grad = async (t: Tensor) => {
        t.requiresGrad = true;
        maxPool2d(t, 3, opts).mul(1.5).sum().backward();
        return t.grad!.data();
      };
      const xg = gpu(x);
      compare(await grad(xg), await grad(x.clone()), 'exact', 'maxPool2dGrad');
    }
    // 2×2 windows with ties and a NaN; the last row and column belong to no window (gradient 0).
    const tied = tensor(
      [1, 1, 2, 0, 5, Number.NaN, 3, 3, 3, 3, 0, 1, 2, 2, 7, 7, 2, 4, 1, 1, 9],
      [1, 1, 3, 7],
    );
    const tiedGrad = async (t: Tensor) => {
      t.requiresGrad = true;
      maxPool2d(t, 2)
        .mul(tensor([1, 2, 3]).to(t.backend.name))
        .sum()
        .backward();
      return t.grad!.data();
    };
    compare(await tiedGrad(gpu(tied)), await tiedGrad(tied.clone()), 'exact', 'maxPool2dGrad 2x2 ties/NaN');
    await parity('maxPool2d NaN', (t) => maxPool2d(t, 2), [
      tensor([1, Number.NaN, 3, 4, 5, 6, 7, 8], [1, 1, 2, 4]),
    ]);
  });

  it('indexing: indexSelect, indexAdd, gather, scatterAdd', async () => {
    const x = randT([6, 5, 3]);
    const idx = tensor(Int32Array.from([4, 0, 0, 2, 4, 1, 3]), [7]);
    await parity('indexSelect 0', (t, i) => indexSelect(t, 0, i), [x, idx]);
    await parity('indexSelect 1', (t, i) => indexSelect(t, 1, i), [x, idx]);
    await parity('indexAdd', (s, i) => indexAdd(s, 1, i, 5), [randT([2, 7, 3]), idx], MM);
    await parity('indexAdd int', (s, i) => indexAdd(s, 0, i, 6), [ints([7, 2], -9, 9), idx]);
    const gi = ints([6, 4, 3], 0, 5);
    await parity('gather', (t, i) => gather(t, 1, i), [x, gi]);
    await parity('scatterAdd', (s, i) => scatterAdd(s, i, 1, 5), [randT([6, 4, 3]), gi], MM);
    await parity('scatterAdd int', (s, i) => scatterAdd(s, i, 1, 5), [ints([6, 4, 3], -9, 9), gi]);
    // Many collisions onto few buckets: the CAS loop must not lose updates.
    const many = ints([4000], 0, 3);
    await parity('indexAdd collisions', (s, i) => indexAdd(s, 0, i, 3), [full([4000], 0.25), many], MM);
  });

  it('random: identical Threefry streams', async () => {
    const draw = async (name: string) => {
      await setBackend(name);
      try {
        const g = new Generator(42);
        const u = rand([1001], { generator: g });
        const n = randn([517], { generator: g });
        return [await u.data(), await n.data(), await rand([3], {}).data()];
      } finally {
        await setBackend('cpu');
      }
    };
    const [cu, cn] = await draw('cpu');
    const [gu, gn, third] = await draw('webgpu');
    compare(gu!, cu!, 'exact', 'rand');
    compare(gn!, cn!, { rtol: 1e-5, atol: 1e-5 }, 'randn');
    expect(third!.length).toBe(3);
  });

  it('gradients of a small MLP and a small conv net match the CPU', () =>
    trainingGradientsParity(randT, gpu, compare, MM));

  it('reports out-of-range sizes and unusable reads clearly', async () => {
    const b = backend!;
    expect(() => b.readSync()).toThrow(/asynchronously/);
    const huge = b.device.limits.maxStorageBufferBindingSize / 4 + 1;
    expect(() => b.fill([huge], 0, 'float32')).toThrow(/maxStorageBufferBindingSize/);
  });

  it('skips out-of-range indices instead of throwing (documented GPU behaviour)', async () => {
    const x = gpu(tensor([1, 2, 3]));
    const bad = gpu(tensor(Int32Array.from([2, 7, -1]), [3]));
    expect(Array.from(await indexSelect(x, 0, bad).data())).toEqual([3, 0, 0]);
    expect(Array.from(await indexAdd(x, 0, bad, 3).data())).toEqual([0, 0, 1]);
  });

  it('reuses released buffers from the pool', async () => {
    const b = backend!;
    const a = gpu(randT([1000]));
    await a.data();
    const buffer = (a.id as { buffer: unknown }).buffer;
    a.dispose();
    const c = gpu(randT([990]));
    expect((c.id as { buffer: unknown }).buffer).toBe(buffer);
    c.dispose();
    expect(b.canReadSync).toBe(false);
  });

  it('splits grids beyond maxComputeWorkgroupsPerDimension', async () => {
    const small = await createWebGPUBackend({ maxWorkgroupsPerDimension: 3 });
    registerBackend('webgpu-small-grid', () => small);
    await setBackend('webgpu-small-grid');
    await setBackend('cpu');
    target = 'webgpu-small-grid';
    try {
      expect(gpu(randT([1])).backend).toBe(small);
      // 2-D grid for the 1-D kernels (> 3·256 threads), row- and batch-chunked matmul dispatches.
      await parity('2-D grid', (x) => ops.exp(x).add(1), [randT([7, 300])], FN);
      await parity('chunked matmul', (a, c) => a.matmul(c), [randT([5, 200, 20]), randT([5, 20, 40])], MM);
      await parity(
        '2-D grid thin matmul',
        (a, c) => a.matmul(c),
        [randT([2, 100, 20]), randT([2, 20, 9])],
        MM,
      );
    } finally {
      target = 'webgpu';
      small.destroy();
    }
  });

  it('matmul with 128×128 tiles (forced): partial tiles, transposes, batch broadcast, chunked grid', async () => {
    const wide = await createWebGPUBackend({ matmulTile: 128, maxWorkgroupsPerDimension: 3 });
    registerBackend('webgpu-tile-128', () => wide);
    await setBackend('webgpu-tile-128');
    await setBackend('cpu');
    target = 'webgpu-tile-128';
    try {
      await parity('mm128 1x1', (a, c) => a.matmul(c), [randT([1, 1]), randT([1, 1])], MM);
      await parity('mm128 520x45 @ 45x260', (a, c) => a.matmul(c), [randT([520, 45]), randT([45, 260])], MM);
      await parity(
        'mm128 batch broadcast',
        (a, c) => a.matmul(c),
        [randT([5, 130, 70]), randT([1, 70, 129])],
        MM,
      );
      for (const [ta, tb] of [
        [true, false],
        [false, true],
        [true, true],
      ] as const) {
        const a = ta ? randT([2, 37, 140]) : randT([2, 140, 37]);
        const b = tb ? randT([2, 131, 37]) : randT([2, 37, 131]);
        await parity(
          `mm128 transA=${ta} transB=${tb}`,
          (x, y) => bmm(x, y, { transA: ta, transB: tb }),
          [a, b],
          MM,
        );
      }
    } finally {
      target = 'webgpu';
      wide.destroy();
    }
    // The automatic choice takes 128×128 tiles from 256 of them on: 16 batches of 520×520.
    await parity(
      'mm auto 128 tiles',
      (a, c) => a.matmul(c),
      [randT([16, 520, 24]), randT([16, 24, 520])],
      MM,
    );
  });

  it('a lost device fails the next op and pending reads with a clear error, never hangs', async () => {
    const b = await createWebGPUBackend();
    const x = b.upload(Float32Array.from([1, 2, 3]), 'float32');
    const info = { id: x, shape: [3], dtype: 'float32' as const };
    const y = b.unary('exp', info, 'float32');
    const pending = b.read(y, 'float32', 3);
    b.device.destroy();
    await expect(pending).rejects.toThrow(/lost|destroyed/);
    await new Promise((r) => setTimeout(r, 10));
    expect(() => b.unary('exp', info, 'float32')).toThrow(/device was lost/);
    await expect(b.read(x, 'float32', 3)).rejects.toThrow(/device was lost/);
  });
});
