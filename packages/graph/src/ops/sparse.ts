/**
 * Sparse matrices in COO form with a product by dense matrices composed of core's gather
 * (`indexSelect`) and scatter-add (`indexAdd`) kernels, so it runs and differentiates on every
 * backend. Bag-of-words node features (Cora: 1.3% non-zero) multiply a weight matrix this way at a
 * fraction of the dense cost.
 */
import { indexAdd, nn, Tensor, tensor } from '@erlangen/core';
import { argError, fmtShape } from '../errors.js';

export class SparseMatrix {
  /** Shape [rows, cols]. */
  readonly shape: readonly [number, number];
  /** int32 [nnz] row of each stored entry. */
  readonly rows: Tensor;
  /** int32 [nnz] column of each stored entry. */
  readonly cols: Tensor;
  /** float32 [nnz] value of each stored entry. */
  readonly values: Tensor;

  constructor(rows: Tensor, cols: Tensor, values: Tensor, shape: readonly [number, number]) {
    const nnz = rows.shape[0];
    for (const [arg, t, dt] of [
      ['rows', rows, 'int32'],
      ['cols', cols, 'int32'],
      ['values', values, 'float32'],
    ] as const) {
      if (!(t instanceof Tensor)) argError('SparseMatrix', arg, 'a Tensor', String(t));
      if (t.dtype !== dt || t.ndim !== 1 || t.shape[0] !== nnz)
        argError('SparseMatrix', arg, `a ${dt} tensor of shape [${nnz}]`, `${t.dtype} ${fmtShape(t.shape)}`);
    }
    this.rows = rows;
    this.cols = cols;
    this.values = values;
    this.shape = [shape[0], shape[1]];
  }

  get nnz(): number {
    return this.values.shape[0]!;
  }

  /** From CSR arrays (indptr [R + 1], indices [nnz], values [nnz] or all ones). */
  static fromCsr(
    indptr: Int32Array,
    indices: Int32Array,
    shape: readonly [number, number],
    values?: Float32Array,
  ): SparseMatrix {
    const r = indptr.length - 1;
    if (r !== shape[0])
      argError('SparseMatrix.fromCsr', 'indptr', `length ${shape[0] + 1}`, `length ${indptr.length}`);
    const rows = new Int32Array(indices.length);
    for (let i = 0; i < r; i++) rows.fill(i, indptr[i]!, indptr[i + 1]!);
    for (let k = 0; k < indices.length; k++) {
      if (indices[k]! < 0 || indices[k]! >= shape[1])
        argError(
          'SparseMatrix.fromCsr',
          'indices',
          `columns in [0, ${shape[1] - 1}]`,
          `${indices[k]} at ${k}`,
        );
    }
    const v = values ?? new Float32Array(indices.length).fill(1);
    return new SparseMatrix(
      tensor(rows, [rows.length], 'int32'),
      tensor(indices, [indices.length], 'int32'),
      tensor(v, [v.length]),
      shape,
    );
  }

  /** The same pattern with new values [nnz]. */
  withValues(values: Tensor): SparseMatrix {
    return new SparseMatrix(this.rows, this.cols, values, this.shape);
  }

  /** Each row scaled to sum 1 (PyG's NormalizeFeatures); empty rows stay 0. */
  rowNormalized(): SparseMatrix {
    const rowSums = indexAdd(this.values, 0, this.rows, this.shape[0]).maximum(1e-30);
    return this.withValues(this.values.div(rowSums.indexSelect(0, this.rows)));
  }

  /** The dense [rows, cols] float32 matrix (duplicates summed). */
  toDense(): Tensor {
    const flat = this.rows.mul(this.shape[1]).add(this.cols);
    return indexAdd(this.values, 0, flat, this.shape[0] * this.shape[1]).reshape([
      this.shape[0],
      this.shape[1],
    ]);
  }

  dispose(): void {
    this.rows.dispose();
    this.cols.dispose();
    this.values.dispose();
  }
}

/**
 * A·B for sparse A [R, C] and dense B [C, F]: out[r] = Σ_k A[r, k]·B[k], as a gather of B's rows per
 * stored entry and a scatter-add into rows. Differentiable in B and in A's values.
 */
export function spmm(a: SparseMatrix, b: Tensor): Tensor {
  if (!(a instanceof SparseMatrix)) argError('spmm', 'a', 'a SparseMatrix', String(a));
  if (!(b instanceof Tensor) || b.ndim !== 2 || b.shape[0] !== a.shape[1])
    argError(
      'spmm',
      'b',
      `a dense matrix [${a.shape[1]}, F]`,
      b instanceof Tensor ? fmtShape(b.shape) : String(b),
    );
  const gathered = b.indexSelect(0, a.cols).mul(a.values.unsqueeze(-1));
  return indexAdd(gathered, 0, a.rows, a.shape[0]);
}

/** Dropout on the stored values (the zeros stay zero), as dropout on the dense matrix would do. */
export function sparseDropout(a: SparseMatrix, p: number, training: boolean): SparseMatrix {
  if (!training || p === 0) return a;
  return a.withValues(nn.functional.dropout(a.values, p, training));
}

/** x·Wᵀ (+ b) of a Linear for dense or sparse x: [N, in] → [N, out]. */
export function linearOf(lin: nn.Linear, x: Tensor | SparseMatrix): Tensor {
  if (!(x instanceof SparseMatrix)) return lin.forward(x);
  const out = spmm(x, lin.weight.transpose(0, 1));
  return lin.bias ? out.add(lin.bias) : out;
}
