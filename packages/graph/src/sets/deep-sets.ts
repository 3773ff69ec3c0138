/**
 * Sets: DeepSets (Zaheer et al. 2017) and the permutation-equivariant linear layer λI + γ11ᵀ.
 * A set is either a dense batch [B, n, F] (every set of size n) or flat elements [N, F] with an
 * int32 `batch` vector naming the set of each element (as graphs in a `Batch`).
 */
import { nn, type Tensor, tensor } from '@erlangen/core';
import { argError, checkPositiveInt, fmtShape } from '../errors.js';
import type { LayerInitOptions } from '../nn/init.js';
import { scatter } from '../ops/scatter.js';

export type SetPool = 'sum' | 'mean' | 'max';

/** Pools a set's elements: [B, n, F] → [B, F] (over axis 1), or [N, F] with batch [N] → [numSets, F]. */
export function poolSet(x: Tensor, pool: SetPool, batch?: Tensor, numSets?: number): Tensor {
  if (!['sum', 'mean', 'max'].includes(pool))
    argError('poolSet', 'pool', "'sum', 'mean' or 'max'", String(pool));
  if (batch) {
    const size = numSets ?? (batch.max().item() as number) + 1;
    return scatter(x, batch, size, pool);
  }
  if (x.ndim < 2)
    argError(
      'poolSet',
      'x',
      'a batch of sets [B, n, F] or elements [N, F] with a batch vector',
      fmtShape(x.shape),
    );
  const axis = x.ndim - 2;
  return pool === 'sum' ? x.sum(axis) : pool === 'mean' ? x.mean(axis) : x.max(axis);
}

/**
 * DeepSets: f(X) = ρ(pool_{x∈X} φ(x)), invariant to the order of the elements.
 * Shapes: [B, n, F] → ρ's output [B, F']; or [N, F] with batch [N] → [numSets, F'].
 */
export class DeepSets extends nn.Module {
  phi: nn.Module;
  rho: nn.Module;
  readonly pool: SetPool;
  constructor(phi: nn.Module, rho: nn.Module, opts: { pool?: SetPool } = {}) {
    super();
    this.phi = phi;
    this.rho = rho;
    this.pool = opts.pool ?? 'sum';
  }
  forward(x: Tensor, batch?: Tensor, numSets?: number): Tensor {
    return this.rho.forward(poolSet(this.phi.forward(x) as Tensor, this.pool, batch, numSets)) as Tensor;
  }
}

/**
 * The permutation-equivariant linear map of DeepSets, with channels: f(X) = X Λ + pool(X) Γ + b,
 * i.e. λI + γ11ᵀ per channel pair when pool = 'sum' (the default; 'mean' divides by n). Every
 * linear equivariant map R^{n×F} → R^{n×F'} has this form. Shapes: [B, n, in] → [B, n, out], or
 * [N, in] with batch [N] → [N, out].
 */
export class PermEquivariantLinear extends nn.Module {
  /** Λ as a Linear (with the bias b). */
  lambda: nn.Linear;
  /** Γ as a Linear (no bias). */
  gamma: nn.Linear;
  readonly pool: 'sum' | 'mean' | 'max';
  constructor(
    inChannels: number,
    outChannels: number,
    opts: LayerInitOptions & { pool?: 'sum' | 'mean' | 'max'; bias?: boolean } = {},
  ) {
    super();
    checkPositiveInt('PermEquivariantLinear', 'inChannels', inChannels);
    checkPositiveInt('PermEquivariantLinear', 'outChannels', outChannels);
    this.lambda = new nn.Linear(inChannels, outChannels, {
      bias: opts.bias ?? true,
      generator: opts.generator,
    });
    this.gamma = new nn.Linear(inChannels, outChannels, { bias: false, generator: opts.generator });
    this.pool = opts.pool ?? 'sum';
  }
  forward(x: Tensor, batch?: Tensor, numSets?: number): Tensor {
    const pooled = this.gamma.forward(poolSet(x, this.pool, batch, numSets));
    const broadcast = batch ? pooled.indexSelect(0, batch) : pooled.unsqueeze(-2);
    return this.lambda.forward(x).add(broadcast);
  }
}

/** An int32 [n] vector of zeros: all elements in one set. */
export function singleSet(n: number): Tensor {
  return tensor(new Int32Array(n), [n], 'int32');
}
