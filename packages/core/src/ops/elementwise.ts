import { record } from '../autograd.js';
import type { BinaryOp, UnaryOp } from '../backend/kernels.js';
import { type DType, promoteTypes } from '../dtype.js';
import { argError } from '../errors.js';
import { broadcastShapes, type Shape, shapesEqual } from '../shape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { cast, clone } from './creation.js';
import { assertTensor, asTensor, sameBackend, wrap } from './util.js';

/** Sums `g` down to `shape`, undoing broadcasting (the adjoint of expand). */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  let out = axes.length ? g.sum(axes, true) : g;
  if (lead > 0 || out.ndim !== shape.length) out = out.reshape(shape);
  return out;
}

const COMPARISONS = new Set<BinaryOp>(['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual']);
const LOGICAL = new Set<BinaryOp>(['logicalAnd', 'logicalOr']);

function binary(op: BinaryOp, aIn: TensorLike, bIn: TensorLike): { a: Tensor; b: Tensor; out: Tensor } {
  const like = typeof aIn === 'number' ? (bIn as Tensor) : aIn;
  assertTensor(op, typeof aIn === 'number' ? 'b' : 'a', like);
  let a = asTensor(op, 'a', aIn, like);
  let b = asTensor(op, 'b', bIn, like);
  sameBackend(op, a, b);
  const shape = broadcastShapes(op, a.shape, b.shape);
  let common: DType = promoteTypes(a.dtype, b.dtype);
  if (LOGICAL.has(op)) common = 'bool';
  else if (op === 'div' || op === 'pow' || op === 'atan2') common = 'float32';
  else if (common === 'bool' && !COMPARISONS.has(op)) common = 'int32';
  if (a.dtype !== common) a = cast(a, common);
  if (b.dtype !== common) b = cast(b, common);
  const outDtype: DType = COMPARISONS.has(op) || LOGICAL.has(op) ? 'bool' : common;
  return { a, b, out: wrap(a.backend.binary(op, a, b, shape, outDtype), shape, outDtype, a.backend) };
}

export function add(aIn: TensorLike, bIn: TensorLike): Tensor {
  const { a, b, out } = binary('add', aIn, bIn);
  // Only inputs that need a gradient get one: summing dy down to a constant's shape is wasted work.
  return record('add', out, [a, b], (dy) => [
    a.requiresGrad ? sumTo(dy, a.shape) : null,
    b.requiresGrad ? sumTo(dy, b.shape) : null,
  ]);
}

export function sub(aIn: TensorLike, bIn: TensorLike): Tensor {
  const { a, b, out } = binary('sub', aIn, bIn);
  return record('sub', out, [a, b], (dy) => [
    a.requiresGrad ? sumTo(dy, a.shape) : null,
    b.requiresGrad ? sumTo(dy.neg(), b.shape) : null,
  ]);
}

export function mul(aIn: TensorLike, bIn: TensorLike): Tensor {
  const { a, b, out } = binary('mul', aIn, bIn);
  return record('mul', out, [a, b], (dy) => [
    a.requiresGrad ? sumTo(dy.mul(b), a.shape) : null,
    b.requiresGrad ? sumTo(dy.mul(a), b.shape) : null,
  ]);
}

export function div(aIn: TensorLike, bIn: TensorLike): Tensor {
  const { a, b, out } = binary('div', aIn, bIn);
  return record('div', out, [a, b], (dy) => [
    a.requiresGrad ? sumTo(dy.div(b), a.shape) : null,
    b.requiresGrad ? sumTo(dy.mul(out).div(b).neg(), b.shape) : null,
  ]);
}

export function pow(aIn: TensorLike, bIn: TensorLike): Tensor {
  const { a, b, out } = binary('pow', aIn, bIn);
  return record('pow', out, [a, b], (dy) => [
    // d(a^b)/da = b·a^(b−1), taken as 0 where b = 0 (else 0·0^−1 = NaN at a = 0), as PyTorch does.
    a.requiresGrad ? sumTo(dy.mul(where(b.eq(0), 0, b.mul(a.pow(b.sub(1))))), a.shape) : null,
    // d(a^b)/db = a^b · ln a, taken as 0 where a = 0 and b ≥ 0 (the limit), as PyTorch does.
    b.requiresGrad ? sumTo(dy.mul(where(logicalAnd(a.eq(0), b.ge(0)), 0, out.mul(a.log()))), b.shape) : null,
  ]);
}

export function maximum(aIn: TensorLike, bIn: TensorLike): Tensor {
  const { a, b, out } = binary('maximum', aIn, bIn);
  return record('maximum', out, [a, b], (dy) => minMaxGrad(dy, a, b, a.gt(b), a.eq(b)));
}

export function minimum(aIn: TensorLike, bIn: TensorLike): Tensor {
  const { a, b, out } = binary('minimum', aIn, bIn);
  return record('minimum', out, [a, b], (dy) => minMaxGrad(dy, a, b, a.lt(b), a.eq(b)));
}

/** Ties split the gradient evenly, as PyTorch does for maximum/minimum. */
function minMaxGrad(dy: Tensor, a: Tensor, b: Tensor, aWins: Tensor, tie: Tensor): (Tensor | null)[] {
  const wa = aWins.float().add(tie.float().mul(0.5));
  return [
    a.requiresGrad ? sumTo(dy.mul(wa), a.shape) : null,
    b.requiresGrad ? sumTo(dy.mul(wa.neg().add(1)), b.shape) : null,
  ];
}

export function mod(a: TensorLike, b: TensorLike): Tensor {
  return binary('mod', a, b).out;
}
export function atan2(aIn: TensorLike, bIn: TensorLike): Tensor {
  const { a, b, out } = binary('atan2', aIn, bIn);
  return record('atan2', out, [a, b], (dy) => {
    const r2 = a.square().add(b.square());
    return [
      a.requiresGrad ? sumTo(dy.mul(b).div(r2), a.shape) : null,
      b.requiresGrad ? sumTo(dy.mul(a).neg().div(r2), b.shape) : null,
    ];
  });
}

export const equal = (a: TensorLike, b: TensorLike): Tensor => binary('equal', a, b).out;
export const notEqual = (a: TensorLike, b: TensorLike): Tensor => binary('notEqual', a, b).out;
export const less = (a: TensorLike, b: TensorLike): Tensor => binary('less', a, b).out;
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor => binary('lessEqual', a, b).out;
export const greater = (a: TensorLike, b: TensorLike): Tensor => binary('greater', a, b).out;
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor => binary('greaterEqual', a, b).out;
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => binary('logicalAnd', a, b).out;
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => binary('logicalOr', a, b).out;

/** A number operand of `where`: float32 beside a bool or absent tensor (masks), else like a binary op's. */
function whereOperand(arg: string, v: TensorLike, other: TensorLike, cond: Tensor): Tensor {
  if (typeof v !== 'number') return assertTensor('where', arg, v);
  const like = typeof other === 'number' ? cond : assertTensor('where', arg === 'a' ? 'b' : 'a', other);
  if (like.dtype !== 'bool') return asTensor('where', arg, v, like);
  return wrap(like.backend.fill([], v, 'float32'), [], 'float32', like.backend);
}

/** cond ? a : b, broadcasting all three; gradients flow to a and b. */
export function where(cond: Tensor, aIn: TensorLike, bIn: TensorLike): Tensor {
  assertTensor('where', 'cond', cond);
  let a = whereOperand('a', aIn, bIn, cond);
  let b = whereOperand('b', bIn, aIn, cond);
  sameBackend('where', cond, a, b);
  const c = cond.dtype === 'bool' ? cond : cond.ne(0);
  const dt = promoteTypes(a.dtype, b.dtype);
  if (a.dtype !== dt) a = cast(a, dt);
  if (b.dtype !== dt) b = cast(b, dt);
  const shape = broadcastShapes('where', broadcastShapes('where', c.shape, a.shape, 'a'), b.shape, 'b');
  const out = wrap(a.backend.where(c, a, b, shape), shape, dt, a.backend);
  // The backward reads `c`, which is neither input: save it so tidy keeps it with the graph.
  return record(
    'where',
    out,
    [a, b],
    (dy) => {
      const zero = dy.zerosLike();
      return [
        a.requiresGrad ? sumTo(where(c, dy, zero), a.shape) : null,
        b.requiresGrad ? sumTo(where(c, zero, dy), b.shape) : null,
      ];
    },
    [c],
  );
}

// ---- unary

function unary(op: UnaryOp, x: Tensor, outDtype?: DType): Tensor {
  assertTensor(op, 'x', x);
  // -true has no bool value (PyTorch rejects it too); a silent 255 would be worse.
  if (op === 'neg' && x.dtype === 'bool') argError('neg', 'x', 'a float32 or int32 tensor', 'a bool tensor');
  let dt = outDtype ?? x.dtype;
  let input = x;
  const floatOnly = !['neg', 'abs', 'sign', 'square', 'relu', 'logicalNot', 'isNaN', 'isFinite'].includes(op);
  if (floatOnly && x.dtype !== 'float32') {
    input = cast(x, 'float32');
    dt = outDtype ?? 'float32';
  }
  return wrap(input.backend.unary(op, input, dt), x.shape, dt, x.backend);
}

type Vjp = (dy: Tensor, x: Tensor, y: Tensor) => Tensor;

function differentiable(op: UnaryOp, vjp: Vjp): (x: Tensor) => Tensor {
  return (x: Tensor) => {
    const y = unary(op, x);
    return record(op, y, [x], (dy) => [vjp(dy, x, y)]);
  };
}

export const neg = differentiable('neg', (dy) => dy.neg());
export const abs = differentiable('abs', (dy, x) => dy.mul(x.sign()));
export const sign = (x: Tensor): Tensor => unary('sign', x);
export const exp = differentiable('exp', (dy, _x, y) => dy.mul(y));
export const expm1 = differentiable('expm1', (dy, _x, y) => dy.mul(y.add(1)));
export const log = differentiable('log', (dy, x) => dy.div(x));
export const log1p = differentiable('log1p', (dy, x) => dy.div(x.add(1)));
export const sqrt = differentiable('sqrt', (dy, _x, y) => dy.div(y.mul(2)));
export const rsqrt = differentiable('rsqrt', (dy, _x, y) => dy.mul(y.pow(3)).mul(-0.5));
export const square = differentiable('square', (dy, x) => dy.mul(x).mul(2));
export const reciprocal = differentiable('reciprocal', (dy, _x, y) => dy.mul(y.square()).neg());
export const sin = differentiable('sin', (dy, x) => dy.mul(x.cos()));
export const cos = differentiable('cos', (dy, x) => dy.mul(x.sin()).neg());
export const tan = differentiable('tan', (dy, _x, y) => dy.mul(y.square().add(1)));
export const asin = differentiable('asin', (dy, x) => dy.mul(x.square().neg().add(1).rsqrt()));
export const acos = differentiable('acos', (dy, x) => dy.mul(x.square().neg().add(1).rsqrt()).neg());
export const atan = differentiable('atan', (dy, x) => dy.div(x.square().add(1)));
export const sinh = differentiable('sinh', (dy, x) => dy.mul(cosh(x)));
export const cosh = differentiable('cosh', (dy, x) => dy.mul(sinh(x)));
export const tanh = differentiable('tanh', (dy, _x, y) => dy.mul(y.square().neg().add(1)));
export const sigmoid = differentiable('sigmoid', (dy, _x, y) => dy.mul(y).mul(y.neg().add(1)));
export const relu = differentiable('relu', (dy, x) => where(x.gt(0), dy, 0));
export const erf = differentiable('erf', (dy, x) =>
  dy.mul(x.square().neg().exp()).mul(2 / Math.sqrt(Math.PI)),
);
/** Rounding keeps integer tensors as they are (and their dtype), as PyTorch does. */
function rounding(op: 'floor' | 'ceil' | 'round'): (x: Tensor) => Tensor {
  return (x: Tensor) => (assertTensor(op, 'x', x).dtype === 'float32' ? unary(op, x) : clone(x));
}
export const floor = rounding('floor');
export const ceil = rounding('ceil');
export const round = rounding('round');
export const logicalNot = (x: Tensor): Tensor =>
  unary('logicalNot', x.dtype === 'bool' ? x : x.ne(0), 'bool');
// biome-ignore lint/suspicious/noShadowRestrictedNames: public op name (torch.isnan); import it under an alias where the global is needed
export const isNaN = (x: Tensor): Tensor => unary('isNaN', x, 'bool');
// biome-ignore lint/suspicious/noShadowRestrictedNames: public op name (torch.isfinite)
export const isFinite = (x: Tensor): Tensor => unary('isFinite', x, 'bool');

/** Limits values to [min, max]; the gradient passes where the value was inside (PyTorch's convention). */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  assertTensor('clamp', 'x', x);
  if (min === undefined && max === undefined) argError('clamp', 'min', 'min or max to be given', 'neither');
  if (min !== undefined && max !== undefined && min > max)
    argError('clamp', 'max', `a value ≥ min (${min})`, `${max}`);
  let y = x;
  if (min !== undefined) y = where(x.lt(min), min, y);
  if (max !== undefined) y = where(x.gt(max), max, y);
  return y;
}
