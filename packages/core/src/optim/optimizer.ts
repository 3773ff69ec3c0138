import { enableGrad, noGrad } from '../autograd.js';
import { argError, describeValue, ErlangenError, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';

/** Per-parameter optimiser state: tensors (moment estimates) and numbers (the step count). */
export type ParamState = Record<string, Tensor | number>;

/** A parameter group: its tensors plus hyper-parameters, which override the optimiser's defaults. */
export type ParamGroup<H> = H & { params: Tensor[]; initialLr?: number };

/** What the constructor accepts for one group: its params and any hyper-parameters to override. */
export type ParamGroupInput<H> = Partial<H> & { params: readonly Tensor[] };

/** Serialisable optimiser state, keyed by parameter position across groups as torch does. */
export interface OptimizerStateDict<H> {
  state: Record<number, ParamState>;
  paramGroups: (H & { params: number[]; initialLr?: number })[];
}

/**
 * Base of the optimisers: parameter groups, per-parameter state, `step` and `zeroGrad`. Subclasses
 * implement `update`, which sees one parameter with a gradient and returns its new value; the base
 * runs it under `noGrad` and `tidy` and writes the result with `assign`, so parameters keep their
 * identity (modules and other optimisers hold them) and temporaries are freed.
 */
export abstract class Optimizer<H extends { lr: number }> {
  readonly defaults: H;
  readonly paramGroups: ParamGroup<H>[] = [];
  /** State per parameter, created lazily on its first step. */
  readonly state = new Map<Tensor, ParamState>();
  protected readonly name: string;

  constructor(name: string, params: readonly Tensor[] | readonly ParamGroupInput<H>[], defaults: H) {
    this.name = name;
    this.validate(defaults);
    this.defaults = defaults;
    if (!Array.isArray(params) || params.length === 0) {
      argError(name, 'params', 'a non-empty array of tensors or of parameter groups', describeValue(params));
    }
    const groups: ParamGroupInput<H>[] =
      params[0] instanceof Tensor
        ? [{ params: params as readonly Tensor[] } as ParamGroupInput<H>]
        : (params as ParamGroupInput<H>[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /** Throws an ErlangenError naming the first bad hyper-parameter. */
  protected abstract validate(h: H): void;

  /**
   * The new value of `param` given its gradient, group hyper-parameters and mutable state. Runs
   * under noGrad inside tidy: state tensors must be stored with `setState` so they outlive it.
   */
  protected abstract update(param: Tensor, grad: Tensor, group: ParamGroup<H>, state: ParamState): Tensor;

  addParamGroup(group: ParamGroupInput<H>): void {
    if (!group || typeof group !== 'object' || !Array.isArray(group.params)) {
      argError(this.name, 'params', 'a parameter group { params: Tensor[], ... }', describeValue(group));
    }
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    group.params.forEach((p, i) => {
      if (!(p instanceof Tensor)) argError(this.name, `params[${i}]`, 'a Tensor', describeValue(p));
      if (p.dtype !== 'float32') argError(this.name, `params[${i}]`, 'a float32 tensor', p.dtype);
      if (!p.isLeaf)
        argError(
          this.name,
          `params[${i}]`,
          'a leaf tensor (a parameter, not a computed value)',
          'a computed tensor',
        );
      if (seen.has(p)) {
        throw new ErlangenError(
          `${this.name}: a parameter of shape ${fmtShape(p.shape)} appears in more than one place in params`,
        );
      }
      seen.add(p);
    });
    const merged = { ...this.defaults, ...group, params: [...group.params] } as ParamGroup<H>;
    this.validate(merged);
    this.paramGroups.push(merged);
  }

  /**
   * Applies one update to every parameter that has a gradient. `closure`, when given, re-evaluates
   * the model (with grad enabled) before the update and its loss is returned.
   */
  step(closure?: () => Tensor): Tensor | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() =>
      tidy(() => {
        for (const group of this.paramGroups) {
          for (const p of group.params) {
            if (!p.grad) continue;
            p.assertAlive(`${this.name}.step`);
            let state = this.state.get(p);
            if (!state) this.state.set(p, (state = {}));
            p.assign(this.update(p, p.grad, group, state));
          }
        }
      }),
    );
    return loss;
  }

  /** Clears `.grad` of every parameter (the torch ≥ 2 default of set_to_none). */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.zeroGrad();
  }

  /** Stores a state tensor, reusing the existing one's identity and freeing its old storage. */
  protected setState(state: ParamState, key: string, value: Tensor): Tensor {
    const old = state[key];
    if (old instanceof Tensor && !old.isDisposed) return old.assign(value);
    state[key] = value.keep();
    return value;
  }

  /** Hyper-parameters and state by parameter index, for checkpoints. State tensors are shared, not copied. */
  stateDict(): OptimizerStateDict<H> {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...hyper } = g;
      return {
        ...(hyper as unknown as H),
        params: params.map((p) => {
          const i = index.size;
          index.set(p, i);
          return i;
        }),
      };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      const entry: ParamState = {};
      for (const [k, v] of Object.entries(s)) entry[k] = v instanceof Tensor ? v.detach() : v;
      state[i] = entry;
    }
    return { state, paramGroups };
  }

  /** Restores `stateDict()` output onto this optimiser's parameters (same group sizes, same shapes). */
  loadStateDict(dict: OptimizerStateDict<H>): void {
    if (!dict || !Array.isArray(dict.paramGroups) || typeof dict.state !== 'object') {
      argError(
        `${this.name}.loadStateDict`,
        'dict',
        'an object { state, paramGroups } from stateDict()',
        describeValue(dict),
      );
    }
    if (dict.paramGroups.length !== this.paramGroups.length) {
      argError(
        `${this.name}.loadStateDict`,
        'dict',
        `${this.paramGroups.length} parameter group(s)`,
        `${dict.paramGroups.length}`,
      );
    }
    const byIndex = new Map<number, Tensor>();
    dict.paramGroups.forEach((g, gi) => {
      const own = this.paramGroups[gi]!.params;
      if (g.params.length !== own.length) {
        argError(
          `${this.name}.loadStateDict`,
          `dict.paramGroups[${gi}]`,
          `${own.length} parameter(s)`,
          `${g.params.length}`,
        );
      }
      g.params.forEach((idx, j) => {
        byIndex.set(idx, own[j]!);
      });
    });
    for (const [key, entry] of Object.entries(dict.state)) {
      const p = byIndex.get(Number(key));
      if (!p)
        argError(
          `${this.name}.loadStateDict`,
          `dict.state[${key}]`,
          'a parameter index listed in paramGroups',
          key,
        );
      for (const [k, v] of Object.entries(entry)) {
        if (v instanceof Tensor && !shapesEqual(v.shape, p.shape) && v.size !== 1) {
          argError(
            `${this.name}.loadStateDict`,
            `dict.state[${key}].${k}`,
            `shape ${fmtShape(p.shape)}`,
            fmtShape(v.shape),
          );
        }
      }
    }
    dict.paramGroups.forEach((g, gi) => {
      const { params: _ignored, ...hyper } = g;
      const merged = {
        ...this.paramGroups[gi]!,
        ...hyper,
        params: this.paramGroups[gi]!.params,
      } as ParamGroup<H>;
      this.validate(merged);
      this.paramGroups[gi] = merged;
    });
    for (const s of this.state.values())
      for (const v of Object.values(s)) if (v instanceof Tensor) v.dispose();
    this.state.clear();
    noGrad(() => {
      for (const [key, entry] of Object.entries(dict.state)) {
        const copy: ParamState = {};
        for (const [k, v] of Object.entries(entry)) copy[k] = v instanceof Tensor ? v.clone().keep() : v;
        this.state.set(byIndex.get(Number(key))!, copy);
      }
    });
  }
}
