import { elementwiseShader } from './common.js';

/**
 * Direct convolution and max pooling, one thread per output element of each kernel (no im2col
 * buffer). Conv params: [n, batch, inC, inH, inW, outC, kH, kW, strideH, strideW, padTop, padLeft,
 * dilH, dilW, groups, outH, outW, (filter gradient only) perImage].
 */
const GEOM = `  let B = pu(1u); let C = pu(2u); let H = i32(pu(3u)); let W = i32(pu(4u));
  let O = pu(5u); let KH = pu(6u); let KW = pu(7u); let SH = i32(pu(8u)); let SW = i32(pu(9u));
  let PT = i32(pu(10u)); let PL = i32(pu(11u)); let DH = i32(pu(12u)); let DW = i32(pu(13u));
  let G = pu(14u); let OH = pu(15u); let OW = pu(16u);
  let cg = C / G; let og = O / G;`;

export function conv2dShader(): string {
  return elementwiseShader(
    [
      { name: 'x', type: 'f32' },
      { name: 'w', type: 'f32' },
    ],
    { name: 'out', type: 'f32' },
    '',
    `${GEOM}
  let ox = i % OW;
  let oy = (i / OW) % OH;
  let o = (i / (OW * OH)) % O;
  let n = i / (OW * OH * O);
  let grp = o / og;
  var s = 0.0;
  for (var c = 0u; c < cg; c++) {
    let xPlane = (n * C + grp * cg + c) * u32(H * W);
    let wBase = (o * cg + c) * KH * KW;
    for (var ky = 0u; ky < KH; ky++) {
      let iy = i32(oy) * SH - PT + i32(ky) * DH;
      if (iy < 0 || iy >= H) { continue; }
      for (var kx = 0u; kx < KW; kx++) {
        let ix = i32(ox) * SW - PL + i32(kx) * DW;
        if (ix < 0 || ix >= W) { continue; }
        s = fma(x[xPlane + u32(iy * W + ix)], w[wBase + ky * KW + kx], s);
      }
    }
  }
  out[i] = s;`,
  );
}

/** dx[n, c, iy, ix] = Σ over the outputs whose window covers (iy, ix). */
export function conv2dGradInputShader(): string {
  return elementwiseShader(
    [
      { name: 'dy', type: 'f32' },
      { name: 'w', type: 'f32' },
    ],
    { name: 'out', type: 'f32' },
    '',
    `${GEOM}
  let ix = i32(i % u32(W));
  let iy = i32((i / u32(W)) % u32(H));
  let c = (i / u32(W * H)) % C;
  let n = i / u32(W * H * i32(C));
  let grp = c / cg;
  let cl = c - grp * cg;
  var s = 0.0;
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
        s = fma(dy[((n * O + o) * OH + u32(oy)) * OW + u32(ox)], w[((o * cg + cl) * KH + ky) * KW + kx], s);
      }
    }
  }
  out[i] = s;`,
  );
}

/**
 * dw[o, c, ky, kx] = Σ_{n, oy, ox} x[n, g·cg + c, iy, ix] · dy[n, o, oy, ox]. With params[17] = 1
 * thread i = (n, weight) sums image n only, writing partial sums [batch, weights].
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
  let nw = O * cg * KH * KW;
  let wi = select(i, i % nw, perImage);
  let kx = wi % KW;
  let ky = (wi / KW) % KH;
  let cl = (wi / (KW * KH)) % cg;
  let o = wi / (KW * KH * cg);
  let grp = o / og;
  let n0 = select(0u, i / nw, perImage);
  let n1 = select(B, n0 + 1u, perImage);
  var s = 0.0;
  for (var n = n0; n < n1; n++) {
    let xPlane = (n * C + grp * cg + cl) * u32(H * W);
    let dyPlane = (n * O + o) * OH * OW;
    for (var oy = 0u; oy < OH; oy++) {
      let iy = i32(oy) * SH - PT + i32(ky) * DH;
      if (iy < 0 || iy >= H) { continue; }
      for (var ox = 0u; ox < OW; ox++) {
        let ix = i32(ox) * SW - PL + i32(kx) * DW;
        if (ix < 0 || ix >= W) { continue; }
        s = fma(x[xPlane + u32(iy * W + ix)], dy[dyPlane + oy * OW + ox], s);
      }
    }
  }
  out[i] = s;`,
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
