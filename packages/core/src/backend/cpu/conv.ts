import type { Conv2dGeometry, Pool2dGeometry } from '../kernels.js';
import { gemmNT, transposeInto } from './gemm.js';

/**
 * Convolution as GEMM over patch matrices (im2col), one image and group at a time so the patch
 * buffer stays small: rows[p, q] holds input q of the receptive field of output pixel p.
 */
function im2row(x: Float32Array, g: Conv2dGeometry, n: number, group: number, rows: Float32Array): void {
  const cg = g.inChannels / g.groups;
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, kernelHeight: KH, kernelWidth: KW } = g;
  const q = cg * KH * KW;
  for (let oy = 0; oy < OH; oy++) {
    for (let ox = 0; ox < OW; ox++) {
      let r = (oy * OW + ox) * q;
      for (let c = 0; c < cg; c++) {
        const base = (n * g.inChannels + group * cg + c) * H * W;
        for (let ky = 0; ky < KH; ky++) {
          const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
          const inside = iy >= 0 && iy < H;
          const rowBase = base + iy * W;
          for (let kx = 0; kx < KW; kx++) {
            const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
            rows[r++] = inside && ix >= 0 && ix < W ? x[rowBase + ix]! : 0;
          }
        }
      }
    }
  }
}

/** Adds patch-matrix gradients back onto the image (the adjoint of im2row). */
function row2im(rows: Float32Array, g: Conv2dGeometry, n: number, group: number, dx: Float32Array): void {
  const cg = g.inChannels / g.groups;
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, kernelHeight: KH, kernelWidth: KW } = g;
  const q = cg * KH * KW;
  for (let oy = 0; oy < OH; oy++) {
    for (let ox = 0; ox < OW; ox++) {
      let r = (oy * OW + ox) * q;
      for (let c = 0; c < cg; c++) {
        const base = (n * g.inChannels + group * cg + c) * H * W;
        for (let ky = 0; ky < KH; ky++) {
          const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
          const inside = iy >= 0 && iy < H;
          const rowBase = base + iy * W;
          for (let kx = 0; kx < KW; kx++, r++) {
            const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
            if (inside && ix >= 0 && ix < W) dx[rowBase + ix]! += rows[r]!;
          }
        }
      }
    }
  }
}

export function conv2dForward(x: Float32Array, w: Float32Array, g: Conv2dGeometry): Float32Array {
  const og = g.outChannels / g.groups;
  const q = (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth;
  const pixels = g.outHeight * g.outWidth;
  const out = new Float32Array(g.batch * g.outChannels * pixels);
  const rows = new Float32Array(pixels * q);
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      im2row(x, g, n, grp, rows);
      // out[n, grp·og + o, p] = Σ_q w[grp·og + o, q] · rows[p, q]
      gemmNT(w, grp * og * q, rows, 0, out, (n * g.outChannels + grp * og) * pixels, og, pixels, q, false);
    }
  }
  return out;
}

export function conv2dBackwardInput(dy: Float32Array, w: Float32Array, g: Conv2dGeometry): Float32Array {
  const og = g.outChannels / g.groups;
  const q = (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth;
  const pixels = g.outHeight * g.outWidth;
  const dx = new Float32Array(g.batch * g.inChannels * g.inHeight * g.inWidth);
  const drows = new Float32Array(pixels * q);
  const dyT = new Float32Array(pixels * og);
  const wT = new Float32Array(g.groups * q * og);
  for (let grp = 0; grp < g.groups; grp++) transposeInto(w, grp * og * q, og, q, wT.subarray(grp * q * og));
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      // drows[p, q] = Σ_o dy[n, o, p] · w[o, q]
      transposeInto(dy, (n * g.outChannels + grp * og) * pixels, og, pixels, dyT);
      gemmNT(dyT, 0, wT, grp * q * og, drows, 0, pixels, q, og, false);
      row2im(drows, g, n, grp, dx);
    }
  }
  return dx;
}

export function conv2dBackwardFilter(x: Float32Array, dy: Float32Array, g: Conv2dGeometry): Float32Array {
  const og = g.outChannels / g.groups;
  const q = (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth;
  const pixels = g.outHeight * g.outWidth;
  const dw = new Float32Array(g.outChannels * q);
  const rows = new Float32Array(pixels * q);
  const cols = new Float32Array(q * pixels);
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      // dw[o, q] += Σ_p dy[n, o, p] · rows[p, q]
      im2row(x, g, n, grp, rows);
      transposeInto(rows, 0, pixels, q, cols);
      gemmNT(dy, (n * g.outChannels + grp * og) * pixels, cols, 0, dw, grp * og * q, og, q, pixels, true);
    }
  }
  return dw;
}

/** Flat index of the maximum of one pooling window (padding never wins). */
function argmaxWindow(x: Float32Array, g: Pool2dGeometry, plane: number, oy: number, ox: number): number {
  const H = g.inHeight;
  const W = g.inWidth;
  let best = -1;
  let bestVal = Number.NEGATIVE_INFINITY;
  for (let ky = 0; ky < g.kernelHeight; ky++) {
    const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
    if (iy < 0 || iy >= H) continue;
    for (let kx = 0; kx < g.kernelWidth; kx++) {
      const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
      if (ix < 0 || ix >= W) continue;
      const idx = plane + iy * W + ix;
      const v = x[idx]!;
      // NaN propagates (it wins), and the first of equal maxima wins, as in PyTorch.
      if (best < 0 || v > bestVal || Number.isNaN(v)) {
        best = idx;
        bestVal = v;
        if (Number.isNaN(v)) return best;
      }
    }
  }
  return best;
}

export function maxPoolForward(x: Float32Array, g: Pool2dGeometry): Float32Array {
  const out = new Float32Array(g.batch * g.channels * g.outHeight * g.outWidth);
  let o = 0;
  for (let p = 0; p < g.batch * g.channels; p++) {
    const plane = p * g.inHeight * g.inWidth;
    for (let oy = 0; oy < g.outHeight; oy++) {
      for (let ox = 0; ox < g.outWidth; ox++) {
        // A window lying wholly in the padding (possible with dilation) sees only −∞.
        const best = argmaxWindow(x, g, plane, oy, ox);
        out[o++] = best < 0 ? Number.NEGATIVE_INFINITY : x[best]!;
      }
    }
  }
  return out;
}

export function maxPoolBackward(dy: Float32Array, x: Float32Array, g: Pool2dGeometry): Float32Array {
  const dx = new Float32Array(x.length);
  let o = 0;
  for (let p = 0; p < g.batch * g.channels; p++) {
    const plane = p * g.inHeight * g.inWidth;
    for (let oy = 0; oy < g.outHeight; oy++) {
      for (let ox = 0; ox < g.outWidth; ox++) {
        const best = argmaxWindow(x, g, plane, oy, ox);
        if (best >= 0) dx[best]! += dy[o]!;
        o++;
      }
    }
  }
  return dx;
}
