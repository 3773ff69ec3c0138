import { record } from '../autograd.js';
import type { Conv2dGeometry, Pool2dGeometry } from '../backend/kernels.js';
import { argError, ErlangenError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { full } from './creation.js';
import { assertDType, assertTensor, pair, sameBackend, wrap } from './util.js';

export type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  stride?: Pair;
  /** Zero padding per side, or 'same' (stride 1; extra goes after, as PyTorch) or 'valid'. */
  padding?: Pair | 'same' | 'valid';
  dilation?: Pair;
  groups?: number;
}

function outSize(
  op: string,
  inSize: number,
  k: number,
  stride: number,
  padBefore: number,
  padTotal: number,
  dil: number,
) {
  const eff = dil * (k - 1) + 1;
  const out = Math.floor((inSize + padTotal - eff) / stride) + 1;
  if (out <= 0) {
    argError(
      op,
      'x',
      `a spatial size ≥ the dilated kernel (${eff}) after padding`,
      `size ${inSize} with padding ${padBefore}`,
    );
  }
  return out;
}

/** Geometry of conv2d; `op` is the public op (conv1d runs as a conv2d of height 1) for messages. */
function conv2dGeometry(op: string, x: Tensor, w: Tensor, opts: Conv2dOptions): Conv2dGeometry {
  if (x.ndim !== 4) argError(op, 'x', 'a 4-d tensor [batch, inChannels, height, width]', fmtShape(x.shape));
  if (w.ndim !== 4)
    argError(op, 'weight', 'a 4-d tensor [outChannels, inChannels/groups, kh, kw]', fmtShape(w.shape));
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) argError(op, 'groups', 'a positive integer', `${groups}`);
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const [o, cg, kh, kw] = w.shape as [number, number, number, number];
  if (c % groups !== 0 || o % groups !== 0) {
    argError(op, 'groups', `a divisor of inChannels (${c}) and outChannels (${o})`, `${groups}`);
  }
  if (cg * groups !== c) {
    const expected = op === 'conv1d' ? `[${o}, ${c / groups}, k]` : `[${o}, ${c / groups}, kh, kw]`;
    const received = op === 'conv1d' ? fmtShape([o, cg, kw]) : fmtShape(w.shape);
    argError(op, 'weight', `shape ${expected} for x with ${c} channels and groups=${groups}`, received);
  }
  const [sh, sw] = pair(op, 'stride', opts.stride ?? 1, 1);
  const [dh, dw] = pair(op, 'dilation', opts.dilation ?? 1, 1);
  let padTop: number;
  let padLeft: number;
  let totalH: number;
  let totalW: number;
  const p = opts.padding ?? 0;
  if (p === 'valid') {
    padTop = padLeft = totalH = totalW = 0;
  } else if (p === 'same') {
    if (sh !== 1 || sw !== 1)
      argError(op, 'padding', "stride 1 with padding 'same'", `stride [${sh}, ${sw}]`);
    totalH = dh * (kh - 1);
    totalW = dw * (kw - 1);
    padTop = Math.floor(totalH / 2);
    padLeft = Math.floor(totalW / 2);
  } else {
    [padTop, padLeft] = pair(op, 'padding', p, 0);
    totalH = 2 * padTop;
    totalW = 2 * padLeft;
  }
  return {
    batch: n,
    inChannels: c,
    inHeight: h,
    inWidth: wd,
    outChannels: o,
    kernelHeight: kh,
    kernelWidth: kw,
    strideH: sh,
    strideW: sw,
    padTop,
    padLeft,
    dilationH: dh,
    dilationW: dw,
    groups,
    outHeight: outSize(op, h, kh, sh, padTop, totalH, dh),
    outWidth: outSize(op, wd, kw, sw, padLeft, totalW, dw),
  };
}

/**
 * 2-D cross-correlation (PyTorch's conv2d). Shapes: x [batch, inChannels, h, w],
 * weight [outChannels, inChannels/groups, kh, kw], bias [outChannels] → [batch, outChannels, outH, outW].
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  return conv2dAs('conv2d', x, weight, bias, opts);
}

function conv2dAs(
  op: string,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  opts: Conv2dOptions,
): Tensor {
  assertTensor(op, 'x', x);
  assertTensor(op, 'weight', weight);
  assertDType(op, 'x', x, ['float32']);
  assertDType(op, 'weight', weight, ['float32']);
  sameBackend(op, x, weight);
  if (bias !== undefined && bias !== null) assertTensor(op, 'bias', bias);
  const g = conv2dGeometry(op, x, weight, opts);
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== g.outChannels)) {
    argError(op, 'bias', `shape [${g.outChannels}]`, fmtShape(bias.shape));
  }
  const out = convForward(x, weight, g);
  return bias ? out.add(bias.reshape([1, g.outChannels, 1, 1])) : out;
}

/*
 * The three convolution kernels are bilinear, and each one's gradient is made of the other two, so
 * recording them this way makes conv2d differentiable to any order (gradient penalties, Hessians):
 *   y  = conv(x, w)        dx = gradInput(dy, w)     dw = gradFilter(x, dy)
 */
function convForward(x: Tensor, w: Tensor, g: Conv2dGeometry): Tensor {
  const shape = [g.batch, g.outChannels, g.outHeight, g.outWidth];
  const y = wrap(x.backend.conv2d(x, w, g), shape, 'float32', x.backend);
  return record('conv2d', y, [x, w], (dy) => [
    x.requiresGrad ? convGradInput(dy, w, g) : null,
    w.requiresGrad ? convGradFilter(x, dy, g) : null,
  ]);
}

function convGradInput(dy: Tensor, w: Tensor, g: Conv2dGeometry): Tensor {
  const shape = [g.batch, g.inChannels, g.inHeight, g.inWidth];
  const dx = wrap(dy.backend.conv2dGradInput(dy, w, g), shape, 'float32', dy.backend);
  return record('conv2dGradInput', dx, [dy, w], (v) => [
    dy.requiresGrad ? convForward(v, w, g) : null,
    w.requiresGrad ? convGradFilter(v, dy, g) : null,
  ]);
}

function convGradFilter(x: Tensor, dy: Tensor, g: Conv2dGeometry): Tensor {
  const shape = [g.outChannels, g.inChannels / g.groups, g.kernelHeight, g.kernelWidth];
  const dw = wrap(x.backend.conv2dGradFilter(x, dy, g), shape, 'float32', x.backend);
  return record('conv2dGradFilter', dw, [x, dy], (u) => [
    x.requiresGrad ? convGradInput(dy, u, g) : null,
    dy.requiresGrad ? convForward(x, u, g) : null,
  ]);
}

export interface Conv1dOptions {
  stride?: number;
  padding?: number | 'same' | 'valid';
  dilation?: number;
  groups?: number;
}

/** 1-D cross-correlation. Shapes: x [batch, inChannels, length], weight [out, in/groups, k] → [batch, out, outLength]. */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv1dOptions = {}): Tensor {
  assertTensor('conv1d', 'x', x);
  assertTensor('conv1d', 'weight', weight);
  if (x.ndim !== 3) argError('conv1d', 'x', 'a 3-d tensor [batch, inChannels, length]', fmtShape(x.shape));
  if (weight.ndim !== 3)
    argError('conv1d', 'weight', 'a 3-d tensor [outChannels, inChannels/groups, k]', fmtShape(weight.shape));
  const p = opts.padding ?? 0;
  const y = conv2dAs('conv1d', x.unsqueeze(2), weight.unsqueeze(2), bias, {
    stride: [1, opts.stride ?? 1],
    padding: typeof p === 'number' ? [0, p] : p,
    dilation: [1, opts.dilation ?? 1],
    groups: opts.groups ?? 1,
  });
  return y.squeeze(2);
}

export interface Pool2dOptions {
  /** Defaults to the kernel size. */
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
}

function poolGeometry(op: string, x: Tensor, kernelSize: Pair, opts: Pool2dOptions): Pool2dGeometry {
  if (x.ndim !== 4) argError(op, 'x', 'a 4-d tensor [batch, channels, height, width]', fmtShape(x.shape));
  const [kh, kw] = pair(op, 'kernelSize', kernelSize, 1);
  const [sh, sw] = pair(op, 'stride', opts.stride ?? [kh, kw], 1);
  const [ph, pw] = pair(op, 'padding', opts.padding ?? 0, 0);
  const [dh, dw] = pair(op, 'dilation', opts.dilation ?? 1, 1);
  if (ph > kh / 2 || pw > kw / 2)
    argError(op, 'padding', `at most half the kernel size [${kh}, ${kw}]`, `[${ph}, ${pw}]`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  return {
    batch: n,
    channels: c,
    inHeight: h,
    inWidth: w,
    kernelHeight: kh,
    kernelWidth: kw,
    strideH: sh,
    strideW: sw,
    padTop: ph,
    padLeft: pw,
    dilationH: dh,
    dilationW: dw,
    outHeight: outSize(op, h, kh, sh, ph, 2 * ph, dh),
    outWidth: outSize(op, w, kw, sw, pw, 2 * pw, dw),
  };
}

/** Max over windows. Shapes: [batch, channels, h, w] → [batch, channels, outH, outW]. */
export function maxPool2d(x: Tensor, kernelSize: Pair, opts: Pool2dOptions = {}): Tensor {
  assertTensor('maxPool2d', 'x', x);
  assertDType('maxPool2d', 'x', x, ['float32']);
  const g = poolGeometry('maxPool2d', x, kernelSize, opts);
  const shape = [g.batch, g.channels, g.outHeight, g.outWidth];
  const y = wrap(x.backend.maxPool2d(x, g), shape, 'float32', x.backend);
  return record('maxPool2d', y, [x], (dy) => {
    const dx = wrap(x.backend.maxPool2dGrad(dy, x, g), x.shape, 'float32', x.backend);
    // No kernel gathers at the argmax yet, so a second derivative through dy cannot be formed:
    // fail if one is asked for rather than silently treating dx as a constant.
    return [
      record('maxPool2dGrad', dx, [dy], () => {
        throw new ErlangenError(
          'maxPool2d: second-order gradients through maxPool2d are not supported yet (its gradient is not differentiable with respect to the incoming gradient)',
        );
      }),
    ];
  });
}

/**
 * Mean over windows, zero padding counted in the divisor (PyTorch's default count_include_pad).
 * Composed as a depthwise convolution, so its gradient comes from conv2d's.
 */
export function avgPool2d(x: Tensor, kernelSize: Pair, opts: Omit<Pool2dOptions, 'dilation'> = {}): Tensor {
  assertTensor('avgPool2d', 'x', x);
  assertDType('avgPool2d', 'x', x, ['float32']);
  const g = poolGeometry('avgPool2d', x, kernelSize, opts);
  const weight = full([g.channels, 1, g.kernelHeight, g.kernelWidth], 1 / (g.kernelHeight * g.kernelWidth));
  const w = weight.backend === x.backend ? weight : weight.to(x.backend.name);
  return conv2d(x, w, null, {
    stride: [g.strideH, g.strideW],
    padding: [g.padTop, g.padLeft],
    groups: g.channels,
  });
}

/** Mean over all spatial positions: [batch, channels, h, w] → [batch, channels]. */
export function globalAvgPool2d(x: Tensor): Tensor {
  assertTensor('globalAvgPool2d', 'x', x);
  if (x.ndim !== 4)
    argError('globalAvgPool2d', 'x', 'a 4-d tensor [batch, channels, height, width]', fmtShape(x.shape));
  return x.mean([2, 3]);
}
