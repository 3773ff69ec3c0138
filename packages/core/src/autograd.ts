import { engine } from './engine.js';
import { argError, describeValue, ErlangenError, fmtShape } from './errors.js';
import { shapesEqual } from './shape.js';
import { Tensor } from './tensor.js';

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

interface SweepResult {
  grads: Map<Tensor, Tensor>;
  /** Tensors of the graph that were leaves (no node) when the sweep started. */
  leaves: Set<Tensor>;
}

/**
 * Reverse sweep from `outputs` seeded with `seeds`; returns the gradient of every reached tensor.
 * Gradients are computed with ordinary ops, so they run on any backend.
 */
function sweep(outputs: readonly Tensor[], seeds: readonly Tensor[], opts: BackwardOptions): SweepResult {
  const order = topoSort(outputs);
  const leaves = new Set<Tensor>();
  for (const t of order) {
    if (t.isDisposed) throw disposedInGraph(t, order);
    if (t._node) continue;
    if (t._freedNode !== undefined) {
      throw new ErlangenError(
        `backward: the graph through '${t._freedNode}' (a tensor of shape ${fmtShape(t.shape)}) was freed by an earlier backward; pass { retainGraph: true } to the first backward to run through it again`,
      );
    }
    leaves.add(t);
  }
  const grads = new Map<Tensor, Tensor>();
  outputs.forEach((o, i) => {
    accumulate(grads, o, seeds[i]!);
  });
  const prev = engine.gradEnabled;
  engine.gradEnabled = !!opts.createGraph;
  try {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const node = t._node;
      const g = grads.get(t);
      if (!node || !g) continue;
      const inGrads = runNode(node, g);
      node.inputs.forEach((inp, j) => {
        const gi = inGrads[j];
        if (!gi || !inp.requiresGrad) return;
        if (!shapesEqual(gi.shape, inp.shape)) {
          throw new ErlangenError(
            `backward: the gradient of '${node.name}' for its input ${j} has shape ${fmtShape(gi.shape)} but that input has shape ${fmtShape(inp.shape)} (a bug in the op's backward)`,
          );
        }
        accumulate(grads, inp, gi);
      });
      if (!opts.retainGraph) {
        t._node = undefined;
        t._freedNode = node.name;
      }
    }
  } finally {
    engine.gradEnabled = prev;
  }
  return { grads, leaves };
}

/** A graph tensor was disposed before backward: name the op that consumed it. */
function disposedInGraph(t: Tensor, order: readonly Tensor[]): ErlangenError {
  const consumer = order.find((u) => u._node?.inputs.includes(t));
  return disposedFor(consumer?._node?.name, t);
}

/** Runs one node's backward, turning use-after-dispose deep inside it into an error about the graph. */
function runNode(node: GradNode, g: Tensor): readonly (Tensor | null | undefined)[] {
  // Saved tensors are read by the backward by definition (kernels may not check liveness).
  const lost = node.saved.find((t) => t.isDisposed);
  if (lost) throw disposedFor(node.name, lost);
  try {
    return node.backward(g);
  } catch (e) {
    const gone = node.inputs.find((t) => t.isDisposed);
    if (!gone) throw e;
    throw disposedFor(node.name, gone);
  }
}

function disposedFor(opName: string | undefined, t: Tensor): ErlangenError {
  const where = opName ? `the graph through '${opName}'` : 'the graph';
  return new ErlangenError(
    `backward: ${where} needs a tensor of shape ${fmtShape(t.shape)} that was disposed (by dispose() or an enclosing tidy); return it from the tidy or keep() it until backward has run`,
  );
}

function accumulate(grads: Map<Tensor, Tensor>, t: Tensor, g: Tensor): void {
  const prev = grads.get(t);
  grads.set(t, prev ? prev.add(g) : g);
}

/**
 * Runs `fn` in a private scope: with `disposeRest`, every tensor it created that is not in
 * `survivors(result)` (and not kept) is disposed; the rest pass to the enclosing tidy scope.
 * Backward passes use it so that intermediate gradients do not outlive the call.
 */
function scoped<T>(
  fn: (scope: Set<Tensor>) => T,
  survivors: (r: T) => Iterable<Tensor>,
  disposeRest: boolean,
): T {
  const scope = new Set<Tensor>();
  engine.scopes.push(scope);
  let result: T;
  try {
    result = fn(scope);
  } catch (e) {
    engine.scopes.pop();
    for (const t of scope) t.dispose();
    throw e;
  }
  engine.scopes.pop();
  const parent = engine.scopes[engine.scopes.length - 1];
  const keepSet = new Set(survivors(result));
  for (const t of scope) {
    if (!disposeRest || keepSet.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}

/**
 * The gradient to hand out for one tensor: its own Tensor object, so that disposing one gradient
 * (zeroGrad, dispose) never disposes another's or a seed the caller passed in.
 */
function ownGradient(g: Tensor, scope: Set<Tensor>, claimed: Set<Tensor>): Tensor {
  const shared = claimed.has(g) || !scope.has(g);
  claimed.add(g);
  return shared ? g.reshape(g.shape) : g;
}

function checkSeed(op: string, out: Tensor, seed: Tensor, arg: string): void {
  assertGradTensor(op, arg, seed);
  if (!shapesEqual(seed.shape, out.shape)) {
    argError(op, arg, `shape ${fmtShape(out.shape)} (the output's)`, fmtShape(seed.shape));
  }
  if (seed.dtype !== 'float32') argError(op, arg, 'dtype float32', seed.dtype);
}

function assertGradTensor(op: string, arg: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) argError(op, arg, 'a Tensor', describeValue(t));
  t.assertAlive(op, arg);
}

/** `out.backward()`: accumulates dOut/dLeaf into `.grad` of every leaf that requires grad. */
export function backward(out: Tensor, grad?: Tensor, opts: BackwardOptions = {}): void {
  assertGradTensor('backward', 'this', out);
  if (!out.requiresGrad) {
    throw new ErlangenError(
      "backward: argument 'this' expected a tensor that requires grad but received one that does not: no input of its computation had requiresGrad = true (or it ran inside noGrad)",
    );
  }
  if (grad === undefined && out.size !== 1) {
    argError('backward', 'grad', `a tensor of shape ${fmtShape(out.shape)} for a non-scalar output`, 'none');
  }
  if (grad !== undefined) checkSeed('backward', out, grad, 'grad');
  scoped(
    (scope) => {
      const seed = grad ?? out.onesLike();
      const { grads, leaves } = sweep([out], [seed], opts);
      const claimed = new Set<Tensor>();
      for (const [t, g] of grads) {
        if (!leaves.has(t) || !t.requiresGrad) continue;
        const own = ownGradient(g, scope, claimed);
        const summed = t.grad ? t.grad.add(own) : own;
        if (t.grad && t.grad !== summed) t.grad.dispose();
        summed.keep();
        t.grad = summed;
      }
    },
    () => [],
    !opts.createGraph,
  );
}

/**
 * Functional gradients: dOutput/dInputs without touching `.grad`. `fn` receives the inputs with
 * requiresGrad set and must return a scalar tensor.
 */
export function valueAndGrad<Args extends Tensor[]>(
  fn: (...args: Args) => Tensor,
): (...args: Args) => { value: Tensor; grads: Tensor[] } {
  return (...args: Args) => {
    args.forEach((a, i) => {
      assertGradTensor('valueAndGrad', `args[${i}]`, a);
    });
    const inputs = args.map((a) => a.detach().requireGrad()) as Args;
    const value = enableGrad(() => fn(...inputs));
    if (!(value instanceof Tensor) || value.size !== 1) {
      argError(
        'valueAndGrad',
        'fn',
        'a function returning a one-element tensor',
        value instanceof Tensor
          ? `one returning shape ${fmtShape(value.shape)}`
          : `one returning ${describeValue(value)}`,
      );
    }
    const grads = scoped(
      (scope) => {
        const found = value.requiresGrad
          ? sweep([value], [value.onesLike()], {}).grads
          : new Map<Tensor, Tensor>();
        const claimed = new Set<Tensor>();
        return inputs.map((x) => {
          const g = found.get(x);
          return g ? ownGradient(g, scope, claimed) : x.zerosLike();
        });
      },
      (r) => r,
      true,
    );
    return { value: value.detach(), grads };
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
  outs.forEach((o, i) => {
    assertGradTensor('gradients', `outputs[${i}]`, o);
  });
  inputs.forEach((x, i) => {
    assertGradTensor('gradients', `inputs[${i}]`, x);
  });
  if (opts.gradOutputs) {
    if (opts.gradOutputs.length !== outs.length) {
      argError(
        'gradients',
        'gradOutputs',
        `${outs.length} tensors (one per output)`,
        `${opts.gradOutputs.length}`,
      );
    }
    opts.gradOutputs.forEach((g, i) => {
      checkSeed('gradients', outs[i]!, g, `gradOutputs[${i}]`);
    });
  }
  const createGraph = !!opts.createGraph;
  return scoped(
    (scope) => {
      const seeds = opts.gradOutputs ?? outs.map((o) => o.onesLike());
      const { grads } = sweep(outs, seeds, { retainGraph: opts.retainGraph ?? createGraph, createGraph });
      const claimed = new Set<Tensor>();
      return inputs.map((x) => {
        const g = grads.get(x);
        return g ? ownGradient(g, scope, claimed) : x.zerosLike();
      });
    },
    (r) => r,
    !createGraph,
  );
}
