import { describe, expect, it } from 'vitest';
import {
  Generator,
  gather,
  indexAdd,
  indexSelect,
  oneHot,
  randint,
  randn,
  scatterAdd,
  scatterMean,
  type Tensor,
  tensor,
  tidy,
  zeros,
} from '../src/index.js';
import { assertClose, gradcheck } from './gradcheck.js';

const values = (t: Tensor) => Array.from(t.dataSync());
const rnd = (shape: number[], seed = 0) => randn(shape, { generator: new Generator(seed) });
const idx = (v: number[] | number[][], shape?: number[]) => tensor(v, shape, 'int32');

describe('indexSelect and indexAdd', () => {
  it('indexSelect picks slices along any axis, with repeats', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(indexSelect(x, 1, idx([2, 0, 2])).arraySync()).toEqual([
      [3, 1, 3],
      [6, 4, 6],
    ]);
    expect(indexSelect(x, -2, idx([1])).arraySync()).toEqual([[4, 5, 6]]);
    expect(indexSelect(x, 0, idx([])).shape).toEqual([0, 3]);
    expect(x.indexSelect(0, idx([1, 1])).shape).toEqual([2, 3]);
    expect(indexSelect(tensor([1, 2], undefined, 'int32'), 0, idx([1])).dtype).toBe('int32');
  });
  it('indexAdd sums slices into buckets (torch zeros.index_add_)', () => {
    const src = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(indexAdd(src, 0, idx([2, 0, 2]), 4).arraySync()).toEqual([
      [3, 4],
      [0, 0],
      [6, 8],
      [0, 0],
    ]);
    expect(indexAdd(src, 1, idx([1, 1]), 3).arraySync()).toEqual([
      [0, 3, 0],
      [0, 7, 0],
      [0, 11, 0],
    ]);
    expect(indexAdd(zeros([0, 2]), 0, idx([]), 3).arraySync()).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });
  it('gradients (repeated indices accumulate)', () => {
    const i = idx([0, 2, 2, 1, 0]);
    gradcheck((x) => indexSelect(x, 0, i), [rnd([3, 2])]);
    gradcheck((x) => indexSelect(x, -1, i), [rnd([2, 3])]);
    gradcheck((s) => indexAdd(s, 0, i, 4), [rnd([5, 2])]);
    gradcheck((s) => indexAdd(s, 1, i, 3), [rnd([2, 5])]);
  });
  it('the index tensor survives tidy with the graph that needs it', () => {
    const x = rnd([3, 2]).requireGrad();
    const y = tidy(() => indexSelect(x, 0, idx([2, 0])));
    y.sum().backward();
    expect(values(x.grad!)).toEqual([1, 1, 0, 0, 1, 1]);
  });
});

describe('gather and scatterAdd', () => {
  it('gather follows torch.gather on each axis', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(
      gather(
        x,
        1,
        idx([
          [2, 0],
          [1, 1],
        ]),
      ).arraySync(),
    ).toEqual([
      [3, 1],
      [5, 5],
    ]);
    expect(gather(x, 0, idx([[1, 0, 1]])).arraySync()).toEqual([[4, 2, 6]]);
    expect(gather(x, -1, idx([[0], [2]])).arraySync()).toEqual([[1], [6]]);
    expect(x.gather(1, idx([[], []], [2, 0])).shape).toEqual([2, 0]);
  });
  it('scatterAdd with a full-rank index is torch.scatter_add onto zeros', () => {
    const src = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(
      scatterAdd(
        src,
        idx([
          [0, 1, 0],
          [1, 1, 0],
        ]),
        0,
        3,
      ).arraySync(),
    ).toEqual([
      [1, 0, 9],
      [4, 7, 0],
      [0, 0, 0],
    ]);
    expect(
      scatterAdd(
        src,
        idx([
          [1, 1, 0],
          [0, 0, 0],
        ]),
        1,
        2,
      ).arraySync(),
    ).toEqual([
      [3, 3],
      [15, 0],
    ]);
  });
  it('scatterAdd with a 1-d index is PyG-style scatter along an axis', () => {
    const src = rnd([4, 3]);
    const i = idx([1, 0, 1, 3]);
    assertClose(scatterAdd(src, i, 0, 5), values(indexAdd(src, 0, i, 5)));
    expect(values(scatterAdd(tensor([1, 2, 3]), idx([0, 0, 2]), 0, 3))).toEqual([3, 0, 3]);
  });
  it('gradients', () => {
    const g = idx([
      [0, 2, 1],
      [2, 2, 0],
    ]);
    gradcheck((x) => gather(x, 1, g), [rnd([2, 4])]);
    gradcheck((x) => gather(x, 0, idx([[1, 0, 1]])), [rnd([2, 3])]);
    gradcheck((s) => scatterAdd(s, g, 1, 3), [rnd([2, 3])]);
    gradcheck((s) => scatterAdd(s, idx([1, 0, 1, 3]), 0, 5), [rnd([4, 2])]);
  });
  it('scatterAdd and gather are adjoint: <scatter(s), y> = <s, gather(y)>', () => {
    const g = new Generator(4);
    const index = randint(0, 6, [5, 4], { generator: g });
    const s = rnd([5, 4], 1);
    const y = rnd([6, 4], 2);
    const lhs = scatterAdd(s, index, 0, 6).mul(y).sum().item();
    const rhs = s
      .mul(gather(y, 0, index))
      .sum()
      .item();
    expect(lhs).toBeCloseTo(rhs, 4);
  });
});

describe('scatterMean and oneHot', () => {
  it('scatterMean averages per bucket, 0 for empty buckets', () => {
    const src = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(scatterMean(src, idx([0, 2, 0]), 0, 4).arraySync()).toEqual([
      [3, 4],
      [0, 0],
      [3, 4],
      [0, 0],
    ]);
    gradcheck((s) => scatterMean(s, idx([0, 2, 0, 2, 1]), 0, 3), [rnd([5, 2])]);
  });
  it('oneHot encodes int32 classes as float32', () => {
    const o = oneHot(
      idx([
        [2, 0],
        [1, 1],
      ]),
      3,
    );
    expect(o.shape).toEqual([2, 2, 3]);
    expect(o.dtype).toBe('float32');
    expect(o.arraySync()).toEqual([
      [
        [0, 0, 1],
        [1, 0, 0],
      ],
      [
        [0, 1, 0],
        [0, 1, 0],
      ],
    ]);
    expect(() => oneHot(idx([0, 3]), 3)).toThrow(
      "oneHot: argument 'indices' expected values in [0, 2] but received 3 at position 1",
    );
  });
});
