import { describe, expect, it } from 'vitest';
import {
  backward,
  defineOp,
  ErlangenError,
  enableGrad,
  Generator,
  grad,
  gradients,
  isGradEnabled,
  matmul,
  noGrad,
  ones,
  randn,
  type Tensor,
  tensor,
  valueAndGrad,
} from '../src/index.js';
import { gradcheck } from './gradcheck.js';

const values = (t: Tensor) => Array.from(t.dataSync());
const rnd = (shape: number[], seed = 0) => randn(shape, { generator: new Generator(seed) });

describe('backward', () => {
  it('fills .grad of leaves only, accumulating across calls', () => {
    const x = tensor([1, 2, 3]).requireGrad();
    const h = x.mul(x);
    const y = h.sum();
    y.backward();
    expect(values(x.grad!)).toEqual([2, 4, 6]);
    expect(h.grad).toBeNull();
    expect(y.grad).toBeNull();
    x.mul(3).sum().backward();
    expect(values(x.grad!)).toEqual([5, 7, 9]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
  });
  it('a leaf used twice gets the summed gradient; constants get none', () => {
    const x = tensor([2]).requireGrad();
    const c = tensor([5]);
    x.mul(c).add(x.exp()).sum().backward();
    expect(x.grad!.item()).toBeCloseTo(5 + Math.exp(2), 4);
    expect(c.grad).toBeNull();
  });
  it('each leaf owns its gradient tensor: disposing one never disposes another', () => {
    const a = tensor([1, 2]).requireGrad();
    const b = tensor([3, 4]).requireGrad();
    a.add(b).sum().backward();
    expect(a.grad).not.toBe(b.grad);
    a.zeroGrad();
    expect(values(b.grad!)).toEqual([1, 1]);
    const x = tensor([1, 2]).requireGrad();
    const seed = tensor([0.5, 2]);
    x.clone().backward(seed);
    expect(x.grad).not.toBe(seed);
    x.zeroGrad();
    expect(values(seed)).toEqual([0.5, 2]);
  });
  it('takes an explicit gradient for non-scalar outputs, and checks its shape', () => {
    const x = tensor([1, 2]).requireGrad();
    const y = x.mul(3);
    expect(() => y.backward()).toThrow(
      "backward: argument 'grad' expected a tensor of shape [2] for a non-scalar output but received none",
    );
    expect(() => y.backward(tensor([1, 2, 3]))).toThrow(
      "backward: argument 'grad' expected shape [2] (the output's) but received [3]",
    );
    y.backward(tensor([1, 10]));
    expect(values(x.grad!)).toEqual([3, 30]);
  });
  it('refuses a second pass through a freed graph unless retainGraph', () => {
    const x = tensor([1, 2]).requireGrad();
    const z = x.square().sum();
    z.backward(undefined, { retainGraph: true });
    z.backward();
    expect(values(x.grad!)).toEqual([4, 8]);
    expect(() => z.backward()).toThrow(
      /backward: the graph through 'sum' .* was freed by an earlier backward; pass \{ retainGraph: true \}/,
    );
  });
  it('throws for tensors that do not require grad', () => {
    expect(() => tensor([1]).sum().backward()).toThrow(ErlangenError);
    const x = tensor([1]).requireGrad();
    const y = noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(() => y.sum().backward()).toThrow(
      /backward: argument 'this' expected a tensor that requires grad/,
    );
    expect(() => tensor([1], undefined, 'int32').requireGrad()).toThrow(
      "requireGrad: argument 'this' expected a float32 tensor (only those can require grad) but received a int32 tensor",
    );
  });
  it('explains a graph tensor disposed before backward', () => {
    const x = tensor([1, 2]).requireGrad();
    const h = x.exp();
    const y = h.sum();
    h.dispose();
    expect(() => y.backward()).toThrow(
      /backward: the graph through 'sum' needs a tensor of shape \[2\] that was disposed/,
    );
  });
  it('detach cuts the graph', () => {
    const x = tensor([3]).requireGrad();
    const y = x.mul(x.detach());
    y.sum().backward();
    expect(x.grad!.item()).toBe(3);
    expect(x.detach().requiresGrad).toBe(false);
  });
  it('works through a long chain without recursion limits', () => {
    const x = tensor([1]).requireGrad();
    let y = x;
    for (let i = 0; i < 20000; i++) y = y.add(0);
    backward(y.sum());
    expect(x.grad!.item()).toBe(1);
  });
});

describe('functional gradients', () => {
  it('grad and valueAndGrad return dL/dargs without touching .grad', () => {
    const f = (a: Tensor, b: Tensor) => a.mul(b).sum();
    const a = tensor([1, 2]);
    const b = tensor([3, 4]);
    const { value, grads } = valueAndGrad(f)(a, b);
    expect(value.item()).toBe(11);
    expect(value.requiresGrad).toBe(false);
    expect(values(grads[0]!)).toEqual([3, 4]);
    expect(values(grads[1]!)).toEqual([1, 2]);
    expect(a.grad).toBeNull();
    expect(a.requiresGrad).toBe(false);
    const [ga] = grad((t: Tensor) => t.square().mean())(tensor([2, 4]));
    expect(values(ga!)).toEqual([2, 4]);
    expect(() => valueAndGrad((t: Tensor) => t.mul(2))(tensor([1, 2]))).toThrow(
      "valueAndGrad: argument 'fn' expected a function returning a one-element tensor but received one returning shape [2]",
    );
  });
  it('arguments that do not affect the output get zero gradients', () => {
    const grads = grad((a: Tensor, _b: Tensor) => a.sum())(tensor([1]), tensor([5, 6]));
    expect(values(grads[1]!)).toEqual([0, 0]);
  });
  it('gradients() takes several outputs with gradOutputs, and intermediates as inputs', () => {
    const x = tensor([1, 2]).requireGrad();
    const h = x.mul(2);
    const y1 = h.sum();
    const y2 = h.square();
    const [gx, gh] = gradients([y1, y2], [x, h], { gradOutputs: [tensor(1), tensor([1, 0.5])] });
    // d/dh: 1 + 2h·w = [1 + 4, 1 + 4]; d/dx = 2 · d/dh
    expect(values(gh!)).toEqual([5, 5]);
    expect(values(gx!)).toEqual([10, 10]);
    expect(x.grad).toBeNull();
    expect(() => gradients(x.sum(), [x], { gradOutputs: [tensor([1, 2])] })).toThrow(
      "gradients: argument 'gradOutputs[0]' expected shape [] (the output's) but received [2]",
    );
  });
  it('noGrad and enableGrad nest', () => {
    expect(isGradEnabled()).toBe(true);
    noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      const x = tensor([1]).requireGrad();
      expect(x.mul(2).requiresGrad).toBe(false);
      enableGrad(() => expect(x.mul(2).requiresGrad).toBe(true));
      expect(isGradEnabled()).toBe(false);
    });
    expect(isGradEnabled()).toBe(true);
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });
});

describe('higher-order gradients (createGraph)', () => {
  it('second derivative of x³ is 6x; third is 6', () => {
    const x = tensor([0.5, -2, 3]).requireGrad();
    const y = x.pow(3).sum();
    const [g1] = gradients(y, [x], { createGraph: true });
    expect(values(g1!)).toEqual([0.75, 12, 27]);
    const [g2] = gradients(g1!.sum(), [x], { createGraph: true });
    expect(values(g2!)).toEqual([3, -12, 18]);
    const [g3] = gradients(g2!.sum(), [x]);
    expect(values(g3!)).toEqual([6, 6, 6]);
  });
  it('Hessian-vector products through matmul, tanh, softmax and logsumexp match finite differences', () => {
    const w = rnd([3, 4], 1);
    const v = rnd([2, 3], 2);
    const loss = (x: Tensor) =>
      matmul(x, w)
        .tanh()
        .softmax(-1)
        .mul(rnd([2, 4], 3))
        .sum()
        .add(x.logsumexp(1).sum());
    // fn(x) = <∇loss(x), v>, whose gradient is the Hessian-vector product H·v.
    gradcheck(
      (x) => {
        const [g] = gradients(loss(x!), [x!], { createGraph: true });
        return g!.mul(v).sum();
      },
      [rnd([2, 3], 4)],
      { eps: 1e-2, rtol: 2e-2, atol: 2e-3 },
    );
  });
  it('backward with createGraph leaves a differentiable .grad', () => {
    const x = tensor([2]).requireGrad();
    x.pow(3).sum().backward(undefined, { createGraph: true });
    const g = x.grad!;
    expect(g.item()).toBe(12);
    expect(g.requiresGrad).toBe(true);
    const [h] = gradients(g.sum(), [x]);
    expect(h!.item()).toBe(12);
  });
});

describe('gradcheck itself', () => {
  it('catches a wrong backward', () => {
    const wrong = defineOp<null>('doubleWrong', {
      forward: ([x]) => x!.mul(2),
      backward: (dy) => [dy.mul(3)],
    });
    expect(() => gradcheck((x) => wrong([x!], null), [tensor([1, 2])])).toThrow(
      /gradcheck: 2 of 2 gradient elements differ/,
    );
    const result = gradcheck((x) => wrong([x!], null), [tensor([1, 2])], { throwOnFailure: false });
    expect(result.ok).toBe(false);
    expect(result.mismatches[0]!.numeric).toBeCloseTo(2 * (result.mismatches[0]!.analytic / 3), 2);
  });
  it('passes a right one and reports the error size', () => {
    const r = gradcheck((x) => x!.exp().mul(ones([3])), [tensor([0.1, 0.2, 0.3])]);
    expect(r.ok).toBe(true);
    expect(r.checked).toBe(3);
    expect(r.maxAbsError).toBeLessThan(1e-3);
  });
});
