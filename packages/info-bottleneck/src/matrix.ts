import { argError, ErlangenError, Tensor } from '@erlangen/core';

/**
 * Samples as a dense row-major float64 matrix: `rows` samples of `cols` features. Estimators work on
 * these (the "float64 CPU path"); tensors are read once and copied.
 */
export interface Matrix {
  /** [rows, cols] row-major */
  values: Float64Array;
  rows: number;
  cols: number;
}

/** Anything an estimator accepts as samples: a [N, d] (or [N]) tensor, a `Matrix`, or an array of rows. */
export type SampleInput = Tensor | Matrix | readonly (readonly number[])[] | Float64Array | Float32Array;

/** Labels: integer class ids, one per sample ([N] int32 tensor, typed array or number array). */
export type LabelInput = Tensor | Int32Array | Uint8Array | readonly number[];

function isMatrix(x: unknown): x is Matrix {
  return (
    typeof x === 'object' &&
    x !== null &&
    (x as Matrix).values instanceof Float64Array &&
    typeof (x as Matrix).rows === 'number' &&
    typeof (x as Matrix).cols === 'number'
  );
}

/** Copies samples into a float64 [N, d] matrix; a 1-d input is one feature per sample. */
export function toMatrix(op: string, arg: string, x: SampleInput): Matrix {
  if (x instanceof Tensor) {
    if (x.ndim !== 1 && x.ndim !== 2)
      argError(op, arg, 'a [N, d] or [N] tensor', `shape [${x.shape.join(', ')}]`);
    const rows = x.shape[0]!;
    const cols = x.ndim === 2 ? x.shape[1]! : 1;
    const values = Float64Array.from(x.dataSync() as ArrayLike<number>);
    return checkSamples(op, arg, { values, rows, cols });
  }
  if (isMatrix(x)) {
    if (x.values.length !== x.rows * x.cols)
      argError(op, arg, `a Matrix with values.length = rows·cols = ${x.rows * x.cols}`, `${x.values.length}`);
    return checkSamples(op, arg, x);
  }
  if (x instanceof Float64Array || x instanceof Float32Array) {
    return checkSamples(op, arg, { values: Float64Array.from(x), rows: x.length, cols: 1 });
  }
  if (Array.isArray(x)) {
    const rows = x.length;
    const cols = rows > 0 ? (x[0] as readonly number[]).length : 0;
    const values = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const r = x[i] as readonly number[];
      if (!Array.isArray(r) || r.length !== cols)
        argError(
          op,
          arg,
          `rows of ${cols} numbers`,
          `row ${i} with ${Array.isArray(r) ? r.length : typeof r}`,
        );
      for (let j = 0; j < cols; j++) values[i * cols + j] = r[j]!;
    }
    return checkSamples(op, arg, { values, rows, cols });
  }
  return argError(op, arg, 'a Tensor, Matrix, typed array or array of rows', typeof x);
}

function checkSamples(op: string, arg: string, m: Matrix): Matrix {
  if (m.rows < 1) argError(op, arg, 'at least one sample', '0 samples (empty probe set)');
  if (m.cols < 1) argError(op, arg, 'at least one feature per sample', '0 features');
  for (let i = 0; i < m.values.length; i++) {
    if (!Number.isFinite(m.values[i]!))
      argError(op, arg, 'finite values', `${m.values[i]} at sample ${Math.floor(i / m.cols)}`);
  }
  return m;
}

/** Copies labels into an Int32Array of non-negative class ids. */
export function toLabels(op: string, arg: string, y: LabelInput): Int32Array {
  let out: Int32Array;
  if (y instanceof Tensor) {
    if (y.ndim !== 1) argError(op, arg, 'a [N] tensor of class ids', `shape [${y.shape.join(', ')}]`);
    out = Int32Array.from(y.dataSync() as ArrayLike<number>, (v) => Math.round(v));
  } else if (y instanceof Int32Array) out = y;
  else if (y instanceof Uint8Array || Array.isArray(y)) out = Int32Array.from(y as ArrayLike<number>);
  else return argError(op, arg, 'an [N] int32 tensor, Int32Array or number[] of class ids', typeof y);
  if (out.length < 1) argError(op, arg, 'at least one label', '0 labels (empty probe set)');
  for (let i = 0; i < out.length; i++) {
    const v = out[i]!;
    if (!(v >= 0)) argError(op, arg, 'non-negative integer class ids', `${v} at index ${i}`);
  }
  return out;
}

/** Throws unless two sample sets have the same number of samples. */
export function checkSameCount(op: string, a: [string, number], b: [string, number]): void {
  if (a[1] !== b[1])
    throw new ErlangenError(
      `${op}: arguments '${a[0]}' and '${b[0]}' must hold the same number of samples, but '${a[0]}' has ${a[1]} and '${b[0]}' has ${b[1]}`,
    );
}
