import { describe, expect, it } from 'vitest';
import {
  arange,
  concat,
  expand,
  flatten,
  flip,
  Generator,
  narrow,
  pad,
  permute,
  randn,
  reshape,
  select,
  slice,
  split,
  squeeze,
  stack,
  type Tensor,
  tensor,
  tile,
  transpose,
  unsqueeze,
  zeros,
} from '../src/index.js';
import { gradcheck } from './gradcheck.js';

const values = (t: Tensor) => Array.from(t.dataSync());
const seq = (shape: number[]) =>
  arange(
    0,
    shape.reduce((a, b) => a * b, 1),
    1,
    'float32',
  ).reshape(shape);
const rnd = (shape: number[], seed = 0) => randn(shape, { generator: new Generator(seed) });

/** Reference strided read: element at multi-index `idx` of a row-major tensor of `shape`. */
function at(vals: number[], shape: readonly number[], idx: number[]): number {
  let off = 0;
  for (let d = 0; d < shape.length; d++) off = off * shape[d]! + idx[d]!;
  return vals[off]!;
}
function* indices(shape: readonly number[]): Iterable<number[]> {
  const total = shape.reduce((a, b) => a * b, 1);
  const idx = shape.map(() => 0);
  for (let n = 0; n < total; n++) {
    yield [...idx];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

describe('reshape, view, flatten, squeeze, unsqueeze', () => {
  it('reshape keeps row-major order, infers -1 and shares storage', () => {
    const x = seq([2, 3, 4]);
    const r = reshape(x, [4, -1]);
    expect(r.shape).toEqual([4, 6]);
    expect(values(r)).toEqual(values(x));
    expect(r.id).toBe(x.id);
    expect(x.view([24]).shape).toEqual([24]);
    expect(reshape(tensor(5), [1, 1]).shape).toEqual([1, 1]);
    expect(reshape(zeros([0, 3]), [3, 0]).shape).toEqual([3, 0]);
    expect(reshape(zeros([2, 0]), [-1, 2]).shape).toEqual([0, 2]);
  });
  it('flatten merges a range of axes (negative axes count from the back)', () => {
    const x = seq([2, 3, 4, 5]);
    expect(flatten(x).shape).toEqual([120]);
    expect(flatten(x, 1).shape).toEqual([2, 60]);
    expect(flatten(x, 1, -2).shape).toEqual([2, 12, 5]);
    expect(flatten(tensor(3)).shape).toEqual([1]);
  });
  it('squeeze and unsqueeze', () => {
    const x = zeros([1, 3, 1, 2]);
    expect(squeeze(x).shape).toEqual([3, 2]);
    expect(squeeze(x, -2).shape).toEqual([1, 3, 2]);
    expect(squeeze(x, [0, 2]).shape).toEqual([3, 2]);
    expect(unsqueeze(zeros([3]), 0).shape).toEqual([1, 3]);
    expect(unsqueeze(zeros([3]), -1).shape).toEqual([3, 1]);
    expect(unsqueeze(tensor(1), 0).shape).toEqual([1]);
    expect(squeeze(tensor(1)).shape).toEqual([]);
  });
  it('gradients flow through shape changes', () => {
    gradcheck((x) => reshape(x, [3, 2]).mul(seq([3, 2])), [rnd([2, 3])]);
    gradcheck((x) => unsqueeze(squeeze(x, 1), -1), [rnd([2, 1, 3])]);
    gradcheck((x) => flatten(x, 1), [rnd([2, 2, 2])]);
  });
});

describe('permute and transpose', () => {
  it('permute moves axes: out[i, j, k] = x[k, i, j] for axes [2, 0, 1]... reference check', () => {
    const shape = [2, 3, 4];
    const x = seq(shape);
    const xv = values(x);
    for (const axes of [
      [2, 0, 1],
      [1, 2, 0],
      [0, 2, 1],
      [-1, 0, 1],
    ]) {
      const p = axes.map((a) => (a < 0 ? a + 3 : a));
      const y = permute(x, axes);
      expect(y.shape).toEqual(p.map((a) => shape[a]));
      const yv = values(y);
      let n = 0;
      for (const idx of indices(y.shape)) {
        const src = new Array<number>(3);
        p.forEach((a, i) => {
          src[a] = idx[i]!;
        });
        expect(yv[n++]).toBe(at(xv, shape, src));
      }
    }
  });
  it('transpose swaps two axes, defaulting to the last two; .T likewise', () => {
    const x = seq([2, 3]);
    expect(transpose(x).arraySync()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(x.T.shape).toEqual([3, 2]);
    expect(transpose(seq([2, 3, 4]), 0, 2).shape).toEqual([4, 3, 2]);
    expect(transpose(seq([3])).shape).toEqual([3]);
  });
  it('gradients', () => {
    gradcheck((x) => permute(x, [2, 0, 1]), [rnd([2, 3, 2])]);
    gradcheck((x) => transpose(x, 0, -1), [rnd([3, 2, 2])]);
  });
});

describe('slice, narrow, select, flip', () => {
  it('slice takes [start, end) ranges, negative ends, nulls and integer picks', () => {
    const x = seq([4, 5]);
    expect(slice(x, [[1, 3]]).arraySync()).toEqual([
      [5, 6, 7, 8, 9],
      [10, 11, 12, 13, 14],
    ]);
    expect(slice(x, [null, [-2]]).arraySync()).toEqual([
      [3, 4],
      [8, 9],
      [13, 14],
      [18, 19],
    ]);
    expect(slice(x, [2, [1, -1]]).arraySync()).toEqual([11, 12, 13]);
    expect(slice(x, [[-1]]).shape).toEqual([1, 5]);
    expect(slice(x, [[3, 1]]).shape).toEqual([0, 5]);
    expect(slice(x, [[0, 100]]).shape).toEqual([4, 5]);
    expect(x.slice([-1, -1]).item()).toBe(19);
  });
  it('narrow, select and flip', () => {
    const x = seq([3, 4]);
    expect(narrow(x, 1, 1, 2).arraySync()).toEqual([
      [1, 2],
      [5, 6],
      [9, 10],
    ]);
    expect(narrow(x, -1, -1, 1).shape).toEqual([3, 1]);
    expect(narrow(x, 0, 3, 0).shape).toEqual([0, 4]);
    expect(select(x, -1).arraySync()).toEqual([8, 9, 10, 11]);
    expect(select(x, 2, 1).arraySync()).toEqual([2, 6, 10]);
    expect(flip(x, 0).arraySync()).toEqual([
      [8, 9, 10, 11],
      [4, 5, 6, 7],
      [0, 1, 2, 3],
    ]);
    expect(values(flip(x, [0, -1]))).toEqual(values(x).reverse());
    expect(flip(zeros([0, 2]), 0).shape).toEqual([0, 2]);
    expect(flip(tensor(2), []).item()).toBe(2);
  });
  it('gradients', () => {
    gradcheck(
      (x) =>
        slice(x, [
          [1, 3],
          [-3, -1],
        ]),
      [rnd([4, 4])],
    );
    gradcheck((x) => narrow(x, 1, 1, 2), [rnd([2, 4])]);
    gradcheck((x) => select(x, 1, -1), [rnd([3, 3])]);
    gradcheck((x) => flip(x, [0, 2]), [rnd([2, 2, 3])]);
  });
});

describe('concat, stack, split', () => {
  it('concat joins along an existing axis, empty pieces included', () => {
    const a = seq([2, 2]);
    const b = seq([2, 3]);
    expect(concat([a, b], 1).arraySync()).toEqual([
      [0, 1, 0, 1, 2],
      [2, 3, 3, 4, 5],
    ]);
    expect(concat([a, zeros([0, 2]), a], 0).shape).toEqual([4, 2]);
    expect(concat([a, b], -1).shape).toEqual([2, 5]);
    expect(concat([a]).shape).toEqual([2, 2]);
  });
  it('stack adds an axis (0-d tensors become a vector)', () => {
    const a = seq([2]);
    expect(stack([a, a.add(10)], 1).arraySync()).toEqual([
      [0, 10],
      [1, 11],
    ]);
    expect(stack([a, a], -1).shape).toEqual([2, 2]);
    expect(stack([tensor(1), tensor(2)]).arraySync()).toEqual([1, 2]);
  });
  it('split into equal chunks (last shorter) or given sizes', () => {
    const x = seq([5, 2]);
    expect(split(x, 2).map((t) => t.shape)).toEqual([
      [2, 2],
      [2, 2],
      [1, 2],
    ]);
    const parts = split(x, [1, 0, 4]);
    expect(parts.map((t) => t.shape[0])).toEqual([1, 0, 4]);
    expect(values(parts[2]!)).toEqual(values(x).slice(2));
    expect(split(x, [1, 1], -1)[1]!.arraySync()).toEqual([[1], [3], [5], [7], [9]]);
  });
  it('gradients', () => {
    const w = seq([2, 5]);
    gradcheck((a, b) => concat([a, b], 1).mul(w), [rnd([2, 2]), rnd([2, 3], 1)]);
    gradcheck((a, b) => stack([a, b], 1), [rnd([3]), rnd([3], 1)]);
    gradcheck((x) => split(x, [1, 3], 1), [rnd([2, 4])]);
  });
});

describe('expand and broadcastTo', () => {
  it('stretches size-1 axes and adds leading ones', () => {
    const x = tensor([[1], [2]]);
    expect(expand(x, [2, 3]).arraySync()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(expand(x, [2, 2, -1]).shape).toEqual([2, 2, 1]);
    expect(expand(tensor(3), [2]).arraySync()).toEqual([3, 3]);
    expect(expand(zeros([1, 2]), [0, 2]).shape).toEqual([0, 2]);
    expect(x.broadcastTo([2, 2]).shape).toEqual([2, 2]);
  });
  it('gradient sums over the broadcast axes', () => {
    gradcheck((x) => expand(x, [2, 3, 4]), [rnd([3, 1])]);
    gradcheck((x) => expand(x, [3]), [rnd([])]);
  });
});

describe('pad', () => {
  it('constant padding per axis, and negative pads crop', () => {
    const x = seq([2, 2]);
    expect(
      pad(
        x,
        [
          [1, 0],
          [0, 2],
        ],
        'constant',
        9,
      ).arraySync(),
    ).toEqual([
      [9, 9, 9, 9],
      [0, 1, 9, 9],
      [2, 3, 9, 9],
    ]);
    expect(
      pad(x, [
        [0, 0],
        [1, 1],
      ]).arraySync(),
    ).toEqual([
      [0, 0, 1, 0],
      [0, 2, 3, 0],
    ]);
    expect(
      pad(seq([3, 3]), [
        [-1, 0],
        [0, -2],
      ]).arraySync(),
    ).toEqual([[3], [6]]);
    expect(pad(zeros([0, 2]), [[1, 1]]).shape).toEqual([2, 2]);
  });
  it('circular padding wraps around', () => {
    const x = seq([3]);
    expect(pad(x, [[2, 1]], 'circular').arraySync()).toEqual([1, 2, 0, 1, 2, 0]);
    expect(
      pad(
        seq([2, 2]),
        [
          [1, 1],
          [1, 0],
        ],
        'circular',
      ).arraySync(),
    ).toEqual([
      [3, 2, 3],
      [1, 0, 1],
      [3, 2, 3],
      [1, 0, 1],
    ]);
  });
  it('gradients (constant, cropping, circular)', () => {
    gradcheck(
      (x) =>
        pad(
          x,
          [
            [1, 2],
            [0, 1],
          ],
          'constant',
          3,
        ),
      [rnd([2, 2])],
    );
    gradcheck((x) => pad(x, [[-1, 1]]), [rnd([3, 2])]);
    gradcheck(
      (x) =>
        pad(
          x,
          [
            [0, 0],
            [2, 1],
          ],
          'circular',
        ),
      [rnd([2, 3])],
    );
  });
  it('rejects bad pads', () => {
    expect(() =>
      pad(seq([2]), [
        [0, 0],
        [1, 1],
      ]),
    ).toThrow("pad: argument 'pads' expected at most 1 [before, after] pairs but received 2");
    expect(() => pad(seq([2]), [[3, 0]], 'circular')).toThrow(
      /pad: argument 'pads\[0\]' expected circular padding/,
    );
    expect(() => pad(seq([2]), [[0, 0]], 'reflect' as never)).toThrow(
      "pad: argument 'mode' expected 'constant' or 'circular' but received 'reflect'",
    );
  });
});

describe('tile', () => {
  it('repeats along each axis (torch.Tensor.repeat)', () => {
    const x = tensor([[1, 2]]);
    expect(tile(x, [2, 2]).arraySync()).toEqual([
      [1, 2, 1, 2],
      [1, 2, 1, 2],
    ]);
    expect(tile(tensor([1, 2]), [2, 1, 2]).shape).toEqual([2, 1, 4]);
    expect(tile(x, [0, 1]).shape).toEqual([0, 2]);
    expect(tile(tensor(3), [3]).arraySync()).toEqual([3, 3, 3]);
  });
  it('gradient', () => {
    gradcheck((x) => tile(x, [2, 3]), [rnd([2, 2])]);
  });
});
