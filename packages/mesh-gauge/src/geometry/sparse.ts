/**
 * Float64 sparse matrices in CSR form, for the float64 CPU path (Laplacians, mass matrices,
 * gradient operators). Built from COO triplets; duplicate entries are summed.
 */
import { argError } from '../errors.js';

export class CsrMatrix {
  constructor(
    readonly rows: number,
    readonly cols: number,
    /** int32 [rows + 1]. */
    readonly indptr: Int32Array,
    /** int32 [nnz], sorted within each row. */
    readonly indices: Int32Array,
    /** float64 [nnz]. */
    readonly values: Float64Array,
  ) {}

  get nnz(): number {
    return this.values.length;
  }

  /** From triplets (duplicates summed). */
  static fromTriplets(
    rows: number,
    cols: number,
    ri: ArrayLike<number>,
    ci: ArrayLike<number>,
    v: ArrayLike<number>,
  ): CsrMatrix {
    const n = ri.length;
    const count = new Int32Array(rows + 1);
    for (let k = 0; k < n; k++) count[ri[k]! + 1]!++;
    for (let r = 0; r < rows; r++) count[r + 1]! += count[r]!;
    const order = new Int32Array(n);
    const fill = count.slice(0, rows);
    for (let k = 0; k < n; k++) order[fill[ri[k]!]!++] = k;
    const indptr = new Int32Array(rows + 1);
    const idx: number[] = [];
    const val: number[] = [];
    for (let r = 0; r < rows; r++) {
      const seg = Array.from(order.subarray(count[r]!, count[r + 1]!)).sort((a, b) => ci[a]! - ci[b]!);
      for (const k of seg) {
        const c = ci[k]!;
        if (idx.length > indptr[r]! && idx[idx.length - 1] === c) val[val.length - 1]! += v[k]!;
        else {
          idx.push(c);
          val.push(v[k]!);
        }
      }
      indptr[r + 1] = idx.length;
    }
    return new CsrMatrix(rows, cols, indptr, Int32Array.from(idx), Float64Array.from(val));
  }

  static diagonal(d: ArrayLike<number>): CsrMatrix {
    const n = d.length;
    return new CsrMatrix(
      n,
      n,
      Int32Array.from({ length: n + 1 }, (_, i) => i),
      Int32Array.from({ length: n }, (_, i) => i),
      Float64Array.from(d),
    );
  }

  /** y = A x for a vector x [cols] (or, with `k` columns, a row-major [cols, k] block). */
  mul(x: Float64Array, k = 1): Float64Array {
    if (x.length !== this.cols * k)
      argError('CsrMatrix.mul', 'x', `length ${this.cols * k}`, `length ${x.length}`);
    const y = new Float64Array(this.rows * k);
    for (let r = 0; r < this.rows; r++)
      for (let p = this.indptr[r]!; p < this.indptr[r + 1]!; p++) {
        const a = this.values[p]!;
        const c = this.indices[p]!;
        if (k === 1) y[r]! += a * x[c]!;
        else for (let j = 0; j < k; j++) y[r * k + j]! += a * x[c * k + j]!;
      }
    return y;
  }

  /** αA + βB (same shape). */
  static add(a: CsrMatrix, b: CsrMatrix, alpha = 1, beta = 1): CsrMatrix {
    const ri: number[] = [];
    const ci: number[] = [];
    const v: number[] = [];
    for (const [m, s] of [
      [a, alpha],
      [b, beta],
    ] as const)
      for (let r = 0; r < m.rows; r++)
        for (let p = m.indptr[r]!; p < m.indptr[r + 1]!; p++) {
          ri.push(r);
          ci.push(m.indices[p]!);
          v.push(s * m.values[p]!);
        }
    return CsrMatrix.fromTriplets(a.rows, a.cols, ri, ci, v);
  }

  get(r: number, c: number): number {
    for (let p = this.indptr[r]!; p < this.indptr[r + 1]!; p++)
      if (this.indices[p] === c) return this.values[p]!;
    return 0;
  }

  diagonalValues(): Float64Array {
    const d = new Float64Array(Math.min(this.rows, this.cols));
    for (let r = 0; r < d.length; r++) d[r] = this.get(r, r);
    return d;
  }

  toDense(): Float64Array {
    const out = new Float64Array(this.rows * this.cols);
    for (let r = 0; r < this.rows; r++)
      for (let p = this.indptr[r]!; p < this.indptr[r + 1]!; p++)
        out[r * this.cols + this.indices[p]!]! += this.values[p]!;
    return out;
  }
}
