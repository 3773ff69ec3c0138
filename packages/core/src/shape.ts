import { argError, fmtShape } from './errors.js';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * NumPy broadcasting of two shapes; throws naming the op and the argument (`argB`, whose shape is
 * checked against `a`'s) when they are incompatible.
 */
export function broadcastShapes(op: string, a: Shape, b: Shape, argB = 'b'): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      argError(
        op,
        argB,
        `a shape that broadcasts with ${fmtShape(a)}`,
        `${fmtShape(b)} (axis ${i - n} is ${db}, not ${da} or 1)`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides of `shape` viewed inside `outShape` under broadcasting: 0 along broadcast dimensions. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = stridesOf(shape);
  const out = new Array<number>(outShape.length).fill(0);
  const off = outShape.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[off + i] = shape[i] === 1 ? 0 : strides[i]!;
  return out;
}

/** Resolves a possibly negative axis against `ndim`, naming the op and argument when out of range. */
export function normalizeAxis(op: string, axis: number, ndim: number, arg = 'axis'): number {
  if (!Number.isInteger(axis)) argError(op, arg, 'an integer', `${axis}`);
  const lo = ndim === 0 ? -1 : -ndim;
  const hi = ndim === 0 ? 0 : ndim - 1;
  if (axis < lo || axis > hi)
    argError(op, arg, `an axis in [${lo}, ${hi}] for a ${ndim}-d tensor`, `${axis}`);
  return axis < 0 ? axis + Math.max(ndim, 1) : axis;
}

export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | undefined,
  ndim: number,
): number[] {
  if (axes === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const out = list.map((a) => normalizeAxis(op, a, ndim));
  if (new Set(out).size !== out.length) argError(op, 'axis', 'distinct axes', `[${list.join(', ')}]`);
  return out.sort((x, y) => x - y);
}

export function checkShape(op: string, arg: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) argError(op, arg, 'an array of non-negative integers', typeof shape);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      argError(op, arg, 'an array of non-negative integers', `[${shape.join(', ')}]`);
    }
  }
  return shape as number[];
}
