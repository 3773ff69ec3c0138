import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/backend/cpu/index.js';
import {
  elu,
  Generator,
  gelu,
  grad,
  leakyRelu,
  logSigmoid,
  logSoftmax,
  randn,
  registerBackend,
  relu,
  setBackend,
  sigmoid,
  silu,
  softmax,
  softplus,
  type Tensor,
  tanh,
  tensor,
  zeros,
} from '../src/index.js';
import { assertClose, gradcheck } from './gradcheck.js';

const values = (t: Tensor) => Array.from(t.dataSync());
const rnd = (shape: number[], seed = 0) => randn(shape, { generator: new Generator(seed) });
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const softplusRef = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/** Reference softmax rows in float64 along the last axis. */
function refSoftmaxRows(v: number[], n: number, log: boolean): number[] {
  const out: number[] = [];
  for (let r = 0; r < v.length; r += n) {
    const row = v.slice(r, r + n);
    const m = Math.max(...row);
    const s = row.reduce((a, x) => a + Math.exp(x - m), 0);
    for (const x of row) out.push(log ? x - m - Math.log(s) : Math.exp(x - m) / s);
  }
  return out;
}

describe('softmax and logSoftmax', () => {
  it('match a float64 reference along the last and other axes', () => {
    const x = rnd([3, 5], 1).mul(3);
    assertClose(softmax(x), refSoftmaxRows(values(x), 5, false), { rtol: 1e-6, atol: 1e-7 });
    assertClose(logSoftmax(x, -1), refSoftmaxRows(values(x), 5, true), { rtol: 1e-6, atol: 1e-6 });
    const xt = x.transpose();
    assertClose(softmax(xt, 0).transpose(), refSoftmaxRows(values(x), 5, false), { rtol: 1e-6, atol: 1e-7 });
    assertClose(softmax(x, 1).sum(1), [1, 1, 1], { rtol: 1e-6 });
  });
  it('stay finite and accurate for logits near ±1e4', () => {
    const x = tensor([
      [1e4, 1e4 - 1, 1e4 - 3],
      [-1e4, -1e4 + 2, -1e4],
      [1e4, -1e4, 0],
    ]);
    const ls = logSoftmax(x);
    assertClose(ls, refSoftmaxRows(values(x), 3, true), { rtol: 1e-6, atol: 1e-6 });
    assertClose(softmax(x), refSoftmaxRows(values(x), 3, false), { rtol: 1e-6, atol: 1e-7 });
    const [g] = grad((t: Tensor) => logSoftmax(t).select(0, 1).sum())(x);
    expect(values(g!).every(Number.isFinite)).toBe(true);
  });
  it('handle −∞ logits (masked attention) without NaN', () => {
    const x = tensor([[0, Number.NEGATIVE_INFINITY, 1]]);
    const p = values(softmax(x));
    expect(p[1]).toBe(0);
    expect(p[0]! + p[2]!).toBeCloseTo(1, 6);
  });
  it('gradients, 0-d and empty inputs', () => {
    gradcheck((t) => softmax(t, 1), [rnd([2, 4], 2)]);
    gradcheck((t) => logSoftmax(t, 0), [rnd([3, 2], 3)]);
    gradcheck((t) => logSoftmax(t, -1), [rnd([2, 1, 3], 4)]);
    expect(softmax(tensor(3)).item()).toBe(1);
    expect(logSoftmax(zeros([0, 3])).shape).toEqual([0, 3]);
  });
});

const ACTIVATIONS: [string, (x: Tensor) => Tensor, (x: number) => number][] = [
  ['relu', relu, (x) => Math.max(x, 0)],
  ['sigmoid', sigmoid, sig],
  ['tanh', tanh, Math.tanh],
  ['leakyRelu', (x) => leakyRelu(x, 0.1), (x) => (x > 0 ? x : 0.1 * x)],
  ['elu', (x) => elu(x, 1.5), (x) => (x > 0 ? x : 1.5 * Math.expm1(x))],
  ['softplus', softplus, softplusRef],
  ['logSigmoid', logSigmoid, (x) => -softplusRef(-x)],
  ['silu', silu, (x) => x * sig(x)],
];

describe('activations', () => {
  for (const [name, op, ref] of ACTIVATIONS) {
    it(`${name}: forward and gradient`, () => {
      const x = tensor([-4, -1.5, -0.3, 0.2, 0.9, 3]);
      assertClose(
        op(x),
        values(x).map((v) => Math.fround(ref(v))),
        { rtol: 2e-6, atol: 1e-7 },
      );
      gradcheck(op, [x]);
      gradcheck(op, [rnd([2, 3], 5).add(0.05)]);
    });
  }
  it('gelu (exact erf form) forward via its derivative identity and gradient', () => {
    // gelu(x) = x·Φ(x); Φ(±large) → 1 / 0, Φ(0) = ½.
    const x = tensor([-10, 0, 10]);
    assertClose(gelu(x), [0, 0, 10], { atol: 1e-6 });
    gradcheck(gelu, [rnd([6], 6)]);
    const [g] = grad((t: Tensor) => gelu(t).sum())(tensor([0]));
    expect(g!.item()).toBeCloseTo(0.5, 6);
  });
  it('gradients at and beyond the kinks follow PyTorch, never NaN', () => {
    const at = (op: (t: Tensor) => Tensor, v: number[]) =>
      values(grad((t: Tensor) => op(t).sum())(tensor(v))[0]!);
    expect(at(softplus, [0])).toEqual([0.5]);
    expect(at(logSigmoid, [0])).toEqual([0.5]);
    expect(at((t) => elu(t, 2), [0, 100, -100])).toEqual([2, 1, 0]);
    expect(at((t) => leakyRelu(t, 0.2), [0])).toEqual([Math.fround(0.2)]);
    expect(at(relu, [0])).toEqual([0]);
    expect(at(softplus, [1e4, -1e4])).toEqual([1, 0]);
    expect(values(softplus(tensor([1e4, -1e4])))).toEqual([1e4, 0]);
    expect(values(logSigmoid(tensor([-1e4])))).toEqual([-1e4]);
    expect(values(elu(tensor([100, -100])))).toEqual([100, -1]);
  });
});

describe('fused softmax kernel (wasm) against the composed form (TypeScript kernels)', () => {
  registerBackend('typescript-composed-softmax', () => new CpuBackend());
  const rows: [string, number[]][] = [
    ['ordinary', [0.5, -1, 2, 0, 3, -2, 1, 0.25, 4]],
    ['logits near 1e4', [1e4, 1e4 + 1, 1e4 - 2, 1e4 + 0.5, 1e4, 1e4 - 1, 1e4 + 2, 1e4, 1e4 + 3]],
    ['−∞ entries', [-Infinity, 1, -Infinity, 2, 0, -Infinity, 3, 1, 2]],
    ['all −∞', Array(9).fill(-Infinity)],
    ['a +∞ entry', [1, Infinity, 2, 0, 1, 2, 3, 4, 5]],
    ['a NaN entry', [1, Number.NaN, 2, 0, 1, 2, 3, 4, 5]],
    ['one column', [3]],
  ];
  for (const [name, row] of rows) {
    it(`${name}: same values (NaN where the composed form gives NaN)`, async () => {
      const shape = [3, row.length];
      const data = [...row, ...row.map((v) => v - 1), ...row.map((v) => v * 0.5)];
      for (const f of [softmax, logSoftmax]) {
        const fused = f(tensor(data, shape), -1).dataSync();
        await setBackend('typescript-composed-softmax');
        const composed = f(tensor(data, shape), -1).dataSync();
        await setBackend('cpu');
        expect(Array.from(fused).map(Number.isNaN)).toEqual(Array.from(composed).map(Number.isNaN));
        for (let i = 0; i < composed.length; i++) {
          const [a, e] = [fused[i]!, composed[i]!];
          if (Number.isNaN(e) || a === e) continue;
          expect(Math.abs(a - e), `${f.name}[${i}]: fused ${a}, composed ${e}`).toBeLessThanOrEqual(
            1e-6 + 1e-6 * Math.abs(e),
          );
        }
      }
    });
  }
  it('gradients of the fused kernel match finite differences (rows of 13, not a multiple of 4 or 8)', () => {
    gradcheck((t) => softmax(t, -1), [rnd([3, 13], 7)]);
    gradcheck((t) => logSoftmax(t, -1), [rnd([3, 13], 8)]);
  });
});
