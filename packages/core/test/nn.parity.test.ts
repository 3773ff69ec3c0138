/**
 * PyTorch parity for layers and losses: every expected number comes from fixtures/nn.json, written by
 * fixtures/gen_nn.py with torch 1.13. Tolerance: max|ours − torch| / max(1e-6, max|torch|) < 1e-5
 * per tensor (float32 on both sides; differences are summation order only).
 */
import { describe, expect, it } from 'vitest';
import { nn, type Tensor, tidy } from '../src/index.js';
import { expectClose, fromJson, type JsonArray, loadFixture } from './nn-helpers.js';

const TOL = 1e-5;
const F = nn.functional;
const cases = loadFixture();

/** Runs fn on fresh leaves and backpropagates gradOut; returns the output and the leaves. */
function forwardBackward(inputs: Tensor[], fn: (...xs: Tensor[]) => Tensor, gradOut: JsonArray): Tensor {
  const y = fn(...inputs);
  y.backward(fromJson(gradOut));
  return y;
}

describe('parity with torch: Linear and Conv2d', () => {
  it('linear forward and gradients', () => {
    const c = cases.linear;
    const [x, w, b] = [
      fromJson(c.x).requireGrad(),
      fromJson(c.weight).requireGrad(),
      fromJson(c.bias).requireGrad(),
    ];
    const y = forwardBackward([x, w, b], F.linear, c.gradOut);
    expectClose(y, c.y, TOL, 'y');
    expectClose(x.grad!, c.gradX, TOL, 'dx');
    expectClose(w.grad!, c.gradWeight, TOL, 'dW');
    expectClose(b.grad!, c.gradBias, TOL, 'db');
  });

  it('nn.Linear with loaded weights matches F.linear', () => {
    const c = cases.linear;
    const layer = new nn.Linear(5, 3);
    layer.loadStateDict({ weight: fromJson(c.weight), bias: fromJson(c.bias) });
    expectClose(layer.forward(fromJson(c.x)), c.y, TOL, 'y');
  });

  for (const c of cases.conv2d) {
    it(`Conv2d ${JSON.stringify(c.options)}`, () => {
      const conv = new nn.Conv2d(4, 6, 3, c.options);
      conv.loadStateDict({ weight: fromJson(c.weight), bias: fromJson(c.bias) });
      const x = fromJson(c.x).requireGrad();
      const y = forwardBackward([x], (t) => conv.forward(t), c.gradOut);
      expectClose(y, c.y, TOL, 'y');
      expectClose(x.grad!, c.gradX, TOL, 'dx');
      expectClose(conv.weight.grad!, c.gradWeight, TOL, 'dW');
      expectClose(conv.bias!.grad!, c.gradBias, TOL, 'db');
    });
  }
});

describe('parity with torch: normalisation', () => {
  for (const c of cases.layerNorm) {
    it(`LayerNorm over [${c.normalizedShape}]`, () => {
      const ln = new nn.LayerNorm(c.normalizedShape, { eps: c.eps });
      ln.loadStateDict({ weight: fromJson(c.weight), bias: fromJson(c.bias) });
      const x = fromJson(c.x).requireGrad();
      const y = forwardBackward([x], (t) => ln.forward(t), c.gradOut);
      expectClose(y, c.y, TOL, 'y');
      expectClose(x.grad!, c.gradX, TOL, 'dx');
      expectClose(ln.weight!.grad!, c.gradWeight, TOL, 'dW');
      expectClose(ln.bias!.grad!, c.gradBias, TOL, 'db');
    });
  }

  for (const c of cases.batchNorm) {
    it(`BatchNorm${c.kind} on ${JSON.stringify(c.x.shape)}: training step, running stats, then eval`, () => {
      const numFeatures = c.x.shape[1];
      const bn = c.kind === '1d' ? new nn.BatchNorm1d(numFeatures) : new nn.BatchNorm2d(numFeatures);
      const sd = bn.stateDict();
      bn.loadStateDict({
        ...sd,
        weight: fromJson(c.weight),
        bias: fromJson(c.bias),
        running_mean: fromJson(c.runningMean),
        running_var: fromJson(c.runningVar),
      });
      const x = fromJson(c.x).requireGrad();
      const y = forwardBackward([x], (t) => bn.forward(t), c.gradOut);
      expectClose(y, c.y, TOL, 'y');
      expectClose(x.grad!, c.gradX, TOL, 'dx');
      expectClose(bn.weight!.grad!, c.gradWeight, TOL, 'dW');
      expectClose(bn.bias!.grad!, c.gradBias, TOL, 'db');
      expectClose(bn.runningMean!, c.runningMeanAfter, TOL, 'running_mean');
      expectClose(bn.runningVar!, c.runningVarAfter, TOL, 'running_var');
      expect(bn.numBatchesTracked!.item()).toBe(c.numBatchesTracked);
      bn.eval();
      expectClose(
        tidy(() => bn.forward(fromJson(c.xEval))),
        c.yEval,
        TOL,
        'eval y',
      );
    });
  }
});

/** Runs one loss case: inputs from the fixture, options mapped to ours, loss and input gradient compared. */
function runLossCase(c: any, fn: (inputs: Tensor[], opts: any) => Tensor): void {
  const inputs: Tensor[] = c.inputs.map((a: JsonArray) => fromJson(a));
  const gradIdx = Object.keys(c.grads).map(Number);
  for (const i of gradIdx) inputs[i]!.requireGrad();
  const y = forwardBackward(inputs, (...xs) => fn(xs, c.options), c.gradOut);
  expectClose(y, c.out, TOL, `${c.name} loss`);
  for (const i of gradIdx) expectClose(inputs[i]!.grad!, c.grads[i], TOL, `${c.name} grad of input ${i}`);
}

function classOptions(c: any, xs: Tensor[], opts: any): any {
  return c.weightInput === undefined ? opts : { ...opts, weight: xs[c.weightInput] };
}

describe('parity with torch: losses', () => {
  for (const c of cases.crossEntropy) {
    it(`crossEntropy ${c.name}`, () =>
      runLossCase(c, (xs, o) => F.crossEntropy(xs[0]!, xs[1]!, classOptions(c, xs, o))));
  }
  for (const c of cases.nllLoss) {
    it(`nllLoss ${c.name}`, () =>
      runLossCase(c, (xs, o) => F.nllLoss(xs[0]!, xs[1]!, classOptions(c, xs, o))));
  }
  for (const c of cases.regression) {
    const fn = c.fn === 'mseLoss' ? F.mseLoss : F.l1Loss;
    it(`${c.fn} ${c.name}`, () => runLossCase(c, (xs, o) => fn(xs[0]!, xs[1]!, o)));
  }
  for (const c of cases.bce) {
    it(`${c.fn} ${c.name}`, () =>
      runLossCase(c, (xs, o) => {
        const opts = { ...o };
        if (c.weightInput !== undefined) opts.weight = xs[c.weightInput];
        if (c.posWeightInput !== undefined) opts.posWeight = xs[c.posWeightInput];
        return c.fn === 'binaryCrossEntropy'
          ? F.binaryCrossEntropy(xs[0]!, xs[1]!, opts)
          : F.binaryCrossEntropyWithLogits(xs[0]!, xs[1]!, opts);
      }));
  }
});
