import { describe, expect, it } from 'vitest';
import {
  arange,
  cast,
  clone,
  ErlangenError,
  eye,
  full,
  fullLike,
  Generator,
  linspace,
  manualSeed,
  ones,
  onesLike,
  rand,
  randint,
  randn,
  scalar,
  tensor,
  threefry2x32,
  zeros,
  zerosLike,
} from '../src/index.js';
import { assertClose, gradcheck } from './gradcheck.js';

const values = (t: { dataSync(): ArrayLike<number> }) => Array.from(t.dataSync());

describe('tensor()', () => {
  it('infers shape and dtype from nested arrays', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.arraySync()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });
  it('makes 0-d tensors from numbers and empty tensors from empty arrays', () => {
    const s = tensor(3.5);
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(3.5);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
  });
  it('keeps typed-array dtypes and takes an explicit shape', () => {
    expect(tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(tensor(new Uint8Array([1, 0])).dtype).toBe('bool');
    const t = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2]);
    expect(t.shape).toEqual([3, 2]);
    expect(t.arraySync()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });
  it('defaults booleans to bool and stores bools as 0/1', () => {
    expect(tensor([true, false]).dtype).toBe('bool');
    const b = tensor([2, 0, -1, Number.NaN], undefined, 'bool');
    expect(values(b)).toEqual([1, 0, 1, 1]);
    expect(b.eq(tensor([true, false, true, true])).arraySync()).toEqual([true, true, true, true]);
  });
  it('converts to int32 by truncation', () => {
    expect(values(tensor([1.7, -1.7], undefined, 'int32'))).toEqual([1, -1]);
  });
  it('rejects ragged arrays and mismatched shapes', () => {
    expect(() => tensor([[1, 2], [3]] as number[][])).toThrow(
      /tensor: argument 'values' expected a rectangular nested array/,
    );
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(
      "tensor: argument 'shape' expected a shape with 3 elements but received [2, 2] (4 elements)",
    );
    expect(() => tensor([1], undefined, 'float64' as never)).toThrow(ErlangenError);
  });
});

describe('full, zeros, ones and the *Like variants', () => {
  it('fill with the value and dtype', () => {
    expect(values(zeros([2, 2]))).toEqual([0, 0, 0, 0]);
    expect(values(ones([3]))).toEqual([1, 1, 1]);
    expect(values(full([2], 7, 'int32'))).toEqual([7, 7]);
    expect(full([2], 5, 'bool').arraySync()).toEqual([true, true]);
    expect(values(full([2], 5, 'bool'))).toEqual([1, 1]);
    expect(scalar(2).shape).toEqual([]);
    expect(zeros([0, 3]).size).toBe(0);
    const x = tensor([[1, 2]], undefined, 'int32');
    expect(zerosLike(x).dtype).toBe('int32');
    expect(onesLike(x).shape).toEqual([1, 2]);
    expect(values(fullLike(x, 3, 'float32'))).toEqual([3, 3]);
  });
  it('rejects bad shapes', () => {
    expect(() => zeros([2, -1])).toThrow(
      "full: argument 'shape' expected an array of non-negative integers but received [2, -1]",
    );
    expect(() => zeros([1.5])).toThrow(ErlangenError);
  });
});

describe('arange and linspace', () => {
  it('follow Python range semantics', () => {
    expect(values(arange(5))).toEqual([0, 1, 2, 3, 4]);
    expect(arange(5).dtype).toBe('int32');
    expect(values(arange(2, 8, 3))).toEqual([2, 5]);
    expect(values(arange(5, 0, -2))).toEqual([5, 3, 1]);
    expect(arange(3, 3).shape).toEqual([0]);
    expect(arange(3, 1).shape).toEqual([0]);
    const f = arange(0, 1, 0.25);
    expect(f.dtype).toBe('float32');
    expect(values(f)).toEqual([0, 0.25, 0.5, 0.75]);
    expect(arange(0, 3, 1, 'float32').dtype).toBe('float32');
  });
  it('linspace includes both ends', () => {
    assertClose(linspace(-1, 1, 5), [-1, -0.5, 0, 0.5, 1]);
    expect(values(linspace(3, 9, 1))).toEqual([3]);
    expect(linspace(0, 1, 0).shape).toEqual([0]);
  });
  it('reject zero steps and non-finite bounds', () => {
    expect(() => arange(0, 5, 0)).toThrow(
      "arange: argument 'step' expected a finite non-zero number but received 0",
    );
    expect(() => arange(0, Number.NaN)).toThrow(
      "arange: argument 'end' expected a finite number but received NaN",
    );
    expect(() => linspace(0, 1, -1)).toThrow(
      "linspace: argument 'steps' expected a non-negative integer but received -1",
    );
  });
});

describe('eye', () => {
  it('is square or rectangular', () => {
    expect(eye(2).arraySync()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(eye(2, 3).arraySync()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(eye(0).shape).toEqual([0, 0]);
    expect(eye(2, 2, 'int32').dtype).toBe('int32');
    expect(() => eye(-1)).toThrow("eye: argument 'n' expected a non-negative integer but received -1");
  });
});

describe('random numbers', () => {
  it('Threefry-2x32-20 matches the Random123 known-answer vectors', () => {
    const out = new Uint32Array(2);
    threefry2x32(0, 0, 0, 0, out);
    expect([out[0], out[1]]).toEqual([0x6b200159, 0x99ba4efe]);
    threefry2x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, out);
    expect([out[0], out[1]]).toEqual([0x1cb996fc, 0xbb002be7]);
    threefry2x32(0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3, out);
    expect([out[0], out[1]]).toEqual([0xc4923a9c, 0x483df7a0]);
  });
  it('manualSeed makes draws reproducible', () => {
    manualSeed(42);
    const a = values(randn([100]));
    const b = values(rand([10]));
    manualSeed(42);
    expect(values(randn([100]))).toEqual(a);
    expect(values(rand([10]))).toEqual(b);
    manualSeed(43);
    expect(values(randn([100]))).not.toEqual(a);
  });
  it('successive draws differ', () => {
    manualSeed(1);
    expect(values(rand([8]))).not.toEqual(values(rand([8])));
  });
  it('a Generator is independent of the default one', () => {
    const g1 = new Generator(7);
    const first = values(rand([5], { generator: g1 }));
    manualSeed(0);
    randn([3]);
    const g2 = new Generator(7);
    expect(values(rand([5], { generator: g2 }))).toEqual(first);
    g1.manualSeed(7);
    expect(values(rand([5], { generator: g1 }))).toEqual(first);
  });
  it('rand is uniform in [0, 1) and randn standard normal', () => {
    const g = new Generator(3);
    const u = rand([20000], { generator: g });
    const uv = values(u);
    expect(Math.min(...uv)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...uv)).toBeLessThan(1);
    expect(u.mean().item()).toBeCloseTo(0.5, 2);
    const n = randn([20000], { generator: g });
    expect(Math.abs(n.mean().item())).toBeLessThan(0.03);
    expect(n.std().item()).toBeCloseTo(1, 1);
    expect(randn([0]).shape).toEqual([0]);
    expect(randn([]).shape).toEqual([]);
  });
  it('randint covers [low, high) and never returns high, even for a large low', () => {
    const g = new Generator(5);
    const r = randint(-3, 4, [5000], { generator: g });
    expect(r.dtype).toBe('int32');
    const v = values(r);
    expect(new Set(v)).toEqual(new Set([-3, -2, -1, 0, 1, 2, 3]));
    const big = values(randint(1_000_000, 1_000_002, [5000], { generator: g }));
    expect(new Set(big)).toEqual(new Set([1_000_000, 1_000_001]));
    expect(() => randint(3, 3, [2])).toThrow(
      "randint: argument 'high' expected an integer > low (3) but received 3",
    );
  });
});

describe('cast and clone', () => {
  it('cast converts dtypes (float → int truncates, → bool is ≠ 0)', () => {
    const x = tensor([1.5, -2.5, 0]);
    expect(values(cast(x, 'int32'))).toEqual([1, -2, 0]);
    expect(cast(x, 'bool').arraySync()).toEqual([true, true, false]);
    expect(values(cast(tensor([true, false]), 'float32'))).toEqual([1, 0]);
    expect(x.float()).not.toBe(x);
  });
  it('clone copies and passes gradients through', () => {
    const x = tensor([1, 2, 3]);
    const c = clone(x);
    expect(c.id).not.toBe(x.id);
    expect(values(c)).toEqual([1, 2, 3]);
    gradcheck((t) => clone(t).mul(t), [tensor([0.5, -1, 2])]);
  });
});
