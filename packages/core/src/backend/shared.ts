/**
 * Shape and validation logic every kernel backend (cpu, gpujs, webgpu) needs in the same form, so
 * the backends agree on layouts and on the errors they throw for bad indices.
 */
import { ErlangenError } from '../errors.js';
import { type Shape, sizeOf, stridesOf } from '../shape.js';
import type { Conv2dGeometry, Pool2dGeometry } from './kernels.js';

/** [outer, axisSize, inner] around one axis: every axis kernel walks this view. */
export function around(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis]!, sizeOf(shape.slice(axis + 1))];
}

/** Throws an `ErlangenError` naming the first index outside [0, bound). */
export function checkIndices(op: string, index: Int32Array, bound: number): void {
  for (let i = 0; i < index.length; i++) {
    const v = index[i]!;
    if (v < 0 || v >= bound) {
      throw new ErlangenError(
        `${op}: argument 'index' expected values in [0, ${bound - 1}] but received ${v} at position ${i}`,
      );
    }
  }
}

/**
 * How to reduce `shape` over the sorted, non-empty `axes` as one contiguous block [outer, r, inner].
 * Axes that are not one block are first moved last: `transpose` is then the strided copy to make
 * (its output shape, and the input strides each output axis reads), and [outer, r, inner]
 * describe that copy.
 */
export function reduceLayout(
  shape: Shape,
  axes: readonly number[],
): { transpose: { shape: number[]; strides: number[] } | null; outer: number; r: number; inner: number } {
  let transpose: { shape: number[]; strides: number[] } | null = null;
  if (!axes.every((a, i) => i === 0 || a === axes[i - 1]! + 1)) {
    const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const perm = [...kept, ...axes];
    const xs = stridesOf(shape);
    transpose = { shape: perm.map((p) => shape[p]!), strides: perm.map((p) => xs[p]!) };
    shape = transpose.shape;
    axes = axes.map((_, i) => kept.length + i);
  }
  return {
    transpose,
    outer: sizeOf(shape.slice(0, axes[0])),
    r: sizeOf(shape.slice(axes[0], axes[axes.length - 1]! + 1)),
    inner: sizeOf(shape.slice(axes[axes.length - 1]! + 1)),
  };
}

/** The sliding window shared by conv and pool geometry: kernel, stride, top/left padding, dilation. */
function windowArgs(g: Conv2dGeometry | Pool2dGeometry): number[] {
  return [g.kernelHeight, g.kernelWidth, g.strideH, g.strideW, g.padTop, g.padLeft, g.dilationH, g.dilationW];
}

/**
 * The per-image conv geometry, in the argument order the gpujs and WGSL conv kernels read it:
 * [inChannels, inHeight, inWidth, outChannels, kernelHeight, kernelWidth, strideH, strideW,
 * padTop, padLeft, dilationH, dilationW, groups, outHeight, outWidth].
 */
export function conv2dGeometryArgs(g: Conv2dGeometry): number[] {
  return [
    g.inChannels,
    g.inHeight,
    g.inWidth,
    g.outChannels,
    ...windowArgs(g),
    g.groups,
    g.outHeight,
    g.outWidth,
  ];
}

/**
 * The per-plane pool geometry, in the argument order the gpujs and WGSL pool kernels read it:
 * [inHeight, inWidth, kernelHeight, kernelWidth, strideH, strideW, padTop, padLeft, dilationH,
 * dilationW, outHeight, outWidth].
 */
export function pool2dGeometryArgs(g: Pool2dGeometry): number[] {
  return [g.inHeight, g.inWidth, ...windowArgs(g), g.outHeight, g.outWidth];
}

/**
 * Merges adjacent axes that every operand walks contiguously (stride of the outer axis = stride ×
 * size of the inner one) and drops size-1 axes, so strided kernels loop over as few axes as
 * possible. `strides` holds one stride list per operand; the result may have rank 0.
 */
export function collapseAxes(
  shape: Shape,
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const s = shape[d]!;
    if (s === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((st, k) => outStrides[k]![last] === st[d]! * s)) {
      outShape[last]! *= s;
      strides.forEach((st, k) => {
        outStrides[k]![last] = st[d]!;
      });
    } else {
      outShape.push(s);
      for (const [k, st] of strides.entries()) outStrides[k]!.push(st[d]!);
    }
  }
  return { shape: outShape, strides: outStrides };
}

/** The sizes every GEMM-based conv kernel derives from its geometry. */
export interface ConvDims {
  /** groups */
  G: number;
  /** input channels per group */
  cg: number;
  /** output channels per group */
  og: number;
  /** reduction length of one output: cg · kernelHeight · kernelWidth */
  Q: number;
  /** output width */
  OW: number;
  /** output pixels per image: outHeight · outWidth */
  pixels: number;
  /** input pixels per channel: inHeight · inWidth */
  plane: number;
}

export function convDims(g: Conv2dGeometry): ConvDims {
  const G = g.groups;
  const cg = g.inChannels / G;
  return {
    G,
    cg,
    og: g.outChannels / G,
    Q: cg * g.kernelHeight * g.kernelWidth,
    OW: g.outWidth,
    pixels: g.outHeight * g.outWidth,
    plane: g.inHeight * g.inWidth,
  };
}
