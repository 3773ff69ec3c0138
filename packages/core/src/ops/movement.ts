import { record } from '../autograd.js';
import { argError, describeValue, fmtShape } from '../errors.js';
import { normalizeAxes, normalizeAxis, type Shape, shapesEqual, sizeOf, stridesOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { sumTo } from './elementwise.js';
import { assertMinRank, assertTensor, sameBackend, wrap } from './util.js';

/** Strided gather into a new contiguous tensor (the one movement kernel). */
function strided(x: Tensor, outShape: Shape, strides: readonly number[], offset: number): Tensor {
  return wrap(x.backend.copyStrided(x, outShape, strides, offset), outShape, x.dtype, x.backend);
}

/** Same elements, new shape; one entry may be -1. Shares storage (no copy). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  assertTensor('reshape', 'x', x);
  const s = [...shape];
  const unknown = s.indexOf(-1);
  if (s.some((d, i) => !Number.isInteger(d) || d < -1 || (d === -1 && i !== unknown))) {
    argError('reshape', 'shape', 'non-negative integers with at most one -1', fmtShape(shape));
  }
  if (unknown >= 0) {
    const known = sizeOf(s.filter((_, i) => i !== unknown));
    if (known === 0 || x.size % known !== 0) {
      argError('reshape', 'shape', `a shape compatible with ${x.size} elements`, fmtShape(shape));
    }
    s[unknown] = x.size / known;
  }
  if (sizeOf(s) !== x.size) {
    argError(
      'reshape',
      'shape',
      `a shape with ${x.size} elements (x is ${fmtShape(x.shape)})`,
      fmtShape(shape),
    );
  }
  if (shapesEqual(s, x.shape) && !x.requiresGrad) return wrap(x.id, s, x.dtype, x.backend);
  const out = wrap(x.id, s, x.dtype, x.backend);
  return record('reshape', out, [x], (dy) => [dy.reshape(x.shape)]);
}

export function flatten(x: Tensor, startAxis = 0, endAxis = -1): Tensor {
  assertTensor('flatten', 'x', x);
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeAxis('flatten', startAxis, x.ndim, 'startAxis');
  const e = normalizeAxis('flatten', endAxis, x.ndim, 'endAxis');
  if (e < s) argError('flatten', 'endAxis', `an axis ≥ startAxis (${s})`, `${endAxis}`);
  return reshape(x, [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

export function squeeze(x: Tensor, axis?: number | number[]): Tensor {
  assertTensor('squeeze', 'x', x);
  const axes =
    axis === undefined
      ? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : normalizeAxes('squeeze', axis, x.ndim);
  for (const a of axes) {
    if (x.shape[a] !== 1) argError('squeeze', 'axis', `axes of size 1`, `axis ${a} of size ${x.shape[a]}`);
  }
  return reshape(
    x,
    x.shape.filter((_, i) => !axes.includes(i)),
  );
}

export function unsqueeze(x: Tensor, axis: number): Tensor {
  assertTensor('unsqueeze', 'x', x);
  const a = normalizeAxis('unsqueeze', axis, x.ndim + 1);
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

/** Reorders axes: out.shape[i] = x.shape[axes[i]]. */
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  assertTensor('permute', 'x', x);
  if (!Array.isArray(axes) || axes.length !== x.ndim) {
    argError(
      'permute',
      'axes',
      `a permutation of ${x.ndim} axes`,
      Array.isArray(axes) ? `[${axes.join(', ')}]` : `${axes}`,
    );
  }
  const p = axes.map((a) => normalizeAxis('permute', a, x.ndim, 'axes'));
  if (new Set(p).size !== p.length) argError('permute', 'axes', 'each axis once', `[${axes.join(', ')}]`);
  if (p.every((a, i) => a === i)) return reshape(x, x.shape);
  const xs = stridesOf(x.shape);
  const out = strided(
    x,
    p.map((a) => x.shape[a]!),
    p.map((a) => xs[a]!),
    0,
  );
  const inverse = new Array<number>(p.length);
  p.forEach((a, i) => {
    inverse[a] = i;
  });
  return record('permute', out, [x], (dy) => [permute(dy, inverse)]);
}

export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  assertTensor('transpose', 'x', x);
  if (x.ndim < 2) return reshape(x, x.shape);
  const a = normalizeAxis('transpose', axis0, x.ndim, 'axis0');
  const b = normalizeAxis('transpose', axis1, x.ndim, 'axis1');
  const p = x.shape.map((_, i) => i);
  p[a] = b;
  p[b] = a;
  return permute(x, p);
}

/** Broadcasts to `shape` (size-1 axes stretch, new leading axes are added); -1 keeps a size. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  assertTensor('expand', 'x', x);
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < -1)) {
    argError(
      'expand',
      'shape',
      'an array of non-negative integers (or -1 to keep a size)',
      Array.isArray(shape) ? fmtShape(shape) : `${shape}`,
    );
  }
  if (shape.length < x.ndim) argError('expand', 'shape', `at least ${x.ndim} dimensions`, fmtShape(shape));
  const lead = shape.length - x.ndim;
  const xs = stridesOf(x.shape);
  const outShape: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    const d = i < lead ? 1 : x.shape[i - lead]!;
    const want = shape[i] === -1 ? d : shape[i]!;
    if (d !== want && d !== 1) {
      argError('expand', 'shape', `a shape x ${fmtShape(x.shape)} broadcasts to`, fmtShape(shape));
    }
    outShape.push(want);
    strides.push(i < lead || d === 1 ? 0 : xs[i - lead]!);
  }
  if (shapesEqual(outShape, x.shape)) return reshape(x, x.shape);
  const out = strided(x, outShape, strides, 0);
  return record('expand', out, [x], (dy) => [sumTo(dy, x.shape)]);
}

type Range = readonly [number, number?] | null | number;

/**
 * Python-style slicing of the leading axes: `[start, end]` (end exclusive, negatives count from the
 * back, end clamped), `null` for the whole axis, or a number to select one index and drop the axis.
 */
export function slice(x: Tensor, ranges: readonly Range[]): Tensor {
  assertTensor('slice', 'x', x);
  if (ranges.length > x.ndim) argError('slice', 'ranges', `at most ${x.ndim} ranges`, `${ranges.length}`);
  const starts: number[] = [];
  const sizes: number[] = [];
  const drop: number[] = [];
  x.shape.forEach((d, i) => {
    const r = ranges[i];
    if (r === undefined || r === null) {
      starts.push(0);
      sizes.push(d);
    } else if (typeof r === 'number') {
      const idx = r < 0 ? r + d : r;
      if (!Number.isInteger(r) || idx < 0 || idx >= d)
        argError('slice', `ranges[${i}]`, `an index in [${-d}, ${d - 1}]`, `${r}`);
      starts.push(idx);
      sizes.push(1);
      drop.push(i);
    } else {
      const clampIdx = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
      const s = clampIdx(r[0]);
      const e = clampIdx(r[1] ?? d);
      starts.push(s);
      sizes.push(Math.max(e - s, 0));
    }
  });
  let out = sliceRaw(x, starts, sizes);
  if (drop.length)
    out = reshape(
      out,
      out.shape.filter((_, i) => !drop.includes(i)),
    );
  return out;
}

function sliceRaw(x: Tensor, starts: number[], sizes: number[]): Tensor {
  if (shapesEqual(sizes, x.shape)) return reshape(x, x.shape);
  const xs = stridesOf(x.shape);
  let offset = 0;
  starts.forEach((s, i) => {
    offset += s * xs[i]!;
  });
  const out = strided(x, sizes, xs, sizes.some((d) => d === 0) ? 0 : offset);
  return record('slice', out, [x], (dy) => [
    pad(
      dy,
      starts.map((s, i) => [s, x.shape[i]! - s - sizes[i]!] as [number, number]),
    ),
  ]);
}

export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  assertTensor('narrow', 'x', x);
  assertMinRank('narrow', 'x', x, 1);
  const a = normalizeAxis('narrow', axis, x.ndim);
  const d = x.shape[a]!;
  const s = start < 0 ? start + d : start;
  if (!Number.isInteger(s) || s < 0 || s > d)
    argError('narrow', 'start', `an index in [${-d}, ${d}]`, `${start}`);
  if (!Number.isInteger(length) || length < 0 || s + length > d) {
    argError('narrow', 'length', `an integer in [0, ${d - s}]`, `${length}`);
  }
  const starts = x.shape.map((_, i) => (i === a ? s : 0));
  const sizes = x.shape.map((v, i) => (i === a ? length : v));
  return sliceRaw(x, starts, sizes);
}

/** Entry `i` along `axis`, the axis removed. */
export function select(x: Tensor, i: number, axis = 0): Tensor {
  assertTensor('select', 'x', x);
  assertMinRank('select', 'x', x, 1);
  const a = normalizeAxis('select', axis, x.ndim);
  const d = x.shape[a]!;
  const idx = i < 0 ? i + d : i;
  if (!Number.isInteger(i) || idx < 0 || idx >= d)
    argError('select', 'i', `an index in [${-d}, ${d - 1}]`, `${i}`);
  return reshape(
    narrow(x, a, idx, 1),
    x.shape.filter((_, j) => j !== a),
  );
}

export function flip(x: Tensor, axes: number | number[]): Tensor {
  assertTensor('flip', 'x', x);
  const list = normalizeAxes('flip', axes, x.ndim);
  const xs = stridesOf(x.shape);
  let offset = 0;
  const strides = xs.map((s, i) => {
    if (!list.includes(i)) return s;
    offset += (x.shape[i]! - 1) * s;
    return -s;
  });
  const out = strided(x, x.shape, strides, x.size === 0 ? 0 : offset);
  return record('flip', out, [x], (dy) => [flip(dy, list)]);
}

/** Joins tensors along an existing axis. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0)
    argError('concat', 'xs', 'a non-empty array of tensors', describeValue(xs));
  xs.forEach((t, i) => {
    assertTensor('concat', `xs[${i}]`, t);
  });
  sameBackend('concat', ...xs);
  const first = xs[0]!;
  assertMinRank('concat', 'xs[0]', first, 1);
  const a = normalizeAxis('concat', axis, first.ndim);
  xs.forEach((t: Tensor, i: number) => {
    if (
      t.ndim !== first.ndim ||
      t.dtype !== first.dtype ||
      t.shape.some((d: number, j: number) => j !== a && d !== first.shape[j])
    ) {
      argError(
        'concat',
        `xs[${i}]`,
        `dtype ${first.dtype} and shape ${fmtShape(first.shape.map((d: number, j: number) => (j === a ? -1 : d))).replace('-1', '*')}`,
        `${t.dtype} ${fmtShape(t.shape)}`,
      );
    }
  });
  if (xs.length === 1) return reshape(first, first.shape);
  const outShape = [...first.shape];
  outShape[a] = xs.reduce((acc, t) => acc + t.shape[a]!, 0);
  const out = wrap(first.backend.concat(xs, a, outShape), outShape, first.dtype, first.backend);
  return record('concat', out, xs, (dy) => {
    let start = 0;
    return xs.map((t) => {
      const part = narrow(dy, a, start, t.shape[a]!);
      start += t.shape[a]!;
      return part;
    });
  });
}

/** Joins same-shaped tensors along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0)
    argError('stack', 'xs', 'a non-empty array of tensors', describeValue(xs));
  xs.forEach((t, i) => {
    assertTensor('stack', `xs[${i}]`, t);
    if (!shapesEqual(t.shape, xs[0]!.shape))
      argError('stack', `xs[${i}]`, `shape ${fmtShape(xs[0]!.shape)}`, fmtShape(t.shape));
  });
  const a = normalizeAxis('stack', axis, xs[0]!.ndim + 1);
  return concat(
    xs.map((t) => unsqueeze(t, a)),
    a,
  );
}

/** Splits along `axis` into pieces of the given sizes (or equal pieces of size `sizes`). */
export function split(x: Tensor, sizes: number | readonly number[], axis = 0): Tensor[] {
  assertTensor('split', 'x', x);
  assertMinRank('split', 'x', x, 1);
  const a = normalizeAxis('split', axis, x.ndim);
  const d = x.shape[a]!;
  let list: number[];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes <= 0) argError('split', 'sizes', 'a positive integer', `${sizes}`);
    list = [];
    for (let s = 0; s < d; s += sizes) list.push(Math.min(sizes, d - s));
  } else {
    list = [...sizes];
    if (list.some((n) => !Number.isInteger(n) || n < 0) || list.reduce((p, c) => p + c, 0) !== d) {
      argError('split', 'sizes', `non-negative integers summing to ${d} (axis ${a})`, `[${list.join(', ')}]`);
    }
  }
  let start = 0;
  return list.map((n) => {
    const part = narrow(x, a, start, n);
    start += n;
    return part;
  });
}

export type PadMode = 'constant' | 'circular';

/**
 * Pads every axis by pads[i] = [before, after] (missing trailing entries pad nothing). `constant`
 * fills with `value`; `circular` wraps around (periodic boundaries, e.g. longitude on a sphere).
 */
export function pad(
  x: Tensor,
  pads: readonly (readonly [number, number])[],
  mode: PadMode = 'constant',
  value = 0,
): Tensor {
  assertTensor('pad', 'x', x);
  if (!Array.isArray(pads)) argError('pad', 'pads', 'an array of [before, after] pairs', `${pads}`);
  if (pads.length > x.ndim)
    argError('pad', 'pads', `at most ${x.ndim} [before, after] pairs`, `${pads.length}`);
  const full = x.shape.map((_, i) => pads[i] ?? ([0, 0] as const));
  for (const [i, p] of full.entries()) {
    if (!Array.isArray(p) || p.length !== 2 || !Number.isInteger(p[0]) || !Number.isInteger(p[1])) {
      argError(
        'pad',
        `pads[${i}]`,
        'a pair of integers [before, after]',
        Array.isArray(p) ? `[${p.join(', ')}]` : `${p}`,
      );
    }
  }
  if (mode === 'circular') return padCircular(x, full);
  if (mode !== 'constant') argError('pad', 'mode', "'constant' or 'circular'", `'${mode}'`);
  for (const [i, p] of full.entries()) {
    if (x.shape[i]! + p[0] + p[1] < 0)
      argError('pad', `pads[${i}]`, `crops smaller than ${x.shape[i]}`, `[${p.join(', ')}]`);
  }
  if (full.every((p) => p[0] === 0 && p[1] === 0)) return reshape(x, x.shape);
  const outShape = x.shape.map((d, i) => d + full[i]![0] + full[i]![1]);
  const out = wrap(x.backend.pad(x, full, value), outShape, x.dtype, x.backend);
  return record('pad', out, [x], (dy) => [
    pad(
      dy,
      full.map(([b, e]) => [-b, -e] as [number, number]),
    ),
  ]);
}

function padCircular(x: Tensor, pads: readonly (readonly [number, number])[]): Tensor {
  let out = x;
  pads.forEach(([before, after], axis) => {
    const d = out.shape[axis]!;
    if (before === 0 && after === 0) return;
    if (before < 0 || after < 0 || before > d || after > d) {
      argError(
        'pad',
        `pads[${axis}]`,
        `circular padding between 0 and the axis size ${d}`,
        `[${before}, ${after}]`,
      );
    }
    const parts: Tensor[] = [];
    if (before) parts.push(narrow(out, axis, d - before, before));
    parts.push(out);
    if (after) parts.push(narrow(out, axis, 0, after));
    out = concat(parts, axis);
  });
  return out;
}

/** Repeats the tensor `reps[i]` times along each axis (torch.Tensor.repeat). */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  assertTensor('tile', 'x', x);
  if (!Array.isArray(reps) || reps.length < x.ndim || reps.some((r) => !Number.isInteger(r) || r < 0)) {
    argError(
      'tile',
      'reps',
      `at least ${x.ndim} non-negative integers`,
      Array.isArray(reps) ? `[${reps.join(', ')}]` : `${reps}`,
    );
  }
  let t = reshape(x, [...new Array(reps.length - x.ndim).fill(1), ...x.shape]);
  // Interleave a new axis of size rep before each axis, expand it, then merge the pairs.
  const inter: number[] = [];
  const target: number[] = [];
  t.shape.forEach((d, i) => {
    inter.push(1, d);
    target.push(reps[i]!, d);
  });
  t = expand(reshape(t, inter), target);
  return reshape(
    t,
    t.shape.filter((_, i) => i % 2 === 0).map((r, i) => r * t.shape[2 * i + 1]!),
  );
}
