import { type DType, type TypedArray, typedArrayFor } from '../../dtype.js';
import { bitsToNormal, bitsToUniform, threefry2x32 } from '../../random.js';
import { type Shape, sizeOf, stridesOf } from '../../shape.js';
import type {
  ArgReduceOp,
  Backend,
  BinaryOp,
  Conv2dGeometry,
  DataId,
  MatmulGeometry,
  Pool2dGeometry,
  ReduceOp,
  TensorInfo,
  UnaryOp,
} from '../kernels.js';
import { around, checkIndices, reduceLayout } from '../shared.js';
import {
  conv2dBackwardFilter,
  conv2dBackwardInput,
  conv2dForward,
  maxPoolBackward,
  maxPoolForward,
} from './conv.js';
import { binaryKernel, unaryKernel, whereKernel } from './elementwise.js';
import { gemmNT, transposeInto } from './gemm.js';

const arr = (t: TensorInfo): TypedArray => t.id as TypedArray;
const f32 = (t: TensorInfo): Float32Array => t.id as Float32Array;

/** The reference backend: TypeScript loops over typed arrays; storage is the typed array itself. */
export class CpuBackend implements Backend {
  readonly name: string = 'cpu';
  readonly canReadSync: boolean = true;

  upload(values: TypedArray, dtype: DType): DataId {
    const out = typedArrayFor(dtype, values.length);
    out.set(values);
    return out;
  }
  async read(id: DataId): Promise<TypedArray> {
    return this.readSync(id);
  }
  readSync(id: DataId): TypedArray {
    return (id as TypedArray).slice();
  }
  release(): void {
    // Typed arrays are garbage-collected once no tensor references them.
  }

  fill(shape: Shape, value: number, dtype: DType): DataId {
    const out = typedArrayFor(dtype, sizeOf(shape));
    if (value !== 0) out.fill(value);
    return out;
  }

  arange(start: number, step: number, size: number, dtype: DType): DataId {
    const out = typedArrayFor(dtype, size);
    for (let i = 0; i < size; i++) out[i] = start + i * step;
    return out;
  }

  copyStrided(x: TensorInfo, outShape: Shape, strides: readonly number[], offset: number): DataId {
    const src = arr(x);
    const out = typedArrayFor(x.dtype, sizeOf(outShape));
    const nd = outShape.length;
    if (out.length === 0) return out;
    if (nd === 0) {
      out[0] = src[offset]!;
      return out;
    }
    const inner = outShape[nd - 1]!;
    const si = strides[nd - 1]!;
    const idx = new Array<number>(nd).fill(0);
    let base = offset;
    for (let o = 0; o < out.length; o += inner) {
      if (si === 1) out.set(src.subarray(base, base + inner), o);
      else for (let j = 0, p = base; j < inner; j++, p += si) out[o + j] = src[p]!;
      for (let d = nd - 2; d >= 0; d--) {
        idx[d]!++;
        base += strides[d]!;
        if (idx[d]! < outShape[d]!) break;
        base -= strides[d]! * outShape[d]!;
        idx[d] = 0;
      }
    }
    return out;
  }

  cast(x: TensorInfo, dtype: DType): DataId {
    const src = arr(x);
    const out = typedArrayFor(dtype, src.length);
    if (dtype === 'bool') for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
    else if (dtype === 'int32') for (let i = 0; i < src.length; i++) out[i] = Math.trunc(src[i]!);
    else out.set(src);
    return out;
  }

  pad(x: TensorInfo, pads: readonly (readonly [number, number])[], value: number): DataId {
    const outShape = x.shape.map((d, i) => d + pads[i]![0] + pads[i]![1]);
    const out = typedArrayFor(x.dtype, sizeOf(outShape));
    if (value !== 0) out.fill(value);
    // Copy the overlap of input and output, wherever negative pads crop.
    const lo = x.shape.map((_, i) => Math.max(0, -pads[i]![0]));
    const hi = x.shape.map((d, i) => Math.min(d, d + pads[i]![1]));
    const region = lo.map((l, i) => Math.max(0, hi[i]! - l));
    if (sizeOf(region) === 0) return out;
    const xs = stridesOf(x.shape);
    const os = stridesOf(outShape);
    let srcOff = 0;
    let dstOff = 0;
    lo.forEach((l, i) => {
      srcOff += l * xs[i]!;
      dstOff += (l + pads[i]![0]) * os[i]!;
    });
    const src = arr(x);
    const nd = region.length;
    const inner = region[nd - 1]!;
    const idx = new Array<number>(nd).fill(0);
    const total = sizeOf(region);
    for (let done = 0; done < total; done += inner) {
      out.set(src.subarray(srcOff, srcOff + inner), dstOff);
      for (let d = nd - 2; d >= 0; d--) {
        idx[d]!++;
        srcOff += xs[d]!;
        dstOff += os[d]!;
        if (idx[d]! < region[d]!) break;
        srcOff -= xs[d]! * region[d]!;
        dstOff -= os[d]! * region[d]!;
        idx[d] = 0;
      }
    }
    return out;
  }

  concat(xs: readonly TensorInfo[], axis: number, outShape: Shape): DataId {
    const out = typedArrayFor(xs[0]!.dtype, sizeOf(outShape));
    const [outer, , inner] = around(outShape, axis);
    const rowOut = outShape[axis]! * inner;
    let colOff = 0;
    for (const t of xs) {
      const src = arr(t);
      const row = t.shape[axis]! * inner;
      for (let o = 0; o < outer; o++) out.set(src.subarray(o * row, (o + 1) * row), o * rowOut + colOff);
      colOff += row;
    }
    return out;
  }

  unary(op: UnaryOp, x: TensorInfo, outDtype: DType): DataId {
    const out = typedArrayFor(outDtype, sizeOf(x.shape));
    unaryKernel(op, arr(x), out);
    return out;
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, outShape: Shape, outDtype: DType): DataId {
    const out = typedArrayFor(outDtype, sizeOf(outShape));
    binaryKernel(op, arr(a), a.shape, arr(b), b.shape, outShape, out);
    return out;
  }

  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo, outShape: Shape): DataId {
    const out = typedArrayFor(a.dtype, sizeOf(outShape));
    whereKernel(arr(cond), cond.shape, arr(a), a.shape, arr(b), b.shape, outShape, out);
    return out;
  }

  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): DataId {
    let src = arr(x);
    if (axes.length === 0) return src.slice();
    // Reduce one contiguous block of axes: [outer, r, inner]. Other layouts move the axes last first.
    const { transpose, outer, r, inner } = reduceLayout(x.shape, axes);
    if (transpose) src = this.copyStrided(x, transpose.shape, transpose.strides, 0) as TypedArray;
    const out = typedArrayFor(x.dtype, outer * inner);
    const acc = new Float64Array(inner);
    const init =
      op === 'sum'
        ? 0
        : op === 'prod'
          ? 1
          : op === 'max'
            ? Number.NEGATIVE_INFINITY
            : Number.POSITIVE_INFINITY;
    for (let o = 0; o < outer; o++) {
      const base = o * r * inner;
      if (inner === 1) {
        let s = init;
        const end = base + r;
        if (op === 'sum') for (let p = base; p < end; p++) s += src[p]!;
        else if (op === 'max') for (let p = base; p < end; p++) s = reduceMax(s, src[p]!);
        else if (op === 'min') for (let p = base; p < end; p++) s = reduceMin(s, src[p]!);
        else for (let p = base; p < end; p++) s *= src[p]!;
        out[o] = s;
        continue;
      }
      acc.fill(init);
      for (let k = 0; k < r; k++) {
        const row = base + k * inner;
        if (op === 'sum') for (let i = 0; i < inner; i++) acc[i]! += src[row + i]!;
        else if (op === 'max') for (let i = 0; i < inner; i++) acc[i] = reduceMax(acc[i]!, src[row + i]!);
        else if (op === 'min') for (let i = 0; i < inner; i++) acc[i] = reduceMin(acc[i]!, src[row + i]!);
        else for (let i = 0; i < inner; i++) acc[i]! *= src[row + i]!;
      }
      for (let i = 0; i < inner; i++) out[o * inner + i] = acc[i]!;
    }
    return out;
  }

  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number): DataId {
    const src = arr(x);
    const [outer, r, inner] = around(x.shape, axis);
    const out = new Int32Array(outer * inner);
    const better = op === 'argmax' ? (v: number, b: number) => v > b : (v: number, b: number) => v < b;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * r * inner + i;
        let best = 0;
        let bestVal = src[base]!;
        for (let k = 1; k < r && !Number.isNaN(bestVal); k++) {
          const v = src[base + k * inner]!;
          if (better(v, bestVal) || Number.isNaN(v)) {
            best = k;
            bestVal = v;
          }
        }
        out[o * inner + i] = best;
      }
    }
    return out;
  }

  logSumExp(x: TensorInfo, axis: number): DataId {
    const src = arr(x);
    const [outer, r, inner] = around(x.shape, axis);
    const out = new Float32Array(outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * r * inner + i;
        let m = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < r; k++) m = reduceMax(m, src[base + k * inner]!);
        if (!Number.isFinite(m)) {
          out[o * inner + i] = m;
          continue;
        }
        let s = 0;
        for (let k = 0; k < r; k++) s += Math.exp(src[base + k * inner]! - m);
        out[o * inner + i] = m + Math.log(s);
      }
    }
    return out;
  }

  cumsum(x: TensorInfo, axis: number, exclusive: boolean, reverse: boolean): DataId {
    const src = arr(x);
    const [outer, r, inner] = around(x.shape, axis);
    const out = typedArrayFor(x.dtype, src.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * r * inner + i;
        let s = 0;
        for (let t = 0; t < r; t++) {
          const k = reverse ? r - 1 - t : t;
          const p = base + k * inner;
          if (exclusive) {
            out[p] = s;
            s += src[p]!;
          } else {
            s += src[p]!;
            out[p] = s;
          }
        }
      }
    }
    return out;
  }

  matmul(a: TensorInfo, b: TensorInfo, g: MatmulGeometry): DataId {
    const { batch, m, k, n } = g;
    const A = f32(a);
    const B = f32(b);
    const out = new Float32Array(batch * m * n);
    // The kernel wants A as [m, k] and B as [n, k] (k innermost); pack whichever is not.
    const entryOfA = kInnermostEntries(A, m, k, g.transA);
    const entryOfB = kInnermostEntries(B, n, k, !g.transB);
    for (let i = 0; i < batch; i++) {
      const [aArr, aOff] = entryOfA(g.batchA === 1 ? 0 : i);
      const [bArr, bOff] = entryOfB(g.batchB === 1 ? 0 : i);
      gemmNT(aArr, aOff, bArr, bOff, out, i * m * n, m, n, k, false);
    }
    return out;
  }

  conv2d(x: TensorInfo, w: TensorInfo, g: Conv2dGeometry): DataId {
    return conv2dForward(f32(x), f32(w), g);
  }
  conv2dGradInput(dy: TensorInfo, w: TensorInfo, g: Conv2dGeometry): DataId {
    return conv2dBackwardInput(f32(dy), f32(w), g);
  }
  conv2dGradFilter(x: TensorInfo, dy: TensorInfo, g: Conv2dGeometry): DataId {
    return conv2dBackwardFilter(f32(x), f32(dy), g);
  }
  maxPool2d(x: TensorInfo, g: Pool2dGeometry): DataId {
    return maxPoolForward(f32(x), g);
  }
  maxPool2dGrad(dy: TensorInfo, x: TensorInfo, g: Pool2dGeometry): DataId {
    return maxPoolBackward(f32(dy), f32(x), g);
  }

  indexSelect(x: TensorInfo, index: TensorInfo, axis: number): DataId {
    const src = arr(x);
    const idx = index.id as Int32Array;
    const [outer, r, inner] = around(x.shape, axis);
    checkIndices('indexSelect', idx, r);
    const e = idx.length;
    const out = typedArrayFor(x.dtype, outer * e * inner);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < e; j++) {
        const from = (o * r + idx[j]!) * inner;
        const to = (o * e + j) * inner;
        if (inner === 1) out[to] = src[from]!;
        else out.set(src.subarray(from, from + inner), to);
      }
    }
    return out;
  }

  indexAdd(srcInfo: TensorInfo, index: TensorInfo, axis: number, dimSize: number): DataId {
    const src = arr(srcInfo);
    const idx = index.id as Int32Array;
    checkIndices('indexAdd', idx, dimSize);
    const [outer, e, inner] = around(srcInfo.shape, axis);
    const out = typedArrayFor(srcInfo.dtype, outer * dimSize * inner);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < e; j++) {
        const to = (o * dimSize + idx[j]!) * inner;
        const from = (o * e + j) * inner;
        for (let i = 0; i < inner; i++) out[to + i]! += src[from + i]!;
      }
    }
    return out;
  }

  gather(x: TensorInfo, index: TensorInfo, axis: number): DataId {
    const src = arr(x);
    const idx = index.id as Int32Array;
    checkIndices('gather', idx, x.shape[axis]!);
    const out = typedArrayFor(x.dtype, idx.length);
    const xs = stridesOf(x.shape);
    walkIndex(index.shape, (pos, coords) => {
      let off = 0;
      for (let d = 0; d < coords.length; d++) off += (d === axis ? idx[pos]! : coords[d]!) * xs[d]!;
      out[pos] = src[off]!;
    });
    return out;
  }

  scatterAdd(srcInfo: TensorInfo, index: TensorInfo, axis: number, outShape: Shape): DataId {
    const src = arr(srcInfo);
    const idx = index.id as Int32Array;
    checkIndices('scatterAdd', idx, outShape[axis]!);
    const out = typedArrayFor(srcInfo.dtype, sizeOf(outShape));
    const os = stridesOf(outShape);
    walkIndex(index.shape, (pos, coords) => {
      let off = 0;
      for (let d = 0; d < coords.length; d++) off += (d === axis ? idx[pos]! : coords[d]!) * os[d]!;
      out[off]! += src[pos]!;
    });
    return out;
  }

  random(kind: 'uniform' | 'normal', size: number, key: readonly [number, number], stream: number): DataId {
    const out = new Float32Array(size);
    const bits = new Uint32Array(2);
    for (let i = 0; i < size; i++) {
      threefry2x32(key[0], key[1], i, stream, bits);
      out[i] = kind === 'uniform' ? bitsToUniform(bits[0]!) : bitsToNormal(bits[0]!, bits[1]!);
    }
    return out;
  }
}

function reduceMax(a: number, b: number): number {
  return a > b || Number.isNaN(a) ? a : b;
}
function reduceMin(a: number, b: number): number {
  return a < b || Number.isNaN(a) ? a : b;
}

/** Calls fn(flatPosition, coordinates) for every element of `shape` in row-major order. */
function walkIndex(shape: Shape, fn: (pos: number, coords: number[]) => void): void {
  const total = sizeOf(shape);
  const coords = new Array<number>(shape.length).fill(0);
  for (let pos = 0; pos < total; pos++) {
    fn(pos, coords);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++coords[d]! < shape[d]!) break;
      coords[d] = 0;
    }
  }
}

/**
 * Batch entry e of a GEMM operand as [array, offset] of an [outer, k] row-major block (k innermost):
 * in place when `src` is stored [batch, outer, k]; when it is stored [batch, k, outer]
 * (`transposed`), packed into one reused buffer, and only when e changes, so a broadcast (batch-1)
 * operand is packed once, not once per batch entry.
 */
function kInnermostEntries(
  src: Float32Array,
  outer: number,
  k: number,
  transposed: boolean,
): (e: number) => [Float32Array, number] {
  if (!transposed) return (e) => [src, e * outer * k];
  const packed = new Float32Array(outer * k);
  let packedEntry = -1;
  return (e) => {
    if (e !== packedEntry) transposeInto(src, e * outer * k, k, outer, packed);
    packedEntry = e;
    return [packed, 0];
  };
}
