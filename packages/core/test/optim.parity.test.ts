/**
 * PyTorch parity for optimisers and schedulers; expected values from fixtures/nn.json (gen_nn.py,
 * torch 1.13). Two parameters take three steps with fixed gradients; after each step we compare the
 * parameters and, more sharply, the change from the start (the update itself), each with
 * max|ours − torch| / max(1e-6, max|torch|) < 1e-5. Learning rates are 1e-5 relative as well.
 */
import { describe, expect, it } from 'vitest';
import { optim, type Tensor } from '../src/index.js';
import { fromJson, loadFixture, relErr, values } from './nn-helpers.js';

const TOL = 1e-5;
const fx = loadFixture();

function makeOptimizer(name: string, params: Tensor[], options: any): optim.Optimizer<{ lr: number }> {
  if (name === 'SGD') return new optim.SGD(params, options);
  if (name === 'Adam') return new optim.Adam(params, options);
  return new optim.AdamW(params, options);
}

describe('parity with torch: optimisers', () => {
  const { params: initial, grads, cases } = fx.optim;
  for (const c of cases) {
    it(`${c.optimizer} ${JSON.stringify(c.options)}: three steps`, () => {
      const params: Tensor[] = initial.map((p: any) => fromJson(p).requireGrad());
      const start = params.map(values);
      const opt = makeOptimizer(c.optimizer, params, c.options);
      grads.forEach((stepGrads: any[], s: number) => {
        params.forEach((p, i) => {
          p.grad = fromJson(stepGrads[i]).keep();
        });
        opt.step();
        params.forEach((p, i) => {
          const expected: number[] = c.after[s][i].data;
          const ours = values(p);
          expect(relErr(ours, expected), `step ${s + 1} param ${i}`).toBeLessThan(TOL);
          const delta = ours.map((v, j) => v - start[i]![j]!);
          const expectedDelta = expected.map((v, j) => v - start[i]![j]!);
          expect(relErr(delta, expectedDelta), `step ${s + 1} param ${i} update`).toBeLessThan(TOL);
        });
      });
    });
  }
});

function makeScheduler(name: string, opt: optim.SGD, o: any): optim.LRScheduler {
  switch (name) {
    case 'StepLR':
      return new optim.StepLR(opt, o);
    case 'MultiStepLR':
      return new optim.MultiStepLR(opt, o);
    case 'ExponentialLR':
      return new optim.ExponentialLR(opt, o);
    case 'CosineAnnealingLR':
      return new optim.CosineAnnealingLR(opt, o);
    case 'LinearLR':
      return new optim.LinearLR(opt, o);
    case 'LambdaLR':
      // The fixture's lambda is `0.95 ** epoch`.
      return new optim.LambdaLR(opt, (e) => 0.95 ** e);
    default:
      throw new Error(name);
  }
}

describe('parity with torch: schedulers', () => {
  for (const c of fx.schedulers) {
    it(`${c.scheduler} over 15 epochs, two groups`, () => {
      const opt = new optim.SGD(
        [
          { params: [fromJson({ shape: [1], dtype: 'float32', data: [0] }).requireGrad()], lr: 0.1 },
          { params: [fromJson({ shape: [1], dtype: 'float32', data: [0] }).requireGrad()], lr: 0.01 },
        ],
        { lr: 0.1 },
      );
      const s = makeScheduler(c.scheduler, opt, c.options);
      const lrs = [s.getLastLr()];
      for (let e = 0; e < 15; e++) {
        opt.step();
        s.step();
        lrs.push(s.getLastLr());
      }
      lrs.forEach((got, e) => {
        expect(relErr(got, c.lrs[e]), `epoch ${e}: ${got} vs ${c.lrs[e]}`).toBeLessThan(TOL);
      });
      expect(opt.paramGroups.map((g) => g.lr)).toEqual(lrs[15]);
    });
  }
});
