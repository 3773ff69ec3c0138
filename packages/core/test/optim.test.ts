import { describe, expect, it } from 'vitest';
import { Generator, memory, nn, optim, randn, type Tensor, tensor, tidy, zeros } from '../src/index.js';
import { errorOf, values } from './nn-helpers.js';

const gen = (seed: number) => ({ generator: new Generator(seed) });

/** A param with a fixed gradient g (kept, as backward would). */
function withGrad(value: number[], grad: number[]): Tensor {
  const p = tensor(value).requireGrad();
  p.grad = tensor(grad).keep();
  return p;
}

describe('hyper-parameter validation', () => {
  const p = () => [zeros([2]).requireGrad()];
  it('names the argument, the expected range and the received value', () => {
    expect(errorOf(() => new optim.SGD(p(), { lr: Number.NaN }))).toBe(
      "SGD: argument 'lr' expected a finite number ≥ 0 but received NaN",
    );
    expect(errorOf(() => new optim.SGD(p(), { lr: -0.1 }))).toContain(
      "argument 'lr' expected a finite number ≥ 0 but received -0.1",
    );
    expect(errorOf(() => new optim.SGD(p(), {} as never))).toContain("argument 'lr'");
    expect(errorOf(() => new optim.SGD(p(), { lr: 0.1, momentum: -1 }))).toContain("argument 'momentum'");
    expect(errorOf(() => new optim.SGD(p(), { lr: 0.1, weightDecay: -1 }))).toContain(
      "argument 'weightDecay'",
    );
    expect(errorOf(() => new optim.SGD(p(), { lr: 0.1, nesterov: true }))).toMatch(
      /argument 'nesterov' expected momentum > 0 and dampening = 0.*received momentum 0/,
    );
    expect(
      errorOf(() => new optim.SGD(p(), { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })),
    ).toContain('dampening 0.1');
    expect(errorOf(() => new optim.Adam(p(), { betas: [1, 0.999] }))).toBe(
      "Adam: argument 'betas[0]' expected a number in [0, 1) but received 1",
    );
    expect(errorOf(() => new optim.Adam(p(), { betas: [0.9, -0.1] }))).toContain("argument 'betas[1]'");
    expect(errorOf(() => new optim.AdamW(p(), { eps: -1e-8 }))).toContain("AdamW: argument 'eps'");
    expect(errorOf(() => new optim.AdamW(p(), { weightDecay: Number.POSITIVE_INFINITY }))).toContain(
      "argument 'weightDecay'",
    );
    expect(errorOf(() => new optim.Adam(p(), { lr: Number.NaN }))).toContain("argument 'lr'");
    // Groups are validated after merging with the defaults.
    expect(errorOf(() => new optim.Adam([{ params: p(), lr: -1 }]))).toContain("argument 'lr'");
  });

  it('rejects bad parameter lists', () => {
    expect(errorOf(() => new optim.SGD([], { lr: 1 }))).toContain("argument 'params'");
    const q = zeros([2]).requireGrad();
    expect(errorOf(() => new optim.SGD([q, q], { lr: 1 }))).toContain('more than one place');
    expect(errorOf(() => new optim.SGD([q.mul(2)], { lr: 1 }))).toContain('leaf');
    expect(errorOf(() => new optim.SGD([tensor(Int32Array.from([1]))], { lr: 1 }))).toContain('float32');
  });

  it('uses torch defaults', () => {
    const adam = new optim.Adam(p());
    expect(adam.defaults).toEqual({
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
    });
    expect(new optim.AdamW(p()).defaults.weightDecay).toBe(1e-2);
    expect(new optim.SGD(p(), { lr: 0.1 }).defaults).toEqual({
      lr: 0.1,
      momentum: 0,
      dampening: 0,
      nesterov: false,
      weightDecay: 0,
    });
  });
});

describe('Optimizer behaviour', () => {
  it('updates in place (same Tensor object) and skips parameters without a gradient', () => {
    const a = withGrad([1, 2], [1, -1]);
    const b = tensor([5]).requireGrad();
    const opt = new optim.SGD([a, b], { lr: 0.5 });
    opt.step();
    expect(values(a)).toEqual([0.5, 2.5]);
    expect(values(b)).toEqual([5]);
    expect(opt.state.has(b)).toBe(false);
  });

  it('param groups override defaults', () => {
    const a = withGrad([1], [1]);
    const b = withGrad([1], [1]);
    const opt = new optim.SGD([{ params: [a] }, { params: [b], lr: 0.1 }], { lr: 1 });
    opt.step();
    expect(values(a)).toEqual([0]);
    expect(values(b)[0]).toBeCloseTo(0.9, 7);
    expect(opt.paramGroups[1]!.lr).toBe(0.1);
  });

  it('zeroGrad clears gradients; step with a closure re-evaluates the loss', () => {
    const w = tensor([3]).requireGrad();
    const opt = new optim.SGD([w], { lr: 0.25 });
    const loss = opt.step(() => {
      opt.zeroGrad();
      const l = w.square().sum();
      l.backward();
      return l;
    });
    expect(loss!.item()).toBe(9);
    expect(values(w)).toEqual([1.5]);
    opt.zeroGrad();
    expect(w.grad).toBeNull();
  });

  it('does not leak tensors across steps', () => {
    for (const make of [
      (ps: Tensor[]) => new optim.Adam(ps, { amsgrad: true, weightDecay: 0.1 }),
      (ps: Tensor[]) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true }),
      (ps: Tensor[]) => new optim.AdamW(ps),
    ]) {
      const p = withGrad([1, 2, 3], [0.1, 0.2, 0.3]);
      const opt = make([p]);
      opt.step(); // creates the state
      const before = memory();
      for (let i = 0; i < 5; i++) opt.step();
      expect(memory()).toEqual(before);
    }
  });

  it('stateDict/loadStateDict resume a run exactly', () => {
    const run = (from: number, to: number, opt: optim.Optimizer<{ lr: number }>, ps: Tensor[]) => {
      for (let i = from; i < to; i++) {
        ps.forEach((p, j) => {
          p.grad = tidy(() =>
            p
              .detach()
              .mul(0.5)
              .add(j + i * 0.1),
          ).keep();
        });
        opt.step();
      }
    };
    const make = () => [tensor([1, -2, 3]).requireGrad(), tensor([0.5]).requireGrad()];
    const ref = make();
    const refOpt = new optim.Adam(ref, { lr: 0.1, amsgrad: true });
    run(0, 4, refOpt, ref);

    const a = make();
    const optA = new optim.Adam(a, { lr: 0.1, amsgrad: true });
    run(0, 2, optA, a);
    const saved = optA.stateDict();
    expect(Object.keys(saved.state)).toEqual(['0', '1']);
    expect(Object.keys(saved.state[0]!)).toEqual(['step', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']);
    expect(saved.paramGroups[0]!.params).toEqual([0, 1]);
    const b = a.map((p) => p.detach().clone().requireGrad());
    const optB = new optim.Adam(b, { lr: 999 });
    optB.loadStateDict(saved);
    expect(optB.paramGroups[0]!.lr).toBe(0.1);
    run(2, 4, optB, b);
    b.forEach((p, i) => {
      expect(values(p)).toEqual(values(ref[i]!));
    });
    // The source optimiser is unaffected by the copy.
    run(2, 4, optA, a);
    a.forEach((p, i) => {
      expect(values(p)).toEqual(values(ref[i]!));
    });
  });

  it('loadStateDict names a mismatch', () => {
    const opt = new optim.SGD([zeros([2]).requireGrad()], { lr: 1 });
    const other = new optim.SGD([zeros([2]).requireGrad(), zeros([1]).requireGrad()], { lr: 1 });
    expect(errorOf(() => opt.loadStateDict(other.stateDict()))).toContain('1 parameter(s)');
  });

  it('trains a small model: the loss goes down with each optimiser', () => {
    const x = randn([32, 4], gen(1));
    const yTrue = x.matmul(tensor([[1], [-2], [0.5], [3]])).add(0.3);
    for (const make of [
      (ps: Tensor[]) => new optim.SGD(ps, { lr: 0.05, momentum: 0.9 }),
      (ps: Tensor[]) => new optim.Adam(ps, { lr: 0.05 }),
      (ps: Tensor[]) => new optim.AdamW(ps, { lr: 0.05 }),
    ]) {
      const model = new nn.Sequential(
        new nn.Linear(4, 8, gen(2)),
        new nn.Tanh(),
        new nn.Linear(8, 1, gen(3)),
      );
      const opt = make(model.parameters());
      const lossAt = () => tidy(() => nn.functional.mseLoss(model.forward(x), yTrue).item());
      const first = lossAt();
      for (let i = 0; i < 60; i++) {
        tidy(() => {
          opt.zeroGrad();
          nn.functional.mseLoss(model.forward(x), yTrue).backward();
          opt.step();
        });
      }
      expect(lossAt()).toBeLessThan(first * 0.2);
    }
  });
});

describe('schedulers', () => {
  const opt = () => new optim.SGD([zeros([1]).requireGrad()], { lr: 1 });
  it('set the epoch-0 rate on construction and record initialLr', () => {
    const o = opt();
    const s = new optim.LinearLR(o, { startFactor: 0.5, totalIters: 2 });
    expect(s.getLastLr()).toEqual([0.5]);
    expect(o.paramGroups[0]!.lr).toBe(0.5);
    expect(o.paramGroups[0]!.initialLr).toBe(1);
    s.step();
    s.step();
    s.step();
    expect(s.getLastLr()).toEqual([1]);
  });

  it('round-trip their state', () => {
    const o = opt();
    const s = new optim.StepLR(o, { stepSize: 2, gamma: 0.5 });
    for (let i = 0; i < 5; i++) s.step();
    const saved = s.stateDict();
    const o2 = opt();
    const s2 = new optim.StepLR(o2, { stepSize: 2, gamma: 0.5 });
    s2.loadStateDict(saved);
    expect(s2.getLastLr()).toEqual(s.getLastLr());
    s.step();
    s2.step();
    expect(o2.paramGroups[0]!.lr).toBe(o.paramGroups[0]!.lr);
  });

  it('validate their options', () => {
    expect(errorOf(() => new optim.StepLR(opt(), { stepSize: 0 }))).toContain("argument 'stepSize'");
    expect(errorOf(() => new optim.CosineAnnealingLR(opt(), { tMax: 1.5 }))).toContain("argument 'tMax'");
    expect(errorOf(() => new optim.LinearLR(opt(), { startFactor: 0 }))).toContain("argument 'startFactor'");
    expect(errorOf(() => new optim.MultiStepLR(opt(), { milestones: [1, -2] }))).toContain(
      "argument 'milestones'",
    );
    expect(errorOf(() => new optim.ExponentialLR(opt(), { gamma: Number.NaN }))).toContain(
      "argument 'gamma'",
    );
    expect(errorOf(() => new optim.LambdaLR(opt(), [(e) => e, (e) => e]))).toContain("argument 'lrLambda'");
  });
});
