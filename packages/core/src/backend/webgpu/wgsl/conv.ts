import { elementwiseShader } from './common.js';

/**
 * Direct convolution and max pooling (no im2col buffer). Conv params: [n, batch, inC, inH, inW,
 * outC, kH, kW, strideH, strideW, padTop, padLeft, dilH, dilW, groups, outH, outW, (filter gradient
 * only) perImage].
 *
 * The forward and input-gradient kernels are register-blocked over channels: a thread computes
 * CONV_BLOCK (4) channels of one pixel, so each input value it loads feeds four FMAs and the index
 * arithmetic is shared. Channel blocks never straddle groups; a group's last block may be partial
 * (its extra lanes read a valid weight and are not stored).
 */
export const CONV_BLOCK = 4;

const GEOM = `  let B = pu(1u); let C = pu(2u); let H = i32(pu(3u)); let W = i32(pu(4u));
  let O = pu(5u); let KH = pu(6u); let KW = pu(7u); let SH = i32(pu(8u)); let SW = i32(pu(9u));
  let PT = i32(pu(10u)); let PL = i32(pu(11u)); let DH = i32(pu(12u)); let DW = i32(pu(13u));
  let G = pu(14u); let OH = pu(15u); let OW = pu(16u);
  let cg = C / G; let og = O / G;`;

/**
 * WGSL: stores the block's accumulator s (vec4) at out[at + lane · stride] for its valid lanes
 * (a partial last block computes, but does not store, its extra lanes).
 */
function storeLanes(stride: string): string {
  return `  out[at] = s.x;
  if (lanes > 1u) { out[at + ${stride}] = s.y; }
  if (lanes > 2u) { out[at + 2u * ${stride}] = s.z; }
  if (lanes > 3u) { out[at + 3u * ${stride}] = s.w; }`;
}

/** WGSL: `let <name>1 … <name>3`, lanes 1–3's offsets in `unit`s (a partial block repeats its last valid lane). */
function laneOffsets(name: string, unit: string): string {
  return `  let ${name}1 = min(1u, lanes - 1u) * ${unit};
  let ${name}2 = min(2u, lanes - 1u) * ${unit};
  let ${name}3 = min(3u, lanes - 1u) * ${unit};`;
}

/** Thread i = (n, group, block of 4 output channels, oy, ox); n = batch · groups · ⌈og/4⌉ · outH · outW. */
export function conv2dShader(): string {
  return elementwiseShader(
    [
      { name: 'x', type: 'f32' },
      { name: 'w', type: 'f32' },
    ],
    { name: 'out', type: 'f32' },
    '',
    `${GEOM}
  let blocks = (og + 3u) / 4u;
  let ox = i % OW;
  let oy = (i / OW) % OH;
  let blk = (i / (OW * OH)) % (G * blocks);
  let n = i / (OW * OH * G * blocks);
  let grp = blk / blocks;
  let o0 = grp * og + (blk % blocks) * 4u;
  let lanes = min(4u, grp * og + og - o0);
  // Weight rows of the four channels (a partial block repeats its last valid row).
  let kk = cg * KH * KW;
  let w0 = o0 * kk;
  let w1 = (o0 + min(1u, lanes - 1u)) * kk;
  let w2 = (o0 + min(2u, lanes - 1u)) * kk;
  let w3 = (o0 + min(3u, lanes - 1u)) * kk;
  var s = vec4<f32>(0.0);
  for (var c = 0u; c < cg; c++) {
    let xPlane = (n * C + grp * cg + c) * u32(H * W);
    let wc = c * KH * KW;
    for (var ky = 0u; ky < KH; ky++) {
      let iy = i32(oy) * SH - PT + i32(ky) * DH;
      if (iy < 0 || iy >= H) { continue; }
      for (var kx = 0u; kx < KW; kx++) {
        let ix = i32(ox) * SW - PL + i32(kx) * DW;
        if (ix < 0 || ix >= W) { continue; }
        let xv = x[xPlane + u32(iy * W + ix)];
        let k = wc + ky * KW + kx;
        s = fma(vec4<f32>(xv), vec4<f32>(w[w0 + k], w[w1 + k], w[w2 + k], w[w3 + k]), s);
      }
    }
  }
  let plane = OH * OW;
  let at = (n * O + o0) * plane + oy * OW + ox;
${storeLanes('plane')}`,
  );
}

/**
 * dx[n, c, iy, ix] = Σ over the outputs whose window covers (iy, ix). Thread i = (n, group, block
 * of 4 input channels, iy, ix); n = batch · groups · ⌈cg/4⌉ · inH · inW.
 */
export function conv2dGradInputShader(): string {
  return elementwiseShader(
    [
      { name: 'dy', type: 'f32' },
      { name: 'w', type: 'f32' },
    ],
    { name: 'out', type: 'f32' },
    '',
    `${GEOM}
  let blocks = (cg + 3u) / 4u;
  let ix = i32(i % u32(W));
  let iy = i32((i / u32(W)) % u32(H));
  let blk = (i / u32(W * H)) % (G * blocks);
  let n = i / (u32(W * H) * G * blocks);
  let grp = blk / blocks;
  let cl0 = (blk % blocks) * 4u;
  let lanes = min(4u, cg - cl0);
  let kk = KH * KW;
${laneOffsets('c', 'kk')}
  var s = vec4<f32>(0.0);
  for (var ky = 0u; ky < KH; ky++) {
    let ty = iy + PT - i32(ky) * DH;
    if (ty < 0 || ty % SH != 0) { continue; }
    let oy = ty / SH;
    if (oy >= i32(OH)) { continue; }
    for (var kx = 0u; kx < KW; kx++) {
      let tx = ix + PL - i32(kx) * DW;
      if (tx < 0 || tx % SW != 0) { continue; }
      let ox = tx / SW;
      if (ox >= i32(OW)) { continue; }
      for (var ol = 0u; ol < og; ol++) {
        let o = grp * og + ol;
        let dyv = dy[((n * O + o) * OH + u32(oy)) * OW + u32(ox)];
        let wi = ((o * cg + cl0) * KH + ky) * KW + kx;
        s = fma(vec4<f32>(dyv), vec4<f32>(w[wi], w[wi + c1], w[wi + c2], w[wi + c3]), s);
      }
    }
  }
  let plane = u32(H * W);
  let at = (n * C + grp * cg + cl0) * plane + u32(iy * W + ix);
${storeLanes('plane')}`,
  );
}

/**
 * dw[o, c, ky, kx] = Σ_{n, oy, ox} x[n, g·cg + c, iy, ix] · dy[n, o, oy, ox], blocked like the
 * forward: thread i = (block of 4 output channels, c, ky, kx), so each x value feeds four FMAs.
 * Params[17] = 1 (per image): thread i = (n, block, c, ky, kx) sums image n only, writing partial
 * sums [batch, weights] that a reduction over images adds up.
 */
export function conv2dGradFilterShader(): string {
  return elementwiseShader(
    [
      { name: 'x', type: 'f32' },
      { name: 'dy', type: 'f32' },
    ],
    { name: 'out', type: 'f32' },
    '',
    `${GEOM}
  let perImage = pu(17u) == 1u;
  let blocks = (og + 3u) / 4u;
  let nb = G * blocks * cg * KH * KW;
  let bi = select(i, i % nb, perImage);
  let kx = bi % KW;
  let ky = (bi / KW) % KH;
  let cl = (bi / (KW * KH)) % cg;
  let blk = bi / (KW * KH * cg);
  let grp = blk / blocks;
  let o0 = grp * og + (blk % blocks) * 4u;
  let lanes = min(4u, grp * og + og - o0);
  let plane = OH * OW;
  // dy planes of the four channels (a partial block repeats its last valid channel).
${laneOffsets('d', 'plane')}
  let n0 = select(0u, i / nb, perImage);
  let n1 = select(B, n0 + 1u, perImage);
  var s = vec4<f32>(0.0);
  for (var n = n0; n < n1; n++) {
    let xPlane = (n * C + grp * cg + cl) * u32(H * W);
    let dyPlane = (n * O + o0) * plane;
    for (var oy = 0u; oy < OH; oy++) {
      let iy = i32(oy) * SH - PT + i32(ky) * DH;
      if (iy < 0 || iy >= H) { continue; }
      for (var ox = 0u; ox < OW; ox++) {
        let ix = i32(ox) * SW - PL + i32(kx) * DW;
        if (ix < 0 || ix >= W) { continue; }
        let xv = x[xPlane + u32(iy * W + ix)];
        let d = dyPlane + oy * OW + ox;
        s = fma(vec4<f32>(xv), vec4<f32>(dy[d], dy[d + d1], dy[d + d2], dy[d + d3]), s);
      }
    }
  }
  let kk = cg * KH * KW;
  let at = select(0u, n0 * O * kk, perImage) + o0 * kk + (cl * KH + ky) * KW + kx;
${storeLanes('kk')}`,
  );
}

/**
 * Pool params: [n, planes, inH, inW, kH, kW, strideH, strideW, padTop, padLeft, dilH, dilW, outH,
 * outW]. `argmaxWindow` is the CPU's: padding never wins, NaN wins, the first of equal maxima wins.
 */
const POOL_HELPERS = `
fn argmaxWindow(plane: u32, oy: i32, ox: i32) -> i32 {
  let H = i32(pu(2u)); let W = i32(pu(3u));
  var best = -1;
  var bv = -inff();
  for (var ky = 0; ky < i32(pu(4u)); ky++) {
    let iy = oy * i32(pu(6u)) - i32(pu(8u)) + ky * i32(pu(10u));
    if (iy < 0 || iy >= H) { continue; }
    for (var kx = 0; kx < i32(pu(5u)); kx++) {
      let ix = ox * i32(pu(7u)) - i32(pu(9u)) + kx * i32(pu(11u));
      if (ix < 0 || ix >= W) { continue; }
      let idx = i32(plane) + iy * W + ix;
      let v = x[idx];
      if (best < 0 || v > bv || isnanf(v)) {
        best = idx;
        bv = v;
        if (isnanf(v)) { return best; }
      }
    }
  }
  return best;
}`;

export function maxPoolShader(): string {
  return elementwiseShader(
    [{ name: 'x', type: 'f32' }],
    { name: 'out', type: 'f32' },
    POOL_HELPERS,
    `  let OH = pu(12u); let OW = pu(13u);
  let ox = i % OW;
  let oy = (i / OW) % OH;
  let p = i / (OW * OH);
  let best = argmaxWindow(p * pu(2u) * pu(3u), i32(oy), i32(ox));
  out[i] = select(x[max(best, 0)], -inff(), best < 0);`,
  );
}

/**
 * One thread per input element gathers dy from the windows whose argmax it is. The windows are
 * visited in increasing (oy, ox), the order the CPU scatters in, so overlapping windows sum alike.
 */
export function maxPoolGradShader(): string {
  return `${elementwiseShader(
    [
      { name: 'dy', type: 'f32' },
      { name: 'x', type: 'f32' },
    ],
    { name: 'out', type: 'f32' },
    POOL_HELPERS,
    `  let H = i32(pu(2u)); let W = i32(pu(3u));
  let KH = i32(pu(4u)); let KW = i32(pu(5u)); let SH = i32(pu(6u)); let SW = i32(pu(7u));
  let PT = i32(pu(8u)); let PL = i32(pu(9u)); let DH = i32(pu(10u)); let DW = i32(pu(11u));
  let OH = i32(pu(12u)); let OW = i32(pu(13u));
  let ix = i32(i % u32(W));
  let iy = i32((i / u32(W)) % u32(H));
  let p = i / u32(W * H);
  let plane = p * u32(H * W);
  var s = 0.0;
  for (var ky = KH - 1; ky >= 0; ky--) {
    let ty = iy + PT - ky * DH;
    if (ty < 0 || ty % SH != 0 || ty / SH >= OH) { continue; }
    for (var kx = KW - 1; kx >= 0; kx--) {
      let tx = ix + PL - kx * DW;
      if (tx < 0 || tx % SW != 0 || tx / SW >= OW) { continue; }
      if (argmaxWindow(plane, ty / SH, tx / SW) == i32(i)) {
        s += dy[(p * u32(OH) + u32(ty / SH)) * u32(OW) + u32(tx / SW)];
      }
    }
  }
  out[i] = s;`,
  )}`;
}

/**
 * The gradient when windows cannot overlap (stride ≥ dilated kernel along both axes, e.g. 2×2
 * pooling with stride 2): every input has at most one window, so a thread per window writes its dy
 * at the window's argmax into a zeroed output — one argmax per window instead of one per input.
 */
export function maxPoolGradDisjointShader(): string {
  return elementwiseShader(
    [
      { name: 'dy', type: 'f32' },
      { name: 'x', type: 'f32' },
    ],
    { name: 'out', type: 'f32' },
    POOL_HELPERS,
    `  let OH = pu(12u); let OW = pu(13u);
  let ox = i % OW;
  let oy = (i / OW) % OH;
  let p = i / (OW * OH);
  let best = argmaxWindow(p * pu(2u) * pu(3u), i32(oy), i32(ox));
  if (best >= 0) { out[best] = dy[i]; }`,
  );
}
