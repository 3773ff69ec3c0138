import { argError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';
import { checkBoolean, checkNonNegative } from './validate.js';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  /** L2 penalty added to the gradient: g + λ·θ. */
  weightDecay: number;
}

/**
 * Stochastic gradient descent with optional (Nesterov) momentum, as torch.optim.SGD:
 *   g ← ∇ + λθ;  b ← μb + (1 − τ)g (b = g on the first step);  g ← g + μb (Nesterov) or b;  θ ← θ − lr·g.
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(
    params: readonly Tensor[] | readonly ParamGroupInput<SGDOptions>[],
    opts: Partial<SGDOptions> & { lr: number },
  ) {
    super('SGD', params, {
      lr: opts?.lr,
      momentum: opts?.momentum ?? 0,
      dampening: opts?.dampening ?? 0,
      nesterov: opts?.nesterov ?? false,
      weightDecay: opts?.weightDecay ?? 0,
    });
  }

  protected validate(h: SGDOptions): void {
    checkNonNegative('SGD', 'lr', h.lr);
    checkNonNegative('SGD', 'momentum', h.momentum);
    checkNonNegative('SGD', 'dampening', h.dampening);
    checkNonNegative('SGD', 'weightDecay', h.weightDecay);
    checkBoolean('SGD', 'nesterov', h.nesterov);
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) {
      argError(
        'SGD',
        'nesterov',
        'momentum > 0 and dampening = 0 when true',
        `momentum ${h.momentum}, dampening ${h.dampening}`,
      );
    }
  }

  protected update(param: Tensor, grad: Tensor, group: ParamGroup<SGDOptions>, state: ParamState): Tensor {
    let d = group.weightDecay !== 0 ? grad.add(param.mul(group.weightDecay)) : grad;
    if (group.momentum !== 0) {
      const prev = state.momentum_buffer as Tensor | undefined;
      const buf = this.setState(
        state,
        'momentum_buffer',
        prev ? prev.mul(group.momentum).add(d.mul(1 - group.dampening)) : d.clone(),
      );
      d = group.nesterov ? d.add(buf.mul(group.momentum)) : buf;
    }
    return param.add(d.mul(-group.lr));
  }
}
