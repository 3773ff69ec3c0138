/**
 * Bad input must throw an ErlangenError whose message names the op, the argument, what was
 * expected and what was received: `op: argument 'arg' expected … but received …`.
 */
import { describe, expect, it } from 'vitest';
import {
  add,
  avgPool2d,
  bmm,
  concat,
  conv1d,
  conv2d,
  cumsum,
  ErlangenError,
  expand,
  gather,
  indexAdd,
  indexSelect,
  matmul,
  maxPool2d,
  narrow,
  oneHot,
  permute,
  reshape,
  scatterAdd,
  select,
  softmax,
  split,
  squeeze,
  stack,
  sum,
  type Tensor,
  tensor,
  transpose,
  where,
  zeros,
} from '../src/index.js';

const idx = (v: number[] | number[][]) => tensor(v, undefined, 'int32');

/** Asserts fn throws an ErlangenError with exactly `message` (or matching it). */
function throwsArg(fn: () => unknown, message: string | RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ErlangenError);
  const text = (error as Error).message;
  if (typeof message === 'string') expect(text).toBe(message);
  else expect(text).toMatch(message);
  expect(text).toMatch(/^\w+: argument '[^']+' expected .+ but received .+/s);
}

describe('wrong shapes', () => {
  it('matmul inner dimensions', () => {
    throwsArg(
      () => matmul(zeros([2, 3]), zeros([4, 5])),
      "matmul: argument 'b' expected shape [..., 3, n] to match a [2, 3] but received [4, 5] (inner dimensions 3 ≠ 4)",
    );
    throwsArg(() => matmul(zeros([3]), zeros([4])), /^matmul: argument 'b' expected shape \[\.\.\., 3, n\]/);
    throwsArg(
      () => matmul(zeros([2, 2, 3]), zeros([3, 3, 1])),
      "matmul: argument 'b' expected a shape that broadcasts with [2] but received [3] (axis -1 is 3, not 2 or 1)",
    );
    throwsArg(
      () => matmul(tensor(1), zeros([2])),
      "matmul: argument 'a' expected a tensor of at least 1 dimension but received a scalar",
    );
    throwsArg(
      () => bmm(zeros([2, 2, 3]), zeros([2, 4, 5])),
      /^matmul: argument 'b' expected inner dimension 3/,
    );
    throwsArg(
      () => bmm(zeros([2, 2, 3]), zeros([3, 3, 5])),
      "bmm: argument 'b' expected batch 2 (or 1) to match a but received batch 3",
    );
    throwsArg(
      () => bmm(zeros([2, 3]), zeros([3, 3, 5])),
      "bmm: argument 'a' expected a 3-d tensor [batch, m, k] but received [2, 3]",
    );
  });
  it('conv channel mismatch and geometry', () => {
    throwsArg(
      () => conv2d(zeros([1, 3, 5, 5]), zeros([4, 2, 3, 3])),
      "conv2d: argument 'weight' expected shape [4, 3, kh, kw] for x with 3 channels and groups=1 but received [4, 2, 3, 3]",
    );
    throwsArg(
      () => conv1d(zeros([1, 3, 5]), zeros([2, 4, 3])),
      "conv1d: argument 'weight' expected shape [2, 3, k] for x with 3 channels and groups=1 but received [2, 4, 3]",
    );
    throwsArg(
      () => conv2d(zeros([1, 4, 5, 5]), zeros([3, 2, 3, 3]), null, { groups: 2 }),
      "conv2d: argument 'groups' expected a divisor of inChannels (4) and outChannels (3) but received 2",
    );
    throwsArg(
      () => conv2d(zeros([3, 5, 5]), zeros([4, 3, 3, 3])),
      "conv2d: argument 'x' expected a 4-d tensor [batch, inChannels, height, width] but received [3, 5, 5]",
    );
    throwsArg(
      () => conv2d(zeros([1, 3, 2, 2]), zeros([4, 3, 3, 3])),
      /^conv2d: argument 'x' expected a spatial size ≥ the dilated kernel \(3\) after padding but received size 2/,
    );
    throwsArg(
      () => conv2d(zeros([1, 3, 5, 5]), zeros([4, 3, 3, 3]), zeros([3])),
      "conv2d: argument 'bias' expected shape [4] but received [3]",
    );
    throwsArg(
      () => conv2d(zeros([1, 3, 5, 5]), zeros([4, 3, 3, 3]), null, { stride: 0 }),
      "conv2d: argument 'stride' expected an integer ≥ 1 or a pair of them but received 0",
    );
    throwsArg(
      () => conv2d(zeros([1, 3, 5, 5]), zeros([4, 3, 3, 3]), null, { padding: 'same', stride: 2 }),
      "conv2d: argument 'padding' expected stride 1 with padding 'same' but received stride [2, 2]",
    );
    throwsArg(
      () => maxPool2d(zeros([1, 1, 4, 4]), 2, { padding: 2 }),
      "maxPool2d: argument 'padding' expected at most half the kernel size [2, 2] but received [2, 2]",
    );
    throwsArg(
      () => avgPool2d(zeros([1, 4, 4]), 2),
      "avgPool2d: argument 'x' expected a 4-d tensor [batch, channels, height, width] but received [1, 4, 4]",
    );
  });
  it('broadcast failures name the second operand', () => {
    throwsArg(
      () => add(zeros([2, 3]), zeros([4])),
      "add: argument 'b' expected a shape that broadcasts with [2, 3] but received [4] (axis -1 is 4, not 3 or 1)",
    );
    throwsArg(
      () => zeros([2, 1, 3]).mul(zeros([5, 2])),
      /^mul: argument 'b' expected a shape that broadcasts with \[2, 1, 3\] but received \[5, 2\]/,
    );
    throwsArg(
      () => where(tensor([true, false]), zeros([3]), 0),
      /^where: argument 'a' expected a shape that broadcasts with \[2\] but received \[3\]/,
    );
  });
  it('reshape, expand, concat, stack, split', () => {
    throwsArg(
      () => reshape(zeros([2, 3]), [4, 2]),
      "reshape: argument 'shape' expected a shape with 6 elements (x is [2, 3]) but received [4, 2]",
    );
    throwsArg(
      () => reshape(zeros([2, 3]), [-1, -1]),
      "reshape: argument 'shape' expected non-negative integers with at most one -1 but received [-1, -1]",
    );
    throwsArg(
      () => expand(zeros([2, 3]), [4, 3]),
      "expand: argument 'shape' expected a shape x [2, 3] broadcasts to but received [4, 3]",
    );
    throwsArg(
      () => concat([zeros([2, 3]), zeros([2, 4])], 0),
      "concat: argument 'xs[1]' expected dtype float32 and shape [*, 3] but received float32 [2, 4]",
    );
    throwsArg(() => concat([]), /^concat: argument 'xs' expected a non-empty array of tensors/);
    throwsArg(
      () => stack([zeros([2]), zeros([3])]),
      "stack: argument 'xs[1]' expected shape [2] but received [3]",
    );
    throwsArg(
      () => split(zeros([5]), [2, 2]),
      "split: argument 'sizes' expected non-negative integers summing to 5 (axis 0) but received [2, 2]",
    );
    throwsArg(
      () => squeeze(zeros([2, 3]), 0),
      "squeeze: argument 'axis' expected axes of size 1 but received axis 0 of size 2",
    );
  });
});

describe('dtypes that matter', () => {
  it('float indices are rejected', () => {
    throwsArg(
      () => gather(zeros([2, 3]), 1, tensor([[0], [1]])),
      "gather: argument 'index' expected dtype int32 but received float32",
    );
    throwsArg(
      () => indexSelect(zeros([2, 3]), 0, tensor([0, 1])),
      "indexSelect: argument 'index' expected dtype int32 but received float32",
    );
    throwsArg(
      () => scatterAdd(zeros([3, 2]), tensor([0, 1, 0]), 0, 2),
      "scatterAdd: argument 'index' expected dtype int32 but received float32",
    );
    throwsArg(
      () => indexAdd(zeros([3, 2]), 0, tensor([0, 1, 0]), 2),
      "indexAdd: argument 'index' expected dtype int32 but received float32",
    );
    throwsArg(
      () => oneHot(tensor([1]), 3),
      "oneHot: argument 'index' expected dtype int32 but received float32",
    );
  });
  it('float-only ops reject integer inputs; -bool is refused', () => {
    throwsArg(
      () => conv2d(zeros([1, 1, 3, 3], 'int32'), zeros([1, 1, 1, 1])),
      "conv2d: argument 'x' expected dtype float32 but received int32",
    );
    throwsArg(
      () => maxPool2d(zeros([1, 1, 2, 2], 'int32'), 2),
      "maxPool2d: argument 'x' expected dtype float32 but received int32",
    );
    throwsArg(
      () => tensor([true]).neg(),
      "neg: argument 'x' expected a float32 or int32 tensor but received a bool tensor",
    );
  });
});

describe('out-of-range indices', () => {
  it('gather, indexSelect, indexAdd and scatterAdd report the bad value and its position', () => {
    throwsArg(
      () => gather(zeros([2, 3]), 1, idx([[0], [3]])),
      "gather: argument 'index' expected values in [0, 2] but received 3 at position 1",
    );
    throwsArg(
      () => gather(zeros([2, 3]), 0, idx([[-1, 0]])),
      "gather: argument 'index' expected values in [0, 1] but received -1 at position 0",
    );
    throwsArg(
      () => indexSelect(zeros([2, 3]), 0, idx([0, 2])),
      "indexSelect: argument 'index' expected values in [0, 1] but received 2 at position 1",
    );
    throwsArg(
      () => indexAdd(zeros([3, 2]), 0, idx([0, 4, 1]), 4),
      "indexAdd: argument 'index' expected values in [0, 3] but received 4 at position 1",
    );
    throwsArg(
      () => scatterAdd(zeros([3, 2]), idx([0, 5, 0]), 0, 2),
      "scatterAdd: argument 'index' expected values in [0, 1] but received 5 at position 1",
    );
    throwsArg(
      () => scatterAdd(zeros([3]), idx([0, 1, 2]), 0, 2),
      "scatterAdd: argument 'index' expected values in [0, 1] but received 2 at position 2",
    );
    throwsArg(
      () => gather(zeros([2, 3]), 1, idx([[0], [1], [1]])),
      /^gather: argument 'index' expected size ≤ 2 along axis 0/,
    );
    throwsArg(
      () => indexAdd(zeros([3, 2]), 0, idx([0, 1]), 4),
      "indexAdd: argument 'index' expected length 3 (src.shape[0]) but received length 2",
    );
    throwsArg(
      () => scatterAdd(zeros([3, 2]), idx([[0, 1]]), 0, 2),
      "scatterAdd: argument 'index' expected shape [3, 2] (src's) or a 1-d index but received [1, 2]",
    );
    throwsArg(
      () => select(zeros([2, 3]), 2),
      "select: argument 'i' expected an index in [-2, 1] but received 2",
    );
    throwsArg(
      () => narrow(zeros([4]), 0, 2, 3),
      "narrow: argument 'length' expected an integer in [0, 2] but received 3",
    );
  });
});

describe('bad axes', () => {
  it('out-of-range, duplicate and non-integer axes', () => {
    throwsArg(
      () => sum(zeros([2, 3]), 2),
      "sum: argument 'axis' expected an axis in [-2, 1] for a 2-d tensor but received 2",
    );
    throwsArg(
      () => sum(zeros([2, 3]), [-3]),
      "sum: argument 'axis' expected an axis in [-2, 1] for a 2-d tensor but received -3",
    );
    throwsArg(
      () => sum(zeros([2, 3]), [0, -2]),
      "sum: argument 'axis' expected distinct axes but received [0, -2]",
    );
    throwsArg(
      () => softmax(zeros([2, 3]), 1.5),
      "softmax: argument 'axis' expected an integer but received 1.5",
    );
    throwsArg(
      () => cumsum(zeros([3]), 1),
      "cumsum: argument 'axis' expected an axis in [-1, 0] for a 1-d tensor but received 1",
    );
    throwsArg(
      () => permute(zeros([2, 3]), [0, 0]),
      "permute: argument 'axes' expected each axis once but received [0, 0]",
    );
    throwsArg(
      () => permute(zeros([2, 3]), [0]),
      "permute: argument 'axes' expected a permutation of 2 axes but received [0]",
    );
    throwsArg(
      () => transpose(zeros([2, 3]), 0, 3),
      "transpose: argument 'axis1' expected an axis in [-2, 1] for a 2-d tensor but received 3",
    );
    throwsArg(
      () => concat([tensor(1), tensor(2)]),
      "concat: argument 'xs[0]' expected a tensor with at least 1 dimension but received a 0-d tensor",
    );
    throwsArg(
      () => zeros([2]).unsqueeze(3),
      "unsqueeze: argument 'axis' expected an axis in [-2, 1] for a 2-d tensor but received 3",
    );
  });
});

describe('disposed tensors and non-tensors', () => {
  it('every op names itself and the argument', () => {
    const t = zeros([2, 2]);
    t.dispose();
    const live = zeros([2, 2]);
    const cases: [() => unknown, string][] = [
      [() => matmul(live, t), 'matmul'],
      [() => conv2d(t, live), 'conv2d'],
      [() => softmax(t), 'softmax'],
      [() => gather(live, 0, t), 'gather'],
      [() => concat([live, t]), 'concat'],
      [() => t.exp(), 'exp'],
      [() => t.transpose(), 'transpose'],
      [() => where(t, 1, 0), 'where'],
    ];
    for (const [fn, op] of cases) {
      throwsArg(
        fn,
        new RegExp(
          `^${op}: argument '\\w+(\\[\\d\\])?' expected a live tensor but received a tensor of shape \\[2, 2\\] that was disposed`,
        ),
      );
    }
  });
  it('non-tensor arguments', () => {
    throwsArg(
      () => matmul([1, 2] as unknown as Tensor, zeros([2])),
      "matmul: argument 'a' expected a Tensor but received an array of length 2",
    );
    throwsArg(
      () => add(zeros([1]), 'x' as never),
      'add: argument \'b\' expected a Tensor or a number but received "x"',
    );
    throwsArg(
      () => tensor([1]).assign(5 as never),
      "assign: argument 'value' expected a Tensor but received number",
    );
  });
  it('a saved tensor disposed before backward is reported against the op that needs it', () => {
    const x = zeros([3, 2]).requireGrad();
    const i = idx([2, 0]);
    const y = indexSelect(x, 0, i);
    i.dispose();
    expect(() => y.sum().backward()).toThrow(
      /^backward: the graph through 'indexSelect' needs a tensor of shape \[2\] that was disposed/,
    );
  });
});
