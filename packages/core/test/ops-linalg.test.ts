import { describe, expect, it } from 'vitest';
import { bmm, Generator, matmul, randn, type Tensor, tensor, zeros } from '../src/index.js';
import { assertClose, gradcheck } from './gradcheck.js';

const values = (t: Tensor) => Array.from(t.dataSync());
const rnd = (shape: number[], seed = 0) => randn(shape, { generator: new Generator(seed) });

/** Reference batched matmul in float64 over explicit (already broadcast) batch shapes. */
function refMatmul(a: Tensor, b: Tensor): { shape: number[]; values: number[] } {
  let as = [...a.shape];
  let bs = [...b.shape];
  const aVec = as.length === 1;
  const bVec = bs.length === 1;
  if (aVec) as = [1, as[0]!];
  if (bVec) bs = [bs[0]!, 1];
  const [m, k] = as.slice(-2) as [number, number];
  const n = bs[bs.length - 1]!;
  const ba = as.slice(0, -2);
  const bb = bs.slice(0, -2);
  const nb = Math.max(ba.length, bb.length);
  const pa = [...new Array(nb - ba.length).fill(1), ...ba];
  const pb = [...new Array(nb - bb.length).fill(1), ...bb];
  const batch = pa.map((d, i) => (d === 1 ? pb[i]! : d));
  const av = values(a);
  const bv = values(b);
  const out: number[] = [];
  const total = batch.reduce((p, c) => p * c, 1);
  for (let t = 0; t < total; t++) {
    let rem = t;
    let ia = 0;
    let ib = 0;
    let sa = 1;
    let sb = 1;
    for (let d = nb - 1; d >= 0; d--) {
      const i = rem % batch[d]!;
      rem = Math.floor(rem / batch[d]!);
      if (pa[d] !== 1) ia += i * sa;
      if (pb[d] !== 1) ib += i * sb;
      sa *= pa[d]!;
      sb *= pb[d]!;
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += av[ia * m * k + i * k + p]! * bv[ib * k * n + p * n + j]!;
        out.push(s);
      }
    }
  }
  let shape = [...batch, m, n];
  if (aVec) shape = shape.filter((_, i) => i !== shape.length - 2);
  if (bVec) shape = shape.slice(0, -1);
  return { shape, values: out };
}

const CASES: [number[], number[]][] = [
  [
    [3, 4],
    [4, 5],
  ],
  [[4], [4, 5]],
  [[3, 4], [4]],
  [[4], [4]],
  [
    [2, 3, 4],
    [4, 5],
  ],
  [
    [3, 4],
    [2, 4, 5],
  ],
  [
    [2, 1, 3, 4],
    [3, 4, 2],
  ],
  [[4], [2, 4, 3]],
  [[2, 3, 4], [4]],
  [
    [5, 7],
    [7, 9],
  ],
  [
    [9, 17],
    [17, 6],
  ],
  [
    [1, 1],
    [1, 1],
  ],
];

describe('matmul', () => {
  it('matches a float64 reference: 1-d operands, broadcast batch dims, odd sizes', () => {
    CASES.forEach(([sa, sb], i) => {
      const a = rnd(sa, 2 * i);
      const b = rnd(sb, 2 * i + 1);
      const out = matmul(a, b);
      const ref = refMatmul(a, b);
      expect(out.shape).toEqual(ref.shape);
      assertClose(out, ref.values, { rtol: 1e-5, atol: 1e-5 });
    });
  });
  it('handles empty dimensions (k = 0 gives zeros)', () => {
    expect(matmul(zeros([0, 3]), zeros([3, 4])).shape).toEqual([0, 4]);
    expect(matmul(zeros([2, 0, 3]), zeros([2, 3, 4])).shape).toEqual([2, 0, 4]);
    expect(matmul(zeros([0, 2, 3]), zeros([3, 4])).shape).toEqual([0, 2, 4]);
    expect(values(matmul(zeros([2, 0]), zeros([0, 3])))).toEqual([0, 0, 0, 0, 0, 0]);
  });
  it('casts integer operands to float32', () => {
    const a = tensor([[1, 2]], undefined, 'int32');
    const out = matmul(a, tensor([[3], [4]], undefined, 'int32'));
    expect(out.dtype).toBe('float32');
    expect(out.item()).toBe(11);
  });
  it('gradients for every case', () => {
    CASES.slice(0, 9).forEach(([sa, sb], i) => {
      gradcheck(matmul, [rnd(sa, 10 + i), rnd(sb, 20 + i)]);
    });
  });
});

describe('bmm', () => {
  const T = (t: Tensor) => t.transpose(-2, -1);
  it('honours transA / transB and batch broadcasting of size 1', () => {
    for (const [transA, transB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      for (const [ba, bb] of [
        [3, 3],
        [1, 3],
        [3, 1],
      ]) {
        const a = rnd(transA ? [ba, 4, 5] : [ba, 5, 4], 1);
        const b = rnd(transB ? [bb, 6, 4] : [bb, 4, 6], 2);
        const out = bmm(a, b, { transA, transB });
        const ref = matmul(transA ? T(a) : a, transB ? T(b) : b);
        expect(out.shape).toEqual([3, 5, 6]);
        assertClose(out, values(ref), { rtol: 1e-5, atol: 1e-5 });
        gradcheck(
          (x, y) => bmm(x, y, { transA, transB }),
          [rnd(transA ? [ba, 3, 2] : [ba, 2, 3], 3), rnd(transB ? [bb, 2, 3] : [bb, 3, 2], 4)],
        );
      }
    }
  });
  it('broadcasts a batch of 1 against an empty batch', () => {
    expect(bmm(zeros([0, 2, 3]), zeros([1, 3, 4])).shape).toEqual([0, 2, 4]);
  });
});
