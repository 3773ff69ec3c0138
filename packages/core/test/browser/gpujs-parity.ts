/**
 * The gpujs parity suite: every primitive kernel (through the public ops) and every op's gradient on
 * a gpujs backend against the CPU reference, on random inputs whose sizes are not multiples of
 * texture or chunk sizes. Framework-free (cases throw on mismatch) so that the same cases run under
 * vitest in Node (test/gpujs.test.ts) and in a real browser page (test/gpujs.browser.test.ts).
 *
 * Tolerances, per kernel (GPU float is not bit-identical to the CPU's):
 * - exact: fill, arange (int32), copyStrided, cast, pad, concat, where, comparisons and logic,
 *   every int32 op, maxPool2d and its gradient, argReduce, indexSelect, gather, random (computed on
 *   the host), indexAdd/scatterAdd of int32;
 * - FN (rtol 2e-5, atol 2e-6): unary and binary float math, arange (float32);
 * - MM (rtol 1e-4, atol 1e-5): sums, products and dot products whose summation order differs
 *   (reduce, logSumExp, cumsum, matmul, conv2d and its gradients, float indexAdd/scatterAdd) and
 *   composite gradients.
 */
import * as ops from '../../src/index.js';
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
  nn,
  pad,
  rand,
  randn,
  scatterAdd,
  setBackend,
  type Tensor,
  type TypedArray,
  tensor,
  toBackendAsync,
  where,
} from '../../src/index.js';
import {
  compareWithCpu,
  ParityError,
  randomTensors,
  type Tol,
  trainingGradientsParity,
  uniformValues,
} from '../parity-helpers.js';

export { ParityError, type Tol };

export interface ParityCase {
  name: string;
  run: () => Promise<void>;
}

export interface GpuJsParityOptions {
  /** The registered name of the gpujs backend under test. */
  backend: string;
}

function fail(msg: string): never {
  throw new ParityError(msg);
}

export function compare(actual: TypedArray, expected: TypedArray, tol: Tol, what: string): void {
  compareWithCpu(actual, expected, tol, what, 'gpujs');
}

/** The suite's cases for the backend named `options.backend` (which must already be initialised). */
export function gpujsParityCases(options: GpuJsParityOptions): ParityCase[] {
  const target = options.backend;
  const MM: Tol = { rtol: 1e-4, atol: 1e-5 };
  const FN: Tol = { rtol: 2e-5, atol: 2e-6 };
  const randT = randomTensors(1);
  const ints = (shape: number[], lo: number, hi: number) => cast(ops.floor(randT(shape, lo, hi)), 'int32');
  const dev = (t: Tensor) => t.to(target);

  function same(g: Tensor, c: Tensor, what: string): void {
    if (g.backend.name !== target) fail(`${what}: result on '${g.backend.name}', expected '${target}'`);
    if (JSON.stringify(g.shape) !== JSON.stringify(c.shape))
      fail(`${what}: shape ${g.shape}, cpu ${c.shape}`);
    if (g.dtype !== c.dtype) fail(`${what}: dtype ${g.dtype}, cpu ${c.dtype}`);
  }

  async function parity(what: string, f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], tol: Tol = 'exact') {
    const c = f(...inputs);
    const g = f(...inputs.map(dev));
    same(g, c, what);
    compare(await g.data(), await c.data(), tol, what);
  }

  async function parityCreate(what: string, f: () => Tensor, tol: Tol = 'exact') {
    await setBackend('cpu');
    const c = f();
    await setBackend(target);
    let g: Tensor;
    try {
      g = f();
    } finally {
      await setBackend('cpu');
    }
    same(g, c, what);
    compare(await g.data(), await c.data(), tol, what);
  }

  /** Gradients of `f(inputs)·weights` summed, w.r.t. every float input, on both backends. */
  async function gradParity(what: string, f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], tol: Tol = MM) {
    const grads = async (xs: Tensor[]) => {
      const leaves = xs.map((x) => {
        const l = x.clone().detach();
        if (l.dtype === 'float32') l.requiresGrad = true;
        return l;
      });
      const y = f(...leaves);
      const w = tensor(uniformValues(y.size, 99, 0.5, 1.5), y.shape).to(leaves[0]!.backend.name);
      y.mul(w).sum().backward();
      const out: TypedArray[] = [];
      for (const l of leaves) if (l.requiresGrad) out.push(await (l.grad ?? ops.zerosLike(l)).data());
      return out;
    };
    const c = await grads(inputs);
    const g = await grads(inputs.map(dev));
    for (const [k, v] of c.entries()) compare(g[k]!, v, tol, `${what} grad ${k}`);
  }

  const cases: ParityCase[] = [];
  const add = (name: string, run: () => Promise<void>) => cases.push({ name, run });

  add('uploads and reads every dtype; readSync refuses', async () => {
    const f = tensor([1.5, -2, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0]);
    const i = tensor(Int32Array.from([1, -7, 2 ** 24 - 1, -(2 ** 24 - 1), 0]), [5]);
    const b = tensor([true, false, true], [3], 'bool');
    for (const t of [f, i, b]) compare(await dev(t).data(), await t.data(), 'exact', 'upload');
    let threw = false;
    try {
      dev(f).dataSync();
    } catch (e) {
      threw = /await t.data\(\)/.test((e as Error).message);
    }
    if (!threw) fail('dataSync on gpujs did not throw the asynchronous-read error');
    const back = await toBackendAsync(dev(i).neg(), 'cpu');
    compare(
      back.dataSync(),
      Int32Array.from([-1, 7, -(2 ** 24 - 1), 2 ** 24 - 1, 0]),
      'exact',
      'int round trip',
    );
  });

  add('int32 beyond ±2^24 is refused with a clear error', async () => {
    let msg = '';
    try {
      dev(tensor(Int32Array.from([1, 2 ** 24]), [2]));
    } catch (e) {
      msg = (e as Error).message;
    }
    if (!/2\^24/.test(msg) || !/position 1/.test(msg)) fail(`upload of 2^24 gave: '${msg}'`);
    const big = dev(tensor(Int32Array.from([2 ** 23, 2 ** 23 + 1]), [2]));
    msg = '';
    try {
      await big.add(big).data();
    } catch (e) {
      msg = (e as Error).message;
    }
    if (!/2\^24/.test(msg)) fail(`int32 result beyond 2^24 gave: '${msg}'`);
  });

  add('fill, arange, cast', async () => {
    await parityCreate('full f32', () => full([3, 5], 0.1));
    await parityCreate('full i32', () => full([7], -3.7, 'int32'));
    await parityCreate('full bool', () => full([2, 2], 1, 'bool'));
    await parityCreate('full large', () => full([70001], -2.5));
    await parityCreate('arange int', () => arange(-5, 37, 3, 'int32'));
    await parityCreate('arange f32', () => arange(-1, 1, 0.1), FN);
    await parityCreate('arange long', () => arange(0, 20000, 1, 'int32'));
    await parityCreate('arange int fractional (host)', () => arange(-1.5, 5, 0.7, 'int32'));
    const x = tensor([-2.7, -0.5, 0, 0.4, 1.5, 3.9, Number.NaN, 1e10, -0]);
    for (const dt of ['int32', 'bool'] as const)
      await parity(`cast f32→${dt}`, (t) => cast(t, dt), [x.slice([[0, 6]])]);
    await parity('cast nan→bool', (t) => cast(t, 'bool'), [x]);
    await parity('cast nan→int', (t) => cast(t, 'int32'), [tensor([Number.NaN, 2.5, -7.9])]);
    const i = ints([9], -5, 5);
    await parity('cast i32→f32', (t) => cast(t, 'float32'), [i]);
    await parity('cast i32→bool', (t) => cast(t, 'bool'), [i]);
    await parity(
      'cast bool→i32/f32',
      (t) => cast(cast(t, 'bool'), 'int32').add(cast(cast(t, 'bool'), 'float32')),
      [i],
    );
  });

  add('movement: copyStrided (permute, slice, expand, flip), pad, concat', async () => {
    const x = randT([3, 5, 7, 2]);
    await parity('permute', (t) => t.permute([2, 0, 3, 1]), [x]);
    await parity('slice', (t) => t.slice([[1, 3], null, [2, 7]]), [x]);
    await parity('expand', (t) => t.expand([4, 3, 5]), [randT([3, 1])]);
    await parity('flip', (t) => t.flip([0, 2]), [x]);
    await parity('size-1 dims', (t) => t.permute([2, 1, 0]), [randT([1, 1, 1])]);
    await parity('large transpose', (t) => t.transpose(0, 1), [randT([131, 257])]);
    // A million elements: textures of about 1000 × 1001 texels, thread indices far past 2^16.
    const million = randT([1000003]);
    await parity('1M-element flip + add', (t) => t.flip([0]).add(t), [million], FN);
    await parity('1M-element sum', (t) => t.sum(), [million], MM);
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
    await parity(
      'concat 7 inputs',
      (...xs) => concat(xs, 0),
      Array.from({ length: 7 }, (_, k) => randT([k + 1, 3])),
    );
    await parity('concat with empty', (a, b) => concat([a, b], 0), [randT([0, 3]), randT([2, 3])]);
    await parity('concat bool', (a, b) => concat([a.gt(0), b.gt(0)], 0), [randT([3, 2]), randT([1, 2])]);
  });

  add('unary: all 29 ops', async () => {
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
      ['erf dense', ops.erf, randT([101], -4, 4)],
      ['logicalNot', ops.logicalNot, small],
      ['isNaN', ops.isNaN, tensor([0, Number.NaN, Number.POSITIVE_INFINITY, -3])],
      [
        'isFinite',
        ops.isFinite,
        tensor([0, Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 7]),
      ],
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
    await parity('relu NaN', (t) => t.relu(), [tensor([Number.NaN, -1, 2])]);
    await parity('round halves', ops.round, [tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.49, 1e8])]);
    await parity('large elementwise', (t) => ops.exp(t).mul(2), [randT([70001])], FN);
  });

  add('binary: all 17 ops with broadcasting, float and int', async () => {
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
    await parity(
      'pow zero/negative',
      (x, y) => x.pow(y),
      [tensor([0, 0, -2, -2, 3, Number.NaN]), tensor([2, 0, 3, 0.5, 0, 0])],
      FN,
    );
    await parity('same-shape add', (x, y) => x.add(y), [randT([300]), randT([300])]);
    await parity('rank-5 broadcast', (x, y) => x.mul(y), [randT([2, 1, 3, 1, 5]), randT([4, 1, 6, 1])], FN);
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
    await parity('mod int exact multiples', (x, y) => ops.mod(x, y), [
      tensor(Int32Array.from([9, -9, 27, 21, 4095, -12, 1000000]), [7]),
      tensor(Int32Array.from([3, 3, 9, -7, 15, 4, 7]), [7]),
    ]);
    await parity('bool logic', (x, y) => ops.logicalOr(ops.logicalAnd(x.gt(0), y.gt(0)), x.lt(-0.5)), [
      randT([6, 7]),
      randT([7]),
    ]);
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

  add('where with broadcasting', async () => {
    await parity('where', (c, a, b) => where(c.gt(0), a, b), [randT([3, 1, 5]), randT([4, 5]), randT([1])]);
    await parity('where int', (c, a, b) => where(c.gt(0), a, b), [
      randT([7]),
      ints([7], -5, 5),
      ints([1], 0, 9),
    ]);
  });

  add('reductions: reduce, argReduce, logSumExp, cumsum', async () => {
    const x = randT([5, 37, 3, 4]);
    const reductions = { sum: ops.sum, max: ops.max, min: ops.min, prod: ops.prod };
    for (const [op, f] of Object.entries(reductions)) {
      await parity(`${op} axis 1`, (t) => f(t, 1), [x], MM);
      await parity(`${op} axes 0,2`, (t) => f(t, [0, 2]), [x], MM);
      await parity(`${op} all`, (t) => f(t), [x.slice([[0, 1]])], MM);
    }
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
    await parity('argmax long', (t) => t.argmax(0), [randT([4099])]);
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
    await parity('cumsum excl', (t) => ops.cumsum(t, 1, { exclusive: true }), [x], MM);
    await parity('cumsum size-1 axis', (t) => t.cumsum(1), [randT([3, 1, 2])], MM);
    await parity('cumsum int', (t) => t.cumsum(0), [ints([11, 2], -5, 5)]);
    await parity('cumsum long int', (t) => t.cumsum(0), [ints([3001], 0, 9)]);
  });

  add('matmul: odd sizes, transposes, batch broadcast', async () => {
    await parity('mm 1x1', (a, b) => a.matmul(b), [randT([1, 1]), randT([1, 1])], MM);
    await parity('mm 67x45 @ 45x130', (a, b) => a.matmul(b), [randT([67, 45]), randT([45, 130])], MM);
    await parity('mm vec', (a, b) => a.matmul(b), [randT([33]), randT([33, 5])], MM);
    await parity('mm long k', (a, b) => a.matmul(b), [randT([3, 1500]), randT([1500, 2])], MM);
    await parity('bmm broadcast', (a, b) => a.matmul(b), [randT([3, 17, 70]), randT([1, 70, 9])], MM);
    for (const [ta, tb] of [
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const a = ta ? randT([2, 40, 19]) : randT([2, 19, 40]);
      const b = tb ? randT([2, 65, 40]) : randT([2, 40, 65]);
      await parity(
        `bmm transA=${ta} transB=${tb}`,
        (x, y) => bmm(x, y, { transA: ta, transB: tb }),
        [a, b],
        MM,
      );
    }
  });

  add('conv2d forward and both gradients, maxPool2d and its gradient', async () => {
    const convCases = [
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
      { x: [1, 2, 8, 9], w: [3, 2, 3, 3], opts: { stride: 3, padding: 2 } },
    ];
    for (const c of convCases) {
      const x = randT(c.x);
      const w = randT(c.w);
      const fwd = (a: Tensor, b: Tensor) => conv2d(a, b, null, c.opts);
      await parity(`conv2d ${c.x}`, fwd, [x, w], MM);
      await gradParity(`conv2d ${c.x}`, fwd, [x, w]);
    }
    const x = randT([2, 3, 9, 8]);
    for (const opts of [{}, { stride: 1, padding: 1 }, { stride: 2, padding: 1, dilation: 2 }]) {
      await parity(`maxPool2d ${JSON.stringify(opts)}`, (t) => maxPool2d(t, 3, opts), [x]);
      const grad = async (t: Tensor) => {
        t.requiresGrad = true;
        maxPool2d(t, 3, opts).mul(1.5).sum().backward();
        return t.grad!.data();
      };
      compare(await grad(dev(x)), await grad(x.clone()), 'exact', 'maxPool2dGrad');
    }
    // Ties inside overlapping windows: the first maximum wins, and windows add in row-major order.
    const ties = tensor(
      Float32Array.from({ length: 36 }, (_, i) => i % 3),
      [1, 1, 6, 6],
    );
    await gradParity('maxPool2d ties', (t) => maxPool2d(t, 3, { stride: 1, padding: 1 }), [ties], {
      rtol: 1e-6,
      atol: 0,
    });
    await parity('maxPool2d NaN', (t) => maxPool2d(t, 2), [
      tensor([1, Number.NaN, 3, 4, 5, 6, 7, 8], [1, 1, 2, 4]),
    ]);
  });

  add('indexing: indexSelect, indexAdd, gather, scatterAdd', async () => {
    const x = randT([6, 5, 3]);
    const idx = tensor(Int32Array.from([4, 0, 0, 2, 4, 1, 3]), [7]);
    await parity('indexSelect 0', (t, i) => indexSelect(t, 0, i), [x, idx]);
    await parity('indexSelect 1', (t, i) => indexSelect(t, 1, i), [x, idx]);
    await parity('indexSelect computed index', (t, i) => indexSelect(t, 0, i.add(1)), [x, idx]);
    await parity('indexAdd', (s, i) => indexAdd(s, 1, i, 5), [randT([2, 7, 3]), idx], MM);
    await parity('indexAdd int', (s, i) => indexAdd(s, 0, i, 6), [ints([7, 2], -9, 9), idx]);
    const gi = ints([6, 4, 3], 0, 5);
    await parity('gather', (t, i) => gather(t, 1, i), [x, gi]);
    await parity('scatterAdd', (s, i) => scatterAdd(s, i, 1, 5), [randT([6, 4, 3]), gi], MM);
    await parity('scatterAdd int', (s, i) => scatterAdd(s, i, 1, 5), [ints([6, 4, 3], -9, 9), gi]);
    const many = ints([4000], 0, 3);
    await parity('indexAdd collisions', (s, i) => indexAdd(s, 0, i, 3), [full([4000], 0.25), many], MM);
    await parity(
      'indexAdd empty buckets',
      (s, i) => indexAdd(s, 0, i, 9),
      [randT([3, 2]), tensor(Int32Array.from([8, 8, 0]), [3])],
      MM,
    );
    for (const [op, f] of [
      ['indexSelect', () => indexSelect(dev(x), 0, dev(tensor(Int32Array.from([2, 6, -1]), [3])))],
      ['indexAdd', () => indexAdd(dev(x), 0, dev(tensor(Int32Array.from([0, 1, 9, 2, 2, 2]), [6])), 3)],
      ['gather', () => gather(dev(x), 1, dev(ints([6, 4, 3], 0, 5).add(1)))],
    ] as const) {
      let msg = '';
      try {
        await f().data();
      } catch (e) {
        msg = (e as Error).message;
      }
      if (!msg.startsWith(`${op}: argument 'index' expected values in`))
        fail(`${op} with a bad index gave: '${msg}'`);
    }
  });

  add('empty tensors and size-0 axes', async () => {
    await parity('empty exp', (t) => t.exp(), [randT([0, 3])]);
    await parity('sum over a size-0 axis', (t) => t.sum(0), [randT([0, 3])]);
    await parity('matmul with k = 0', (a, b) => a.matmul(b), [randT([2, 0]), randT([0, 3])]);
    await parity('cumsum of empty', (t) => t.cumsum(1), [randT([2, 0])]);
    await parity('pad an empty tensor', (t) => pad(t, [[1, 1]], 'constant', 2), [randT([0])]);
    await parity('indexSelect with an empty index', (t, i) => indexSelect(t, 0, i), [
      randT([4, 2]),
      tensor(new Int32Array(0), [0]),
    ]);
  });

  add('random: identical Threefry streams', async () => {
    const draw = async (name: string) => {
      await setBackend(name);
      try {
        const g = new Generator(42);
        const u = rand([1001], { generator: g });
        const n = randn([517], { generator: g });
        return [await u.data(), await n.data()];
      } finally {
        await setBackend('cpu');
      }
    };
    const [cu, cn] = await draw('cpu');
    const [gu, gn] = await draw(target);
    compare(gu!, cu!, 'exact', 'rand');
    compare(gn!, cn!, 'exact', 'randn');
  });

  add('gradients of every op', async () => {
    const x = randT([3, 4], -2, 2);
    const y = randT([3, 4], 0.5, 2);
    const unaryGrads: [string, (t: Tensor) => Tensor, Tensor][] = [
      ['exp', ops.exp, x],
      ['log', ops.log, y],
      ['sqrt', ops.sqrt, y],
      ['rsqrt', ops.rsqrt, y],
      ['sin', ops.sin, x],
      ['cos', ops.cos, x],
      ['tanh', ops.tanh, x],
      ['sigmoid', ops.sigmoid, x],
      ['relu', ops.relu, x],
      ['abs', ops.abs, x],
      ['square', ops.square, x],
      ['reciprocal', ops.reciprocal, y],
      ['erf', ops.erf, x],
      ['log1p', ops.log1p, y],
      ['expm1', ops.expm1, x],
      ['asin', ops.asin, x.mul(0.4)],
      ['atan', ops.atan, x],
      ['sinh', ops.sinh, x],
      ['cosh', ops.cosh, x],
      ['softmax', (t) => ops.softmax(t, 1), x],
      ['logSoftmax', (t) => ops.logSoftmax(t, 1), x],
      ['sum', (t) => t.sum(0), x],
      ['mean', (t) => t.mean(1), x],
      ['max', (t) => t.max(1), x],
      ['prod', (t) => ops.prod(t, 1), y],
      ['logsumexp', (t) => t.logsumexp(0), x],
      ['cumsum', (t) => t.cumsum(1), x],
      ['permute', (t) => t.permute([1, 0]), x],
      [
        'slice',
        (t) =>
          t.slice([
            [1, 3],
            [0, 3],
          ]),
        x,
      ],
      ['flip', (t) => t.flip([1]), x],
      ['expand', (t) => t.reshape([3, 1, 4]).expand([3, 2, 4]), x],
      [
        'pad',
        (t) =>
          pad(
            t,
            [
              [1, 0],
              [2, 1],
            ],
            'constant',
            0,
          ),
        x,
      ],
      ['clamp', (t) => ops.clamp(t, -0.5, 0.5), x],
      ['leakyRelu', (t) => ops.leakyRelu(t, 0.1), x],
      ['elu', (t) => ops.elu(t), x],
      ['gelu', (t) => ops.gelu(t), x],
    ];
    for (const [name, f, input] of unaryGrads) await gradParity(name, f, [input]);
    const bin: [string, (a: Tensor, b: Tensor) => Tensor, Tensor, Tensor][] = [
      ['add bcast', ops.add, x, randT([4])],
      ['sub', ops.sub, x, y],
      ['mul bcast', ops.mul, x, randT([3, 1])],
      ['div', ops.div, x, y],
      ['pow', ops.pow, y, x],
      ['maximum', ops.maximum, x, y.sub(1)],
      ['minimum', ops.minimum, x, y.sub(1)],
      ['atan2', ops.atan2, x, y],
      ['matmul', (a, b) => a.matmul(b.transpose(0, 1)), x, y],
      ['concat', (a, b) => concat([a, b], 1), x, y],
      ['where', (a, b) => where(a.gt(0), a, b), x, y],
    ];
    for (const [name, f, a, b] of bin) await gradParity(name, f, [a, b]);
    const idx = tensor(Int32Array.from([2, 0, 0, 1, 2]), [5]);
    await gradParity('indexSelect', (t, i) => indexSelect(t, 0, i), [x, idx]);
    await gradParity('indexAdd', (t, i) => indexAdd(t, 1, i.slice([[0, 4]]), 6), [x, idx]);
    const gi = ints([3, 4], 0, 4);
    await gradParity('gather', (t, i) => gather(t, 1, i), [x, gi]);
    await gradParity('scatterAdd', (t, i) => scatterAdd(t, i, 1, 5), [x, gi]);
    await gradParity('crossEntropy', (t, i) => nn.functional.crossEntropy(t, i), [
      x,
      tensor(Int32Array.from([1, 3, 0]), [3]),
    ]);
  });

  add('gradients of a small MLP and a small conv net match the CPU', () =>
    trainingGradientsParity(randT, dev, compare, MM),
  );

  add('size limit and released storage give clear errors', async () => {
    let msg = '';
    try {
      await setBackend(target);
      full([2 ** 24 + 1], 0);
    } catch (e) {
      msg = (e as Error).message;
    } finally {
      await setBackend('cpu');
    }
    if (!/2\^24/.test(msg)) fail(`a tensor of 2^24+1 elements gave: '${msg}'`);
    const t = dev(randT([10]));
    const u = t.exp();
    t.dispose();
    compare(
      await u.data(),
      await randT([10])
        .data()
        .then(() => u.data()),
      'exact',
      'read after releasing the input',
    );
  });

  return cases;
}

/** Runs every case; returns the failures (name and message) and the number run. */
export async function runGpuJsParity(
  options: GpuJsParityOptions,
): Promise<{ ran: number; failures: { name: string; message: string }[]; names: string[] }> {
  const cases = gpujsParityCases(options);
  const failures: { name: string; message: string }[] = [];
  for (const c of cases) {
    try {
      await c.run();
    } catch (e) {
      failures.push({ name: c.name, message: (e as Error).stack ?? String(e) });
    }
  }
  return { ran: cases.length, failures, names: cases.map((c) => c.name) };
}
