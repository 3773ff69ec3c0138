import { engine } from './engine.js';
import { ErlangenError } from './errors.js';
import { Tensor } from './tensor.js';

/** Tensors found in a (nested) return value: arrays, plain objects and Maps are searched. */
function collectTensors(value: unknown, out: Set<Tensor>, seen = new Set<unknown>()): void {
  if (value instanceof Tensor) {
    out.add(value);
    return;
  }
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) for (const v of value) collectTensors(v, out, seen);
  else if (value instanceof Map) for (const v of value.values()) collectTensors(v, out, seen);
  else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, out, seen);
  }
}

/** Adds every tensor the autograd graph of `roots` needs for a later backward pass. */
function withGraph(roots: Set<Tensor>): Set<Tensor> {
  const all = new Set<Tensor>();
  const stack = [...roots];
  while (stack.length) {
    const t = stack.pop()!;
    if (all.has(t)) continue;
    all.add(t);
    if (t._node) stack.push(...t._node.inputs, ...t._node.saved);
  }
  return all;
}

/**
 * Runs `fn` and disposes every tensor it created, except those it returns (and what their autograd
 * graph needs for backward), those passed to `keep`, and gradients written to `.grad`. `fn` must be
 * synchronous: a scope cannot follow an `await`.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  engine.scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    engine.scopes.pop();
    for (const t of scope) t.dispose();
    throw e;
  }
  engine.scopes.pop();
  if (result instanceof Promise) {
    throw new ErlangenError(
      "tidy: argument 'fn' expected a synchronous function but received one that returned a Promise; tidy the synchronous parts and dispose() across awaits",
    );
  }
  const roots = new Set<Tensor>();
  collectTensors(result, roots);
  const survivors = withGraph(roots);
  const parent = engine.scopes[engine.scopes.length - 1];
  for (const t of scope) {
    if (survivors.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}

/** Exempts `t` from disposal by enclosing `tidy` scopes; returns it. */
export function keep<T extends Tensor>(t: T): T {
  return t.keep();
}

/** Disposes one tensor or every tensor in a (nested) collection. */
export function dispose(value: unknown): void {
  const found = new Set<Tensor>();
  collectTensors(value, found);
  for (const t of found) t.dispose();
}
