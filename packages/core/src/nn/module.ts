import { noGrad } from '../autograd.js';
import { argError, ErlangenError, fmtShape } from '../errors.js';
import { shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';

/** What `loadStateDict` did not match (only reported when `strict` is false). */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

const BUFFERS = Symbol('buffers');
const PARAM_NAMES = Symbol('paramNames');

/** A parameter is a leaf tensor that requires grad; computed tensors cached on a module are not. */
function isParameter(v: unknown): v is Tensor {
  return v instanceof Tensor && v.requiresGrad && v.isLeaf;
}

/** Keeps parameters assigned to a module alive past the tidy scope that created them (torch's __setattr__ hook). */
const keepParameters: ProxyHandler<Module> = {
  defineProperty(target, key, desc) {
    const v: unknown = desc.value;
    if (isParameter(v)) v.keep();
    else if (Array.isArray(v)) for (const t of v) if (isParameter(t)) t.keep();
    return Reflect.defineProperty(target, key, desc);
  },
};

/**
 * Base class of layers and models, after torch.nn.Module. Subclasses assign parameters (leaf tensors
 * with `requiresGrad`), submodules and arrays of submodules to ordinary properties; `Module` finds them by
 * walking the instance's own enumerable properties in definition order, so names match torch
 * (`conv1.weight`, `layers.0.bias`). Non-trainable state (running statistics) goes through
 * `registerBuffer`. Modules are not callable in JS: call `m.forward(x)`.
 */
export abstract class Module {
  /** Training mode (Dropout drops, BatchNorm uses and updates batch statistics); set it with `train`/`eval`. */
  training = true;
  // Symbol keys are invisible to property discovery, so bookkeeping never becomes a "child".
  private readonly [BUFFERS] = new Map<string, Tensor>();
  private readonly [PARAM_NAMES] = new Set<string>();

  constructor() {
    // Subclass fields are defined on the returned proxy, so each parameter is kept as it is assigned.
    // biome-ignore lint/correctness/noConstructorReturn: the proxy is the module
    return new Proxy(this, keepParameters);
  }

  abstract forward(...args: any[]): any;

  /**
   * Declares `tensor` a parameter under property `name` (kept from tidy, requiresGrad on). Assigning a
   * requiresGrad tensor to a property is enough; registering also keeps a parameter that is later
   * frozen with `requireGrad(false)` in `parameters()` and `stateDict()`.
   */
  registerParameter(name: string, tensor: Tensor): Tensor {
    if (!(tensor instanceof Tensor)) argError('registerParameter', 'tensor', 'a Tensor', String(tensor));
    if (tensor.dtype !== 'float32') argError('registerParameter', 'tensor', 'a float32 tensor', tensor.dtype);
    tensor.keep();
    if (!tensor.requiresGrad && tensor.isLeaf) tensor.requireGrad();
    (this as unknown as Record<string, unknown>)[name] = tensor;
    this[PARAM_NAMES].add(name);
    return tensor;
  }

  /**
   * Adds non-trainable state that belongs in `stateDict` (BatchNorm's running statistics). `name` is
   * the state-dict key (torch's snake_case, e.g. `running_mean`); read it back with `getBuffer`.
   */
  registerBuffer(name: string, tensor: Tensor): Tensor {
    if (!(tensor instanceof Tensor)) argError('registerBuffer', 'tensor', 'a Tensor', String(tensor));
    if (name.includes('.')) argError('registerBuffer', 'name', 'a name without "."', JSON.stringify(name));
    this[BUFFERS].set(name, tensor.keep());
    return tensor;
  }

  getBuffer(name: string): Tensor {
    const b = this[BUFFERS].get(name);
    if (!b) {
      const known = [...this[BUFFERS].keys()].map((k) => `'${k}'`).join(', ') || 'none';
      throw new ErlangenError(`getBuffer: no buffer named '${name}' (buffers: ${known})`);
    }
    return b;
  }

  // ---- discovery

  /** This module's own parameters (not its children's), in property order. */
  private ownParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Tensor) {
        if (isParameter(value) || this[PARAM_NAMES].has(key)) out.push([key, value]);
      } else if (Array.isArray(value)) {
        value.forEach((v, i) => {
          if (isParameter(v)) out.push([`${key}.${i}`, v]);
        });
      }
    }
    return out;
  }

  /** Direct submodules with their names: properties holding a Module, and arrays of Modules (`name.i`). */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) out.push([key, value]);
      else if (Array.isArray(value)) {
        value.forEach((v, i) => {
          if (v instanceof Module) out.push([`${key}.${i}`, v]);
        });
      }
    }
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, pre-order, each once; the root is named ''. */
  namedModules(prefix = '', seen = new Set<Module>()): [string, Module][] {
    if (seen.has(this)) return [];
    seen.add(this);
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) {
      out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name, seen));
    }
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Every parameter with its dotted name (torch order: a module's own, then each child's); shared ones once. */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        // Parameters assigned by user code inside a tidy scope would otherwise be freed with it.
        p.keep();
        out.push([prefix ? `${prefix}.${name}` : name, p]);
      }
    }
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, b] of m[BUFFERS]) out.push([prefix ? `${prefix}.${name}` : name, b]);
    }
    return out;
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** Number of parameter elements (shared parameters counted once). */
  numParameters(opts: { trainableOnly?: boolean } = {}): number {
    let n = 0;
    for (const p of this.parameters()) if (!opts.trainableOnly || p.requiresGrad) n += p.size;
    return n;
  }

  // ---- modes and gradients

  /** Sets training mode on this module and every descendant; returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Clears `.grad` of every parameter. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Calls `fn` on every module, children first (torch's `apply`, e.g. for custom initialisation). */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  // ---- state dicts

  /**
   * Parameters and buffers by dotted name, in torch's order (per module: parameters, then buffers, then
   * children). Values share storage with the module, without copying; since optimisers replace storage
   * rather than write into it, the dict is a snapshot that later training does not change.
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      const entries: [string, Tensor][] = [...m.ownParameters(), ...m[BUFFERS]];
      for (const [name, t] of entries) {
        if (seen.has(t)) continue;
        seen.add(t);
        out[prefix ? `${prefix}.${name}` : name] = t.detach();
      }
    }
    return out;
  }

  /**
   * Copies values from `dict` into this module's parameters and buffers, keeping their identity.
   * Every key and shape is checked before anything is written, so a failed load changes nothing.
   * With `strict` (default) missing and unexpected keys are errors; otherwise they are returned.
   */
  loadStateDict(dict: Record<string, Tensor>, opts: { strict?: boolean } = {}): LoadStateDictResult {
    const strict = opts.strict ?? true;
    if (dict === null || typeof dict !== 'object')
      argError('loadStateDict', 'dict', 'an object of tensors', String(dict));
    const targets = new Map<string, Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, t] of [...m.ownParameters(), ...m[BUFFERS]]) {
        targets.set(prefix ? `${prefix}.${name}` : name, t);
      }
    }
    const missingKeys = [...targets.keys()].filter((k) => !(k in dict));
    const unexpectedKeys = Object.keys(dict).filter((k) => !targets.has(k));
    if (strict && (missingKeys.length || unexpectedKeys.length)) {
      const parts: string[] = [];
      if (missingKeys.length) parts.push(`missing key(s) ${missingKeys.map((k) => `'${k}'`).join(', ')}`);
      if (unexpectedKeys.length)
        parts.push(`unexpected key(s) ${unexpectedKeys.map((k) => `'${k}'`).join(', ')}`);
      throw new ErlangenError(
        `loadStateDict: the state dict does not match ${this.constructor.name}: ${parts.join('; ')} (pass { strict: false } to load the matching keys only)`,
      );
    }
    const writes: [Tensor, Tensor][] = [];
    for (const [key, target] of targets) {
      const value = dict[key];
      if (value === undefined) continue;
      if (!(value instanceof Tensor)) argError('loadStateDict', `dict['${key}']`, 'a Tensor', String(value));
      value.assertAlive('loadStateDict');
      if (!shapesEqual(value.shape, target.shape)) {
        throw new ErlangenError(
          `loadStateDict: size mismatch for '${key}': the module expects shape ${fmtShape(target.shape)} but the state dict has ${fmtShape(value.shape)}`,
        );
      }
      writes.push([target, value]);
    }
    noGrad(() => {
      // assign consumes its argument, so hand it a copy: the caller's dict stays usable.
      for (const [target, value] of writes)
        target.assign(value.dtype === target.dtype ? value.clone() : value.cast(target.dtype));
    });
    return { missingKeys, unexpectedKeys };
  }

  // ---- printing

  /** Extra text inside this module's parentheses in `toString` (layer sizes, options). */
  protected extraRepr(): string {
    return '';
  }

  toString(): string {
    const kids = this.namedChildren();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (!kids.length) return `${head})`;
    const lines = kids.map(([n, m]) => `  (${n}): ${m.toString().split('\n').join('\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }
}
