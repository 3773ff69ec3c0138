/**
 * nn.functional: losses (torch semantics, gradients vs central finite differences, errors naming the
 * argument) and the normalisation/linear functions. gradCheck: eps 1e-2, tolerance 1e-3 + 1e-2·scale.
 */
import { describe, expect, it } from 'vitest';
import { defineOp, Generator, nn, randn, tensor, zeros } from '../src/index.js';
import { errorOf, gradCheck, values } from './nn-helpers.js';

const F = nn.functional;
const gen = (seed: number) => ({ generator: new Generator(seed) });
const ints = (v: number[], shape?: number[]) => tensor(Int32Array.from(v), shape ?? [v.length]);

describe('gradCheck helper', () => {
  it('catches a wrong gradient', () => {
    const wrong = defineOp<null>('test.wrongSquare', {
      forward: ([x]) => x!.square(),
      backward: (dy, [x]) => [dy.mul(x!).mul(2.2)],
    });
    expect(() => gradCheck((x) => wrong([x], null), [randn([4], gen(1))])).toThrow();
    gradCheck((x) => x.square(), [randn([4], gen(1))]);
  });
});

describe('crossEntropy', () => {
  const logits = randn([4, 3], gen(1)).mul(2);
  const target = ints([0, 2, 1, 2]);

  it('equals −log softmax at the target, averaged', () => {
    const lp = values(logits.logSoftmax(1));
    const expected = -(lp[0]! + lp[5]! + lp[7]! + lp[11]!) / 4;
    expect(F.crossEntropy(logits, target).item()).toBeCloseTo(expected, 5);
    expect(F.crossEntropy(logits, target, { reduction: 'sum' }).item()).toBeCloseTo(expected * 4, 4);
    expect(F.crossEntropy(logits, target, { reduction: 'none' }).shape).toEqual([4]);
  });

  it('ignores ignoreIndex targets in the loss and the mean; all ignored gives NaN as torch', () => {
    const t = ints([0, -100, 1, -100]);
    const lp = values(logits.logSoftmax(1));
    expect(F.crossEntropy(logits, t).item()).toBeCloseTo(-(lp[0]! + lp[7]!) / 2, 5);
    const x = logits.clone().requireGrad();
    F.crossEntropy(x, t).backward();
    expect(values(x.grad!).slice(3, 6)).toEqual([0, 0, 0]);
    expect(F.crossEntropy(logits, ints([-100, -100, -100, -100])).item()).toBeNaN();
  });

  it('accepts unbatched logits [C] with a scalar target', () => {
    const single = F.crossEntropy(logits.select(1), tensor(Int32Array.from([2]), []));
    expect(single.item()).toBeCloseTo(
      F.crossEntropy(logits, target, { reduction: 'none' }).select(1).item(),
      6,
    );
    expect(
      F.crossEntropy(logits.select(1), tensor(Int32Array.from([2]), []), { reduction: 'none' }).shape,
    ).toEqual([]);
  });

  it('gradients match finite differences for every target form and option', () => {
    gradCheck((x) => F.crossEntropy(x, target), [logits], { wrt: [0] });
    gradCheck(
      (x) => F.crossEntropy(x, ints([0, -100, 1, 2]), { labelSmoothing: 0.2, reduction: 'sum' }),
      [logits],
    );
    gradCheck((x) => F.crossEntropy(x, target, { weight: tensor([0.2, 1, 3]), reduction: 'none' }), [logits]);
    const probs = randn([4, 3], gen(2)).softmax(1);
    gradCheck((x, p) => F.crossEntropy(x, p, { labelSmoothing: 0.1 }), [logits, probs]);
    gradCheck((x) => F.crossEntropy(x, ints([0, 1, 1, 0, 2, 2], [2, 3])), [randn([2, 3, 3], gen(3))]);
  });

  it('names the bad argument', () => {
    expect(errorOf(() => F.crossEntropy(logits, ints([0, 3, 1, 2])))).toMatch(
      /argument 'target' expected class indices in \[0, 2\].* received 3/,
    );
    expect(errorOf(() => F.crossEntropy(logits, ints([0, 1])))).toContain("argument 'target'");
    expect(errorOf(() => F.crossEntropy(logits, randn([4, 2])))).toContain("argument 'target'");
    expect(errorOf(() => F.crossEntropy(logits, target, { reduction: 'avg' as never }))).toContain(
      "argument 'reduction'",
    );
    expect(errorOf(() => F.crossEntropy(logits, target, { labelSmoothing: 1.5 }))).toContain(
      "argument 'labelSmoothing'",
    );
    expect(errorOf(() => F.crossEntropy(logits, target, { weight: tensor([1, 2]) }))).toContain(
      "argument 'weight'",
    );
    expect(errorOf(() => F.crossEntropy(logits, target.float().add(0.5)))).toContain("argument 'target'");
  });
});

describe('nllLoss', () => {
  it('matches crossEntropy on log-probabilities and checks gradients', () => {
    const logits = randn([5, 4], gen(4));
    const t = ints([3, 0, -100, 1, 1]);
    const w = tensor([1, 2, 0.5, 1.5]);
    expect(F.nllLoss(logits.logSoftmax(1), t, { weight: w }).item()).toBeCloseTo(
      F.crossEntropy(logits, t, { weight: w }).item(),
      6,
    );
    gradCheck((lp) => F.nllLoss(lp, t, { weight: w }), [logits.logSoftmax(1)]);
    expect(errorOf(() => F.nllLoss(randn([4]), tensor([1.5])))).toContain("argument 'target'");
  });
});

describe('regression losses', () => {
  const a = randn([3, 4], gen(5));
  const b = randn([3, 4], gen(6));
  it('mseLoss and l1Loss compute means, sums and elementwise values', () => {
    const d = values(a.sub(b));
    expect(F.mseLoss(a, b).item()).toBeCloseTo(d.reduce((s, v) => s + v * v, 0) / 12, 5);
    expect(F.l1Loss(a, b, { reduction: 'sum' }).item()).toBeCloseTo(
      d.reduce((s, v) => s + Math.abs(v), 0),
      4,
    );
    expect(F.mseLoss(a, b, { reduction: 'none' }).shape).toEqual([3, 4]);
  });
  it('gradients match finite differences for both arguments', () => {
    gradCheck((x, y) => F.mseLoss(x, y), [a, b]);
    // |x − y| has a kink at 0: keep the pairs well apart from it.
    const apart = a.add(tensor([0.3, -0.3, 0.4, -0.4]));
    gradCheck((x, y) => F.l1Loss(x, y, { reduction: 'sum' }), [a, apart]);
  });
  it('refuses mismatched shapes instead of broadcasting silently', () => {
    expect(errorOf(() => F.mseLoss(randn([4, 1]), randn([4])))).toMatch(
      /argument 'target' expected shape \[4, 1\].*received \[4\]/,
    );
    expect(errorOf(() => F.l1Loss(randn([2]), randn([3])))).toContain("argument 'target'");
  });
});

describe('binary cross-entropy', () => {
  const z = randn([3, 4], gen(7)).mul(2);
  const t = tensor([
    [0, 1, 1, 0],
    [1, 0, 0.3, 1],
    [0, 0, 1, 0.5],
  ]);

  it('with logits is stable for huge logits and has gradient σ(x) − t', () => {
    const big = tensor([100, -100, 0]);
    const loss = F.binaryCrossEntropyWithLogits(big, tensor([1, 0, 1]), { reduction: 'none' });
    values(loss)
      .slice(0, 2)
      .forEach((v) => {
        expect(v).toBeCloseTo(0, 30);
      });
    expect(values(loss)[2]).toBeCloseTo(Math.log(2), 6);
    const x = tensor([0, 3, -2]).requireGrad();
    F.binaryCrossEntropyWithLogits(x, tensor([1, 0, 1]), { reduction: 'sum' }).backward();
    // At x = 0 the gradient is σ(0) − 1 = −0.5 (the kink of relu + log1p(e^−|x|) must not leak in).
    values(x.grad!).forEach((g, i) => {
      expect(g).toBeCloseTo(1 / (1 + Math.exp(-[0, 3, -2][i]!)) - [1, 0, 1][i]!, 6);
    });
  });

  it('with logits: gradients match finite differences, with weight and posWeight', () => {
    gradCheck((x) => F.binaryCrossEntropyWithLogits(x, t), [z]);
    gradCheck(
      (x) =>
        F.binaryCrossEntropyWithLogits(x, t, {
          posWeight: tensor([1, 2, 0.5, 3]),
          weight: tensor([[1], [2], [0.5]]),
        }),
      [z],
    );
  });

  it('on probabilities equals the logits form on σ(x), clamps the log at −100, and checks its input', () => {
    const p = z.sigmoid();
    expect(F.binaryCrossEntropy(p, t).item()).toBeCloseTo(F.binaryCrossEntropyWithLogits(z, t).item(), 5);
    const edge = F.binaryCrossEntropy(tensor([0, 1, 0]), tensor([1, 0, 0]), { reduction: 'none' });
    expect(values(edge).map((v) => v + 0)).toEqual([100, 100, 0]);
    const x = tensor([0, 1]).requireGrad();
    F.binaryCrossEntropy(x, tensor([0, 1]), { reduction: 'sum' }).backward();
    expect(values(x.grad!).every(Number.isFinite)).toBe(true);
    gradCheck(
      (q) => F.binaryCrossEntropy(q, t, { weight: tensor([1, 2, 3, 4]) }),
      [randn([3, 4], gen(8)).sigmoid()],
      { eps: 1e-3 },
    );
    expect(errorOf(() => F.binaryCrossEntropy(tensor([1.5]), tensor([1])))).toMatch(
      /argument 'input' expected probabilities in \[0, 1\]/,
    );
  });
});

describe('functional layers', () => {
  it('linear checks shapes and gradients', () => {
    const x = randn([2, 3], gen(9));
    const w = randn([4, 3], gen(10));
    const b = randn([4], gen(11));
    gradCheck(F.linear, [x, w, b]);
    expect(errorOf(() => F.linear(x, w, zeros([3])))).toContain("argument 'bias'");
    expect(errorOf(() => F.linear(x, randn([3])))).toContain("argument 'weight'");
  });

  it('batchNorm needs running stats when not training; layerNorm checks weight shapes', () => {
    expect(errorOf(() => F.batchNorm(randn([2, 3]), null, null))).toContain("argument 'runningMean'");
    expect(errorOf(() => F.batchNorm(randn([2, 3]), zeros([2]), zeros([3])))).toContain(
      "argument 'runningMean'",
    );
    expect(errorOf(() => F.layerNorm(randn([2, 3]), [3], zeros([2])))).toContain("argument 'weight'");
    gradCheck(
      (x, w, b) => F.batchNorm(x, null, null, w, b, { training: true }),
      [randn([3, 2, 2], gen(12)), tensor([1, 2]), tensor([0, 1])],
    );
    gradCheck((x, w) => F.layerNorm(x, 4, w, null, 1e-5), [randn([2, 4], gen(13)), tensor([1, -1, 2, 0.5])]);
  });

  it('embedding gathers rows and passes gradients', () => {
    gradCheck((w) => F.embedding(ints([1, 0, 1], [3]), w), [randn([2, 3], gen(14))]);
  });
});
