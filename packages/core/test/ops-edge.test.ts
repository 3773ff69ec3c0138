/**
 * Edge shapes through forward and backward: 0-d tensors, empty dimensions and size-1 dimensions.
 * Every op must give the right output shape and a gradient of its input's shape (empty where the
 * input is empty), never throw or produce NaN where the maths has none.
 */
import { describe, expect, it } from 'vitest';
import * as E from '../src/index.js';
import { Generator, gradients, randn, type Tensor, tensor, zeros } from '../src/index.js';
import { gradcheck } from './gradcheck.js';

const rnd = (shape: number[], seed = 0) => randn(shape, { generator: new Generator(seed) });

type Op = [string, (x: Tensor) => Tensor];
const OPS: Op[] = [
  ['sum', (x) => x.sum()],
  ['sum keep', (x) => x.sum(-1, true)],
  ['mean', (x) => x.mean(0)],
  ['logsumexp', (x) => x.logsumexp(-1)],
  ['softmax', (x) => x.softmax(-1)],
  ['logSoftmax', (x) => x.logSoftmax(0)],
  ['cumsum', (x) => x.cumsum(-1)],
  ['prod', (x) => E.prod(x, -1)],
  ['exp', (x) => x.exp()],
  ['mul self', (x) => x.mul(x)],
  ['add broadcast', (x) => x.add(tensor(2))],
  ['where', (x) => E.where(x.gt(0), x, x.mul(0.5))],
  ['clamp', (x) => x.clamp(-0.5, 0.5)],
  ['reshape', (x) => x.reshape([-1])],
  ['unsqueeze', (x) => x.unsqueeze(0)],
  ['expand', (x) => x.expand([2, ...x.shape])],
  ['flip', (x) => x.flip(x.ndim ? [0] : [])],
  ['tile', (x) => E.tile(x, [...x.shape.map(() => 2), 1])],
  ['stack', (x) => E.stack([x, x])],
  ['gelu', E.gelu],
  ['softplus', E.softplus],
  ['elu', (x) => E.elu(x)],
];

describe('0-d tensors', () => {
  for (const [name, op] of OPS) {
    it(`${name}: forward and gradient`, () => {
      const x = tensor(0.7);
      const y = op(x);
      expect(y.dataSync().every((v) => !Number.isNaN(v))).toBe(true);
      gradcheck(op, [x]);
    });
  }
});

describe('empty dimensions', () => {
  for (const [name, op] of OPS) {
    it(`${name}: gradient has the (empty) input shape`, () => {
      for (const shape of [[0], [2, 0], [0, 3]]) {
        const x = zeros(shape).requireGrad();
        const y = op(x);
        if (!y.requiresGrad) continue;
        const [g] = gradients(y.sum(), [x]);
        expect(g!.shape).toEqual(shape);
      }
    });
  }
  it('matmul, conv and indexing with empty dims', () => {
    const a = zeros([3, 0]).requireGrad();
    const b = zeros([0, 2]).requireGrad();
    const [ga, gb] = gradients(E.matmul(a, b).sum(), [a, b]);
    expect(ga!.shape).toEqual([3, 0]);
    expect(gb!.shape).toEqual([0, 2]);
    const x = zeros([0, 2, 4, 4]).requireGrad();
    const w = rnd([3, 2, 3, 3]).requireGrad();
    const [gx, gw] = gradients(E.conv2d(x, w, null, { padding: 1 }).sum(), [x, w]);
    expect(gx!.shape).toEqual([0, 2, 4, 4]);
    expect(Array.from(gw!.dataSync()).every((v) => v === 0)).toBe(true);
    const src = zeros([0, 3]).requireGrad();
    const [gs] = gradients(E.indexAdd(src, 0, tensor([], undefined, 'int32'), 4).sum(), [src]);
    expect(gs!.shape).toEqual([0, 3]);
  });
});

describe('size-1 dimensions', () => {
  it('reductions, softmax and broadcasting over size-1 axes', () => {
    gradcheck((x) => x.softmax(1), [rnd([3, 1])]);
    gradcheck((x) => x.logsumexp(0, true), [rnd([1, 4])]);
    gradcheck((x) => E.variance(x, 1, { correction: 0 }), [rnd([2, 1, 3])]);
    gradcheck((x, y) => x.mul(y), [rnd([1, 3, 1]), rnd([2, 1, 4], 1)]);
    gradcheck((x) => E.matmul(x, rnd([1, 1], 2)), [rnd([3, 1])]);
    gradcheck((x) => E.maxPool2d(x, 1), [rnd([1, 1, 2, 2])]);
    gradcheck((x) => x.squeeze().mul(2), [rnd([1, 3, 1])]);
  });
});
