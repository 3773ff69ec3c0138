import type { TypedArray } from '../../dtype.js';
import { broadcastStrides, type Shape, sizeOf } from '../../shape.js';
import type { BinaryOp, UnaryOp } from '../kernels.js';

function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 is only 1e-7 accurate; use the series/continued fraction split for ~1e-15.
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let sum = x;
    let term = x;
    const x2 = x * x;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction (Lentz) for the tail.
  const t = ax;
  let f = t;
  let c = t;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    d = t + an * d;
    d = d === 0 ? 1e-300 : 1 / d;
    c = t + an / c;
    if (c === 0) c = 1e-300;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-t * t) / (f * Math.sqrt(Math.PI));
  return x > 0 ? 1 - erfc : erfc - 1;
}

export const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : Number.NaN),
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  // NaN passes through, as in PyTorch (x > 0 ? x : 0 would turn it into 0).
  relu: (x) => Math.max(x, 0),
  floor: Math.floor,
  ceil: Math.ceil,
  // Round half to even, as PyTorch and NumPy do.
  round: (x) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  erf,
  logicalNot: (x) => (x === 0 ? 1 : 0),
  isNaN: (x) => (Number.isNaN(x) ? 1 : 0),
  isFinite: (x) => (Number.isFinite(x) ? 1 : 0),
};

export function unaryKernel(op: UnaryOp, x: TypedArray, out: TypedArray): void {
  const n = x.length;
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i]!;
      return;
    case 'relu':
      for (let i = 0; i < n; i++) {
        out[i] = Math.max(x[i]!, 0);
      }
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!);
      return;
    case 'square':
      for (let i = 0; i < n; i++) out[i] = x[i]! * x[i]!;
      return;
    default: {
      const f = UNARY[op];
      for (let i = 0; i < n; i++) out[i] = f(x[i]!);
    }
  }
}

const truthy = (x: number) => x !== 0;

export const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  // Math.max / Math.min propagate NaN, as PyTorch's maximum / minimum do.
  maximum: Math.max,
  minimum: Math.min,
  // Python's modulo: the result takes the divisor's sign.
  mod: (a, b) => a - Math.floor(a / b) * b,
  atan2: Math.atan2,
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
  logicalAnd: (a, b) => (truthy(a) && truthy(b) ? 1 : 0),
  logicalOr: (a, b) => (truthy(a) || truthy(b) ? 1 : 0),
};

/** Same-shape and scalar fast paths for the hottest ops, written out so V8 emits tight loops. */
function fastBinary(op: BinaryOp, a: TypedArray, b: TypedArray, out: TypedArray): boolean {
  const n = out.length;
  if (a.length === n && b.length === n) {
    switch (op) {
      case 'add':
        for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
        return true;
      case 'sub':
        for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!;
        return true;
      case 'mul':
        for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
        return true;
      case 'div':
        for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!;
        return true;
    }
    const f = BINARY[op];
    for (let i = 0; i < n; i++) out[i] = f(a[i]!, b[i]!);
    return true;
  }
  if (b.length === 1 && a.length === n) {
    const s = b[0]!;
    switch (op) {
      case 'add':
        for (let i = 0; i < n; i++) out[i] = a[i]! + s;
        return true;
      case 'sub':
        for (let i = 0; i < n; i++) out[i] = a[i]! - s;
        return true;
      case 'mul':
        for (let i = 0; i < n; i++) out[i] = a[i]! * s;
        return true;
      case 'div':
        for (let i = 0; i < n; i++) out[i] = a[i]! / s;
        return true;
    }
    const f = BINARY[op];
    for (let i = 0; i < n; i++) out[i] = f(a[i]!, s);
    return true;
  }
  if (a.length === 1 && b.length === n) {
    const s = a[0]!;
    const f = BINARY[op];
    for (let i = 0; i < n; i++) out[i] = f(s, b[i]!);
    return true;
  }
  return false;
}

/**
 * Calls `body(offsets…, outIndex, count, innerStrides…)` once per innermost row of `outShape`, with
 * each operand's broadcast offset: the odometer over outer axes is paid once per row, not per element.
 */
export function forEachRow(
  outShape: Shape,
  strides: readonly (readonly number[])[],
  body: (offsets: number[], outIndex: number, count: number, inner: number[]) => void,
): void {
  const nd = outShape.length;
  const total = sizeOf(outShape);
  if (total === 0) return;
  if (nd === 0) {
    body(
      strides.map(() => 0),
      0,
      1,
      strides.map(() => 0),
    );
    return;
  }
  const inner = outShape[nd - 1]!;
  const innerStrides = strides.map((s) => s[nd - 1]!);
  const idx = new Array<number>(nd - 1).fill(0);
  const offsets = strides.map(() => 0);
  for (let o = 0; o < total; o += inner) {
    body(offsets, o, inner, innerStrides);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      for (let s = 0; s < strides.length; s++) offsets[s]! += strides[s]![d]!;
      if (idx[d]! < outShape[d]!) break;
      for (let s = 0; s < strides.length; s++) offsets[s]! -= strides[s]![d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}

export function binaryKernel(
  op: BinaryOp,
  a: TypedArray,
  aShape: Shape,
  b: TypedArray,
  bShape: Shape,
  outShape: Shape,
  out: TypedArray,
): void {
  if (fastBinary(op, a, b, out)) return;
  if (a.length === out.length && rowBroadcast(op, a, b, bShape, outShape, out, false)) return;
  if (b.length === out.length && rowBroadcast(op, b, a, aShape, outShape, out, true)) return;
  const f = BINARY[op];
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const fast = op === 'add' || op === 'mul' || op === 'sub';
  forEachRow(outShape, [sa, sb], (off, o, count, inner) => {
    let ia = off[0]!;
    let ib = off[1]!;
    const da = inner[0]!;
    const db = inner[1]!;
    if (fast) {
      if (op === 'add') for (let j = 0; j < count; j++, ia += da, ib += db) out[o + j] = a[ia]! + b[ib]!;
      else if (op === 'mul') for (let j = 0; j < count; j++, ia += da, ib += db) out[o + j] = a[ia]! * b[ib]!;
      else for (let j = 0; j < count; j++, ia += da, ib += db) out[o + j] = a[ia]! - b[ib]!;
    } else {
      for (let j = 0; j < count; j++, ia += da, ib += db) out[o + j] = f(a[ia]!, b[ib]!);
    }
  });
}

/**
 * The two broadcasts of every network: a bias row over a batch ([n, m] + [m]) and a per-row
 * statistic over its row ([n, m] − [n, 1], as in softmax). `full` has the output's shape; `part`
 * matches a suffix (bias) or a prefix followed by ones (per-row). `swapped` means part is the left
 * operand. Returns false for other layouts.
 */
function rowBroadcast(
  op: BinaryOp,
  full: TypedArray,
  part: TypedArray,
  partShape: Shape,
  outShape: Shape,
  out: TypedArray,
  swapped: boolean,
): boolean {
  if (op !== 'add' && op !== 'sub' && op !== 'mul' && op !== 'div') return false;
  const nd = outShape.length;
  const padded = [...new Array<number>(nd - partShape.length).fill(1), ...partShape];
  let k = 0;
  while (k < nd && padded[k] === 1) k++;
  const suffix = padded.slice(k).every((d, i) => d === outShape[k + i]);
  let j = nd;
  while (j > 0 && padded[j - 1] === 1) j--;
  const prefix = padded.slice(0, j).every((d, i) => d === outShape[i]);
  const n = out.length;
  const m = part.length;
  if (m === 0 || n === 0) return false;
  if (suffix) {
    // out[r·m + c] = full[r·m + c] ∘ part[c]
    for (let r = 0; r < n; r += m) {
      if (swapped) applyRow(op, part, 0, full, r, out, r, m);
      else applyRow(op, full, r, part, 0, out, r, m);
    }
    return true;
  }
  if (prefix) {
    // out[r·len + c] = full[r·len + c] ∘ part[r]
    const len = n / m;
    for (let r = 0; r < m; r++) {
      const s = part[r]!;
      const o = r * len;
      if (swapped) for (let c = 0; c < len; c++) out[o + c] = scalarOp(op, s, full[o + c]!);
      else for (let c = 0; c < len; c++) out[o + c] = scalarOp(op, full[o + c]!, s);
    }
    return true;
  }
  return false;
}

function scalarOp(op: BinaryOp, x: number, y: number): number {
  return op === 'add' ? x + y : op === 'sub' ? x - y : op === 'mul' ? x * y : x / y;
}

/** out[o + c] = x[xo + c] ∘ y[yo + c] for c < len; x is the left operand. */
function applyRow(
  op: BinaryOp,
  x: TypedArray,
  xo: number,
  y: TypedArray,
  yo: number,
  out: TypedArray,
  o: number,
  len: number,
): void {
  switch (op) {
    case 'add':
      for (let c = 0; c < len; c++) out[o + c] = x[xo + c]! + y[yo + c]!;
      return;
    case 'mul':
      for (let c = 0; c < len; c++) out[o + c] = x[xo + c]! * y[yo + c]!;
      return;
    case 'sub':
      for (let c = 0; c < len; c++) out[o + c] = x[xo + c]! - y[yo + c]!;
      return;
    default:
      for (let c = 0; c < len; c++) out[o + c] = x[xo + c]! / y[yo + c]!;
  }
}

export function whereKernel(
  c: TypedArray,
  cShape: Shape,
  a: TypedArray,
  aShape: Shape,
  b: TypedArray,
  bShape: Shape,
  outShape: Shape,
  out: TypedArray,
): void {
  const sc = broadcastStrides(cShape, outShape);
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  forEachRow(outShape, [sc, sa, sb], (off, o, count, inner) => {
    let ic = off[0]!;
    let ia = off[1]!;
    let ib = off[2]!;
    for (let j = 0; j < count; j++, ic += inner[0]!, ia += inner[1]!, ib += inner[2]!) {
      out[o + j] = c[ic] ? a[ia]! : b[ib]!;
    }
  });
}
