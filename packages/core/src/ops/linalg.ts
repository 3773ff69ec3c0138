import { record } from '../autograd.js';
import { argError, fmtShape } from '../errors.js';
import { broadcastShapes, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { cast } from './creation.js';
import { assertTensor, sameBackend, wrap } from './util.js';

/**
 * Batched product of 3-d operands a [ba, m, k] (or [ba, k, m] when transA) and b [bb, k, n]
 * (or [bb, n, k] when transB), where ba and bb are equal or 1. Returns [max(ba, bb), m, n].
 */
export function batchedMatmul(a: Tensor, b: Tensor, transA = false, transB = false): Tensor {
  const [ba, a1, a2] = a.shape as [number, number, number];
  const [bb, b1, b2] = b.shape as [number, number, number];
  const m = transA ? a2 : a1;
  const k = transA ? a1 : a2;
  const kb = transB ? b2 : b1;
  const n = transB ? b1 : b2;
  if (k !== kb) {
    argError(
      'matmul',
      'b',
      `inner dimension ${k} to match a's ${fmtShape(a.shape)}`,
      `${fmtShape(b.shape)} (inner ${kb})`,
    );
  }
  // A batch of 1 broadcasts against the other, including against an empty batch of 0.
  const batch = ba === 1 ? bb : ba;
  const out = wrap(
    a.backend.matmul(a, b, { batch, batchA: ba, batchB: bb, m, k, n, transA, transB }),
    [batch, m, n],
    'float32',
    a.backend,
  );
  return record('matmul', out, [a, b], (dy) => {
    // dA = dY·Bᵀ and dB = Aᵀ·dY, each with the operand's own transpose flag folded in.
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (a.requiresGrad) {
      da = transA ? batchedMatmul(b, dy, transB, true) : batchedMatmul(dy, b, false, !transB);
      if (ba === 1 && batch > 1) da = da.sum(0, true);
    }
    if (b.requiresGrad) {
      db = transB ? batchedMatmul(dy, a, true, transA) : batchedMatmul(a, dy, !transA, false);
      if (bb === 1 && batch > 1) db = db.sum(0, true);
    }
    return [da, db];
  });
}

/**
 * Matrix product with NumPy/PyTorch semantics: 1-d operands are promoted (and the added axis removed),
 * leading batch dimensions broadcast. Shapes: [..., m, k] · [..., k, n] → [..., m, n].
 */
export function matmul(aIn: Tensor, bIn: Tensor): Tensor {
  assertTensor('matmul', 'a', aIn);
  assertTensor('matmul', 'b', bIn);
  sameBackend('matmul', aIn, bIn);
  if (aIn.ndim === 0 || bIn.ndim === 0) {
    argError('matmul', aIn.ndim === 0 ? 'a' : 'b', 'a tensor of at least 1 dimension', 'a scalar');
  }
  let a = aIn.dtype === 'float32' ? aIn : cast(aIn, 'float32');
  let b = bIn.dtype === 'float32' ? bIn : cast(bIn, 'float32');
  const aVec = a.ndim === 1;
  const bVec = b.ndim === 1;
  if (aVec) a = a.reshape([1, a.shape[0]!]);
  if (bVec) b = b.reshape([b.shape[0]!, 1]);
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [kb, n] = b.shape.slice(-2) as [number, number];
  if (k !== kb) {
    argError(
      'matmul',
      'b',
      `shape [..., ${k}, n] to match a ${fmtShape(aIn.shape)}`,
      `${fmtShape(bIn.shape)} (inner dimensions ${k} ≠ ${kb})`,
    );
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batchShape = broadcastShapes('matmul', batchA, batchB);
  const flatBatch = (t: Tensor, own: readonly number[], rows: number, cols: number): Tensor => {
    // A batch of one needs no copy: the kernel broadcasts it.
    if (sizeOf(own) === 1) return t.reshape([1, rows, cols]);
    const full = own.length === batchShape.length && own.every((d, i) => d === batchShape[i]);
    const e = full ? t : t.expand([...batchShape, rows, cols]);
    return e.reshape([sizeOf(batchShape), rows, cols]);
  };
  const out3 = batchedMatmul(flatBatch(a, batchA, m, k), flatBatch(b, batchB, k, n));
  let outShape = [...batchShape, m, n];
  if (aVec) outShape = outShape.filter((_, i) => i !== outShape.length - 2);
  if (bVec) outShape = outShape.slice(0, -1);
  return out3.reshape(outShape);
}

/** Batched matmul with explicit transposes, no broadcasting: [b, m, k]·[b, k, n] (bmm). */
export function bmm(a: Tensor, b: Tensor, opts: { transA?: boolean; transB?: boolean } = {}): Tensor {
  assertTensor('bmm', 'a', a);
  assertTensor('bmm', 'b', b);
  sameBackend('bmm', a, b);
  if (a.ndim !== 3) argError('bmm', 'a', 'a 3-d tensor [batch, m, k]', fmtShape(a.shape));
  if (b.ndim !== 3) argError('bmm', 'b', 'a 3-d tensor [batch, k, n]', fmtShape(b.shape));
  if (a.shape[0] !== b.shape[0] && a.shape[0] !== 1 && b.shape[0] !== 1) {
    argError('bmm', 'b', `batch ${a.shape[0]} (or 1) to match a`, `batch ${b.shape[0]}`);
  }
  return batchedMatmul(
    a.dtype === 'float32' ? a : cast(a, 'float32'),
    b.dtype === 'float32' ? b : cast(b, 'float32'),
    !!opts.transA,
    !!opts.transB,
  );
}
