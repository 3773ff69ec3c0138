import { wrap } from '../ops/util.js';
import type { Tensor } from '../tensor.js';
import { Optimizer, type ParamGroup, type ParamGroupInput, type ParamState } from './optimizer.js';
import { checkBoolean, checkNonNegative, checkUnitInterval } from './validate.js';

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  /** Adam: L2 penalty added to the gradient; AdamW: decoupled decay θ ← θ(1 − lr·λ). */
  weightDecay: number;
  amsgrad: boolean;
}

type Params = readonly Tensor[] | readonly ParamGroupInput<AdamOptions>[];

/** Adam and AdamW share everything but where weight decay enters. */
abstract class AdamBase extends Optimizer<AdamOptions> {
  protected abstract readonly decoupled: boolean;

  protected validate(h: AdamOptions): void {
    const op = this.name;
    checkNonNegative(op, 'lr', h.lr);
    checkNonNegative(op, 'eps', h.eps);
    checkNonNegative(op, 'weightDecay', h.weightDecay);
    checkUnitInterval(op, 'betas[0]', h.betas?.[0]);
    checkUnitInterval(op, 'betas[1]', h.betas?.[1]);
    checkBoolean(op, 'amsgrad', h.amsgrad);
  }

  protected update(param: Tensor, grad: Tensor, group: ParamGroup<AdamOptions>, state: ParamState): Tensor {
    const { lr, eps, weightDecay: wd, amsgrad } = group;
    const [b1, b2] = group.betas;
    const step = ((state.step as number | undefined) ?? 0) + 1;
    state.step = step;
    const fused = this.fusedUpdate(param, grad, group, state, step);
    if (fused) return fused;
    let g = grad;
    let p = param;
    if (wd !== 0) {
      if (this.decoupled) p = param.mul(1 - lr * wd);
      else g = grad.add(param.mul(wd));
    }
    const m0 = state.exp_avg as Tensor | undefined;
    const v0 = state.exp_avg_sq as Tensor | undefined;
    // Moments start at zero, so the first step's update is just the new term (no zero tensors needed).
    const m = this.setState(state, 'exp_avg', m0 ? m0.mul(b1).add(g.mul(1 - b1)) : g.mul(1 - b1));
    const g2 = g.mul(g).mul(1 - b2);
    const v = this.setState(state, 'exp_avg_sq', v0 ? v0.mul(b2).add(g2) : g2);
    const biasCorrection1 = 1 - b1 ** step;
    const biasCorrection2Sqrt = Math.sqrt(1 - b2 ** step);
    let second = v;
    if (amsgrad) {
      const vmax0 = state.max_exp_avg_sq as Tensor | undefined;
      second = this.setState(state, 'max_exp_avg_sq', vmax0 ? vmax0.maximum(v) : v.clone());
    }
    const denom = second.sqrt().div(biasCorrection2Sqrt).add(eps);
    return p.add(m.div(denom).mul(-lr / biasCorrection1));
  }

  /**
   * The same step as one backend kernel where the backend has `adamStep` (the wasm kernels): one
   * pass instead of ten elementwise kernels and their temporaries, bit-identical results. Null
   * where it does not apply (no kernel, amsgrad, non-float32 or cross-backend tensors).
   */
  private fusedUpdate(
    param: Tensor,
    grad: Tensor,
    group: ParamGroup<AdamOptions>,
    state: ParamState,
    step: number,
  ): Tensor | null {
    const backend = param.backend;
    const m0 = state.exp_avg as Tensor | undefined;
    const v0 = state.exp_avg_sq as Tensor | undefined;
    const onBackend = (t: Tensor | undefined) => !t || (t.backend === backend && t.dtype === 'float32');
    if (
      !backend.adamStep ||
      group.amsgrad ||
      param.dtype !== 'float32' ||
      !onBackend(grad) ||
      !onBackend(m0) ||
      !onBackend(v0) ||
      (m0 === undefined) !== (v0 === undefined)
    )
      return null;
    const { lr, eps, weightDecay: wd } = group;
    const [b1, b2] = group.betas;
    const [pId, mId, vId] = backend.adamStep(param, grad, m0 ?? null, v0 ?? null, {
      mode: wd === 0 ? 'plain' : this.decoupled ? 'decoupled' : 'l2',
      weightDecay: wd,
      decay: 1 - lr * wd,
      b1,
      oneMinusB1: 1 - b1,
      b2,
      oneMinusB2: 1 - b2,
      bc2Sqrt: Math.sqrt(1 - b2 ** step),
      eps,
      stepScale: -lr / (1 - b1 ** step),
    });
    this.setState(state, 'exp_avg', wrap(mId, param.shape, 'float32', backend));
    this.setState(state, 'exp_avg_sq', wrap(vId, param.shape, 'float32', backend));
    return wrap(pId, param.shape, 'float32', backend);
  }
}

function adamDefaults(opts: Partial<AdamOptions>, weightDecay: number): AdamOptions {
  return {
    lr: opts.lr ?? 1e-3,
    betas: opts.betas ?? [0.9, 0.999],
    eps: opts.eps ?? 1e-8,
    weightDecay: opts.weightDecay ?? weightDecay,
    amsgrad: opts.amsgrad ?? false,
  };
}

/**
 * Adam (Kingma & Ba), exactly torch.optim.Adam: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g²,
 * θ ← θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε); weightDecay adds λθ to g; amsgrad uses max(v).
 */
export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: Params, opts: Partial<AdamOptions> = {}) {
    super('Adam', params, adamDefaults(opts, 0));
  }
}

/** AdamW (Loshchilov & Hutter): Adam with decoupled weight decay θ ← θ(1 − lr·λ), λ = 0.01 by default. */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(params: Params, opts: Partial<AdamOptions> = {}) {
    super('AdamW', params, adamDefaults(opts, 1e-2));
  }
}
