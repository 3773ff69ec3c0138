import { engine } from './engine.js';
import { ErlangenError } from './errors.js';
import type { Tensor } from './tensor.js';

/** How an op's output was made: its differentiable inputs and the vector-Jacobian product. */
export interface GradNode {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  /** Tensors the backward closure reads beyond `inputs`; tidy keeps them alive with the graph. */
  readonly saved: readonly Tensor[];
  /** Given dL/d(output), returns dL/d(input) for each input (null where it does not flow). */
  readonly backward: (dy: Tensor) => readonly (Tensor | null | undefined)[];
}

/**
 * Attaches a gradient node to `out` when grad mode is on and some input requires grad.
 * Ops call this once, after computing their forward result.
 */
export function record(
  name: string,
  out: Tensor,
  inputs: readonly Tensor[],
  backward: GradNode['backward'],
  saved: readonly Tensor[] = [],
): Tensor {
  if (!engine.gradEnabled) return out;
  let any = false;
  for (const t of inputs) if (t.requiresGrad) any = true;
  if (!any) return out;
  out.requiresGrad = true;
  out._node = { name, inputs, saved, backward };
  return out;
}

export function isGradEnabled(): boolean {
  return engine.gradEnabled;
}

/** Runs `fn` with gradient recording off (inference, optimiser updates). */
export function noGrad<T>(fn: () => T): T {
  const prev = engine.gradEnabled;
  engine.gradEnabled = false;
  try {
    return fn();
  } finally {
    engine.gradEnabled = prev;
  }
}

/** Runs `fn` with gradient recording on, e.g. inside a `noGrad` block. */
export function enableGrad<T>(fn: () => T): T {
  const prev = engine.gradEnabled;
  engine.gradEnabled = true;
  try {
    return fn();
  } finally {
    engine.gradEnabled = prev;
  }
}

/** Nodes reachable from `roots` through grad-requiring inputs, in topological order (inputs first). */
function topoSort(roots: readonly Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // Iterative DFS: graphs of long training unrolls or deep GNN stacks would overflow recursion.
  const stack: [Tensor, number][] = [];
  for (const r of roots) {
    if (visited.has(r)) continue;
    visited.add(r);
    stack.push([r, 0]);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [t, i] = top;
      const inputs = t._node?.inputs ?? [];
      if (i < inputs.length) {
        top[1]++;
        const child = inputs[i]!;
        if (child.requiresGrad && !visited.has(child)) {
          visited.add(child);
          stack.push([child, 0]);
        }
      } else {
        stack.pop();
        order.push(t);
      }
    }
  }
  return order;
}

export interface BackwardOptions {
  /** Keep the graph so that backward can run through it again (default false). */
  retainGraph?: boolean;
  /** Record the backward computation itself, for higher-order gradients (default false). */
  createGraph?: boolean;
}

/**
 * Reverse sweep from `outputs` seeded with `seeds`; returns the gradient of every reached tensor.
 * Gradients are computed with ordinary ops, so they run on any backend.
 */
function sweep(
  outputs: readonly Tensor[],
  seeds: readonly Tensor[],
  opts: BackwardOptions,
): Map<Tensor, Tensor> {
  const order = topoSort(outputs);
  const grads = new Map<Tensor, Tensor>();
  outputs.forEach((o, i) => accumulate(grads, o, seeds[i]!));
  const prev = engine.gradEnabled;
  engine.gradEnabled = !!opts.createGraph;
  try {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const node = t._node;
      const g = grads.get(t);
      if (!node || !g) continue;
      const inGrads = node.backward(g);
      node.inputs.forEach((inp, j) => {
        const gi = inGrads[j];
        if (gi && inp.requiresGrad) accumulate(grads, inp, gi);
      });
      if (!opts.retainGraph) t._node = undefined;
    }
  } finally {
    engine.gradEnabled = prev;
  }
  return grads;
}

function accumulate(grads: Map<Tensor, Tensor>, t: Tensor, g: Tensor): void {
  const prev = grads.get(t);
  grads.set(t, prev ? prev.add(g) : g);
}

/** `out.backward()`: accumulates dOut/dLeaf into `.grad` of every leaf that requires grad. */
export function backward(out: Tensor, grad?: Tensor, opts: BackwardOptions = {}): void {
  if (!out.requiresGrad) {
    throw new ErlangenError(
      'backward: the tensor does not require grad: no input of its computation had requiresGrad = true (or it ran inside noGrad)',
    );
  }
  if (!grad && out.size !== 1) {
    throw new ErlangenError(
      `backward: argument 'grad' expected a tensor of shape [${out.shape.join(', ')}] for a non-scalar output but received none`,
    );
  }
  const seed = grad ?? out.onesLike();
  const grads = sweep([out], [seed], opts);
  for (const [t, g] of grads) {
    if (t._node || !t.requiresGrad) continue;
    const summed = t.grad ? t.grad.add(g) : g;
    if (t.grad && t.grad !== summed) t.grad.dispose();
    summed.keep();
    t.grad = summed;
  }
}

/**
 * Functional gradients: dOutput/dInputs without touching `.grad`. `fn` receives the inputs with
 * requiresGrad set and must return a scalar tensor.
 */
export function valueAndGrad<Args extends Tensor[]>(
  fn: (...args: Args) => Tensor,
): (...args: Args) => { value: Tensor; grads: Tensor[] } {
  return (...args: Args) => {
    const inputs = args.map((a) => a.detach().requireGrad()) as Args;
    const value = enableGrad(() => fn(...inputs));
    if (value.size !== 1) {
      throw new ErlangenError(
        `valueAndGrad: the function expected to return a scalar tensor but returned shape [${value.shape.join(', ')}]`,
      );
    }
    const grads = value.requiresGrad ? sweep([value], [value.onesLike()], {}) : new Map();
    return {
      value: value.detach(),
      grads: inputs.map((x) => grads.get(x) ?? x.zerosLike()),
    };
  };
}

/** `grad(f)(...xs)` returns df/dx for every argument. */
export function grad<Args extends Tensor[]>(fn: (...args: Args) => Tensor): (...args: Args) => Tensor[] {
  const vg = valueAndGrad(fn);
  return (...args: Args) => vg(...args).grads;
}

/** Gradients of `outputs` w.r.t. `inputs` (torch.autograd.grad); pass createGraph for higher orders. */
export function gradients(
  outputs: Tensor | readonly Tensor[],
  inputs: readonly Tensor[],
  opts: BackwardOptions & { gradOutputs?: readonly Tensor[] } = {},
): Tensor[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs as Tensor];
  const seeds = opts.gradOutputs ?? outs.map((o) => o.onesLike());
  const grads = sweep(outs, seeds, { retainGraph: opts.retainGraph ?? opts.createGraph, createGraph: opts.createGraph });
  return inputs.map((x) => grads.get(x) ?? x.zerosLike());
}
