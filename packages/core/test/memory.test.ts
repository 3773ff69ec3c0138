import { describe, expect, it } from 'vitest';
import {
  conv2d,
  dispose,
  ErlangenError,
  Generator,
  gather,
  keep,
  leakyRelu,
  logsumexp,
  matmul,
  memory,
  noGrad,
  randn,
  type Tensor,
  tensor,
  tidy,
  zeros,
} from '../src/index.js';

const rnd = (shape: number[], seed = 0) => randn(shape, { generator: new Generator(seed) });
const live = () => memory().numTensors;

describe('tidy', () => {
  it('disposes intermediates and keeps what it returns (nested results included)', () => {
    const x = tensor([1, 2, 3]);
    const before = live();
    const out = tidy(() => {
      const a = x.mul(2);
      const b = a.add(1);
      return { b, list: [b.sum()] };
    });
    expect(live()).toBe(before + 2);
    expect(out.b.isDisposed).toBe(false);
    expect(Array.from(out.b.dataSync())).toEqual([3, 5, 7]);
    dispose(out);
    expect(live()).toBe(before);
  });
  it('keeps what the autograd graph of a returned tensor needs, including saved tensors', () => {
    const x = rnd([4, 3]).requireGrad();
    const w = rnd([3, 2], 1).requireGrad();
    const loss = tidy(() => {
      const h = leakyRelu(matmul(x, w)); // where() saves its mask
      const picked = gather(h, 1, tensor([[1], [0], [1], [0]], undefined, 'int32')); // saves the index
      return logsumexp(picked, [0, 1], true).sum(); // multi-axis logsumexp
    });
    loss.backward();
    expect(x.grad!.shape).toEqual([4, 3]);
    expect(w.grad!.shape).toEqual([3, 2]);
  });
  it('nested scopes hand survivors to the parent; keep() exempts a tensor', () => {
    const before = live();
    let kept: Tensor | undefined;
    const outer = tidy(() => {
      const inner = tidy(() => {
        kept = keep(zeros([2]).add(1));
        return zeros([3]).add(2);
      });
      zeros([5]);
      return inner;
    });
    expect(outer.isDisposed).toBe(false);
    expect(kept!.isDisposed).toBe(false);
    expect(live()).toBe(before + 2);
    outer.dispose();
    kept!.dispose();
    expect(live()).toBe(before);
  });
  it('disposes everything when fn throws, and rejects async functions', () => {
    const before = live();
    expect(() =>
      tidy(() => {
        zeros([2]).add(1);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(live()).toBe(before);
    expect(() => tidy((async () => zeros([1])) as never)).toThrow(
      /tidy: argument 'fn' expected a synchronous function but received one that returned a Promise/,
    );
  });
  it('a backward inside tidy leaves only the kept .grad behind', () => {
    const w = rnd([3]).requireGrad();
    const before = live();
    tidy(() => {
      w.mul(w).sum().backward();
    });
    expect(live()).toBe(before + 1);
    w.zeroGrad();
    expect(live()).toBe(before);
  });
  it('backward outside tidy does not leak intermediate gradients', () => {
    const w = rnd([3, 3]).requireGrad();
    const x = rnd([2, 3], 1);
    const y = matmul(x, w).tanh().sum();
    const before = live();
    y.backward();
    expect(live()).toBe(before + 1);
    w.zeroGrad();
  });
});

describe('a training loop', () => {
  it('keeps memory().numTensors and numBytes flat over 20 iterations', () => {
    const g = new Generator(0);
    const w1 = randn([2, 3, 3, 3], { generator: g }).mul(0.3).requireGrad();
    const b1 = zeros([2]).requireGrad();
    const w2 = randn([8, 1], { generator: g }).mul(0.3).requireGrad();
    const x = randn([4, 3, 4, 4], { generator: g });
    const target = randn([4, 1], { generator: g });
    const params = [w1, b1, w2];
    const counts: number[] = [];
    const bytes: number[] = [];
    const losses: number[] = [];
    for (let step = 0; step < 20; step++) {
      tidy(() => {
        const h = conv2d(x, w1, b1, { stride: 2, padding: 1 }).relu();
        const pred = matmul(h.reshape([4, 8]), w2);
        const loss = pred.sub(target).square().mean();
        loss.backward();
        losses.push(loss.item());
        noGrad(() => {
          for (const p of params) p.assign(p.sub(p.grad!.mul(0.05)));
        });
        for (const p of params) p.zeroGrad();
      });
      counts.push(live());
      bytes.push(memory().numBytes);
    }
    expect(new Set(counts).size).toBe(1);
    expect(new Set(bytes).size).toBe(1);
    expect(losses[19]!).toBeLessThan(losses[0]!);
  });
});

describe('dispose and assign', () => {
  it('dispose is idempotent and frees storage once', () => {
    const before = memory();
    const t = zeros([10]);
    expect(memory().numBytes).toBe(before.numBytes + 40);
    t.dispose();
    t.dispose();
    dispose([t, { t }]);
    expect(memory()).toEqual(before);
    expect(t.isDisposed).toBe(true);
    expect(t.toString()).toContain('disposed');
  });
  it('views share storage, which is freed with the last of them', () => {
    const before = memory();
    const t = zeros([2, 3]);
    const v = t.reshape([6]);
    expect(memory().numBytes).toBe(before.numBytes + 24);
    t.dispose();
    expect(Array.from(v.dataSync())).toHaveLength(6);
    v.dispose();
    expect(memory()).toEqual(before);
  });
  it('use after dispose throws an ErlangenError naming the op and argument', () => {
    const t = tensor([1, 2]);
    t.dispose();
    expect(() => t.add(1)).toThrow(ErlangenError);
    expect(() => t.add(1)).toThrow(
      "add: argument 'a' expected a live tensor but received a tensor of shape [2] that was disposed",
    );
    expect(() => tensor([1, 1]).mul(t)).toThrow(/^mul: argument 'b' expected a live tensor/);
    expect(() => matmul(t, t)).toThrow(/^matmul: argument 'a' expected a live tensor/);
    expect(() => t.dataSync()).toThrow(/^dataSync: argument 'this' expected a live tensor/);
    expect(() => t.item()).toThrow(/^item: argument 'this'/);
    expect(() => t.sum()).toThrow(/^sum: argument 'x'/);
    expect(() => t.reshape([2])).toThrow(/^reshape: argument 'x'/);
    expect(() => tensor([1, 2]).assign(t)).toThrow(/^assign: argument 'value' expected a live tensor/);
  });
  it('assign swaps storage in place, consumes the value and checks shape and dtype', () => {
    const p = tensor([1, 2, 3]);
    const before = memory();
    const v = tensor([4, 5, 6]);
    p.assign(v);
    expect(Array.from(p.dataSync())).toEqual([4, 5, 6]);
    expect(v.isDisposed).toBe(true);
    expect(memory()).toEqual(before);
    expect(() => zeros([2, 3]).assign(zeros([3, 2]))).toThrow(
      "assign: argument 'value' expected shape [2, 3] and dtype float32 but received shape [3, 2] and dtype float32",
    );
    expect(() => zeros([2]).assign(zeros([2], 'int32'))).toThrow(
      /expected shape \[2\] and dtype float32 but received shape \[2\] and dtype int32/,
    );
    expect(p.assign(p)).toBe(p);
    expect(p.isDisposed).toBe(false);
  });
});
