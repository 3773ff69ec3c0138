// Erlangen's WebAssembly SIMD kernels (AssemblyScript, compiled by scripts/build-wasm.mjs).
//
// Conventions, for every export:
// - Pointers are byte offsets into the one imported memory; the TypeScript side
//   (src/backend/wasm/index.ts) owns allocation, so nothing here allocates and the module uses
//   the `stub` runtime with no managed objects, no static data and no imports besides `env.memory`.
// - Strides and sizes are in elements (f32 / i32: 4 bytes each).
// - Matrices are row-major unless a stride pair says otherwise: element (i, p) of a strided
//   operand X lives at x + 4·(i·rs + p·cs).
//
// GEMM follows the BLIS / XNNPACK structure: both operands are packed once into micro-panels
// (A: MR rows interleaved, k outer; B: NR columns interleaved, k outer) so the inner loop reads
// two contiguous streams, then a 4×8 register tile of f32x4 accumulators (8 vectors) is updated
// per k step with 4 broadcast loads of A (v128.load32_splat) and 2 vector loads of B. With 2
// B vectors and 1 broadcast A live, the tile uses 11 of the 16 SIMD registers V8 has on x86-64,
// so nothing spills. Loops over k are blocked (KC) so one B micro-panel slice (≤ KC·NR floats,
// 12 KiB) stays in L1 while consecutive A micro-panels stream past it from L2 (MC rows). KC = 384
// lets a 3×3 conv over 32 channels (k = 288) run as one block; 256 measured ~10 % slower there
// and the same on square matmuls. A 6×8 tile (12 accumulators) measured slower than 4×8 under V8.

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 384;
const MC: i32 = 128; // a multiple of MR
const NC: i32 = 512; // a multiple of NR

/** First byte the TypeScript allocator may hand out (after this module's own statics, if any). */
export function heapBase(): usize {
  return __heap_base;
}

// ---------------------------------------------------------------- packing

/** Bytes packA needs for an m×k operand: ceil(m/MR) panels of k·MR floats. */
export function packASize(m: i32, k: i32): i32 {
  return ((m + MR - 1) / MR) * MR * k * 4;
}
/** Bytes packB needs for a k×n operand: ceil(n/NR) panels of k·NR floats. */
export function packBSize(k: i32, n: i32): i32 {
  return ((n + NR - 1) / NR) * NR * k * 4;
}

/**
 * Packs A (m×k, element (i, p) at a + 4·(i·rs + p·cs)) into panels: out[ip][p][r] = A(ip·MR + r, p),
 * rows past m are zero so the micro-kernel never branches on them.
 */
export function packA(a: usize, rs: i32, cs: i32, m: i32, k: i32, out: usize): void {
  const panels = (m + MR - 1) / MR;
  for (let ip = 0; ip < panels; ip++) {
    const panel = out + <usize>(ip * k * MR) * 4;
    for (let r = 0; r < MR; r++) {
      const i = ip * MR + r;
      let dst = panel + <usize>r * 4;
      if (i >= m) {
        for (let p = 0; p < k; p++, dst += MR * 4) store<f32>(dst, 0);
        continue;
      }
      let src = a + <usize>(i * rs) * 4;
      const step = <usize>cs * 4;
      for (let p = 0; p < k; p++, dst += MR * 4, src += step) store<f32>(dst, load<f32>(src));
    }
  }
}

/**
 * Packs B (k×n, element (p, j) at b + 4·(p·rs + j·cs)) into panels: out[jp][p][c] = B(p, jp·NR + c),
 * columns past n are zero. Row-contiguous B (cs = 1) copies two vectors per row.
 */
export function packB(b: usize, rs: i32, cs: i32, k: i32, n: i32, out: usize): void {
  const panels = (n + NR - 1) / NR;
  for (let jp = 0; jp < panels; jp++) {
    const j0 = jp * NR;
    let dst = out + <usize>(jp * k * NR) * 4;
    const cols = min(NR, n - j0);
    if (cs == 1 && cols == NR) {
      let src = b + <usize>j0 * 4;
      const step = <usize>rs * 4;
      for (let p = 0; p < k; p++, dst += NR * 4, src += step) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
      }
      continue;
    }
    for (let p = 0; p < k; p++, dst += NR * 4) {
      const row = b + <usize>(p * rs + j0 * cs) * 4;
      for (let c = 0; c < NR; c++) {
        store<f32>(dst + <usize>c * 4, c < cols ? load<f32>(row + <usize>(c * cs) * 4) : 0);
      }
    }
  }
}

// ---------------------------------------------------------------- micro-kernel

// @ts-ignore: decorator
@inline
function lane(v: v128, j: i32): f32 {
  if (j == 0) return f32x4.extract_lane(v, 0);
  if (j == 1) return f32x4.extract_lane(v, 1);
  if (j == 2) return f32x4.extract_lane(v, 2);
  return f32x4.extract_lane(v, 3);
}

/** Stores (or adds) the first `nr` of the 8 values v0 ‖ v1 at c: the right-edge tile. */
function storeRowPartial(c: usize, v0: v128, v1: v128, nr: i32, acc: bool): void {
  for (let j = 0; j < nr; j++) {
    const x = j < 4 ? lane(v0, j) : lane(v1, j - 4);
    const p = c + <usize>j * 4;
    store<f32>(p, acc ? load<f32>(p) + x : x);
  }
}

// @ts-ignore: decorator
@inline
function storeRow(c: usize, v0: v128, v1: v128, nr: i32, acc: bool): void {
  if (nr == NR) {
    if (acc) {
      v0 = f32x4.add(v0, v128.load(c));
      v1 = f32x4.add(v1, v128.load(c, 16));
    }
    v128.store(c, v0);
    v128.store(c, v1, 16);
  } else {
    storeRowPartial(c, v0, v1, nr, acc);
  }
}

/**
 * C[0..mr, 0..nr] (+)= Σ_{p<kc} Ap[p][0..4] ⊗ B[p][0..8] for one packed A micro-panel (MR floats per
 * p) and one B micro-panel whose rows are `bRow` bytes apart (NR·4 when packed, the row pitch when
 * B is read in place); ldc in bytes. Columns past nr may hold anything: their lanes are discarded.
 */
function micro4x8(a: usize, b: usize, bRow: usize, kc: i32, c: usize, ldc: usize, mr: i32, nr: i32, acc: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  // Two k steps per iteration halve the loop overhead (V8 does not unroll wasm loops).
  const bRow2 = bRow * 2;
  let p = 0;
  for (; p + 1 < kc; p += 2) {
    let b0 = v128.load(b);
    let b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(x, b0));
    c01 = f32x4.add(c01, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(x, b0));
    c11 = f32x4.add(c11, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 8);
    c20 = f32x4.add(c20, f32x4.mul(x, b0));
    c21 = f32x4.add(c21, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 12);
    c30 = f32x4.add(c30, f32x4.mul(x, b0));
    c31 = f32x4.add(c31, f32x4.mul(x, b1));
    const bn = b + bRow;
    b0 = v128.load(bn);
    b1 = v128.load(bn, 16);
    x = v128.load32_splat(a, 16);
    c00 = f32x4.add(c00, f32x4.mul(x, b0));
    c01 = f32x4.add(c01, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 20);
    c10 = f32x4.add(c10, f32x4.mul(x, b0));
    c11 = f32x4.add(c11, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 24);
    c20 = f32x4.add(c20, f32x4.mul(x, b0));
    c21 = f32x4.add(c21, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 28);
    c30 = f32x4.add(c30, f32x4.mul(x, b0));
    c31 = f32x4.add(c31, f32x4.mul(x, b1));
    a += 32;
    b += bRow2;
  }
  if (p < kc) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(x, b0));
    c01 = f32x4.add(c01, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(x, b0));
    c11 = f32x4.add(c11, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 8);
    c20 = f32x4.add(c20, f32x4.mul(x, b0));
    c21 = f32x4.add(c21, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 12);
    c30 = f32x4.add(c30, f32x4.mul(x, b0));
    c31 = f32x4.add(c31, f32x4.mul(x, b1));
  }
  storeRow(c, c00, c01, nr, acc);
  if (mr > 1) storeRow(c + ldc, c10, c11, nr, acc);
  if (mr > 2) storeRow(c + 2 * ldc, c20, c21, nr, acc);
  if (mr > 3) storeRow(c + 3 * ldc, c30, c31, nr, acc);
}

// ---------------------------------------------------------------- GEMM driver

/**
 * C (m×n, row stride ldc elements) (+)= A·B with A packed by packA(m, k) → ap, and B either packed
 * by packB(k, n) → b (bRow = NR·4 bytes, bPanel = k·NR·4) or read in place from a row-major k×n
 * matrix with row pitch ld (bRow = 4·ld, bPanel = NR·4). In-place B is read up to NR−1 columns
 * past n (discarded lanes), so the caller keeps ≥ 32 readable bytes after B (the heap keeps a
 * slack at the end of memory). accumulate = 0 overwrites C; every m, n, k ≥ 0 works.
 */
export function gemm(ap: usize, b: usize, bRow: i32, bPanel: i32, c: usize, ldc: i32, m: i32, n: i32, k: i32, accumulate: i32): void {
  if (m <= 0 || n <= 0) return;
  const ldcb = <usize>ldc * 4;
  if (k <= 0) {
    if (accumulate == 0) for (let i = 0; i < m; i++) memory.fill(c + <usize>i * ldcb, 0, <usize>n * 4);
    return;
  }
  // Equal k blocks of at most KC (k = 400 runs as 2 × 200, not 384 + 16: every block but the first
  // reloads and re-stores C, so a short tail block costs nearly as much as a full one).
  const kBlock = (k + (k + KC - 1) / KC - 1) / ((k + KC - 1) / KC);
  for (let pc = 0; pc < k; pc += kBlock) {
    const kc = min(kBlock, k - pc);
    const acc = accumulate != 0 || pc > 0;
    for (let jc = 0; jc < n; jc += NC) {
      const jEnd = min(n, jc + NC);
      for (let ic = 0; ic < m; ic += MC) {
        const iEnd = min(m, ic + MC);
        for (let j = jc; j < jEnd; j += NR) {
          const bPanelPtr = b + <usize>(j / NR) * <usize>bPanel + <usize>pc * <usize>bRow;
          const nr = min(NR, n - j);
          for (let i = ic; i < iEnd; i += MR) {
            const aPanel = ap + (<usize>(i / MR) * <usize>k + <usize>pc) * MR * 4;
            micro4x8(aPanel, bPanelPtr, <usize>bRow, kc, c + <usize>i * ldcb + <usize>j * 4, ldcb, min(MR, m - i), nr, acc);
          }
        }
      }
    }
  }
}

/** dst[c][r] = src[r][c] for a rows×cols row-major block. */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  const T = 16;
  for (let r0 = 0; r0 < rows; r0 += T) {
    const r1 = min(rows, r0 + T);
    for (let c0 = 0; c0 < cols; c0 += T) {
      const c1 = min(cols, c0 + T);
      for (let r = r0; r < r1; r++) {
        for (let cc = c0; cc < c1; cc++) store<f32>(dst + <usize>(cc * rows + r) * 4, load<f32>(src + <usize>(r * cols + cc) * 4));
      }
    }
  }
}

// ---------------------------------------------------------------- convolution helpers

/**
 * im2col for one image and group, output rows [oy0, oy1): cols[q][pix] with q = (c·KH + ky)·KW + kx
 * over the group's channels and pix = (oy − oy0)·OW + ox; out-of-image taps are 0. x points at the
 * group's first channel plane (C planes of H×W). Callers take a few output rows at a time so the
 * chunk of cols stays in L2 between being written here and read by the GEMM.
 */
export function im2col(
  x: usize, C: i32, H: i32, W: i32, KH: i32, KW: i32, sh: i32, sw: i32, pt: i32, pl: i32,
  dh: i32, dw: i32, oy0: i32, oy1: i32, OW: i32, cols: usize,
): void {
  let dst = cols;
  for (let c = 0; c < C; c++) {
    const plane = x + <usize>(c * H * W) * 4;
    for (let ky = 0; ky < KH; ky++) {
      for (let kx = 0; kx < KW; kx++) {
        const dx = kx * dw - pl;
        // Output columns whose tap ix = ox·sw + dx lies inside [0, W).
        const oxLo = dx >= 0 ? 0 : min(OW, (-dx + sw - 1) / sw);
        const oxHi = max(oxLo, min(OW, W - dx > 0 ? (W - dx + sw - 1) / sw : 0));
        for (let oy = oy0; oy < oy1; oy++, dst += <usize>OW * 4) {
          const iy = oy * sh - pt + ky * dh;
          if (iy < 0 || iy >= H) {
            zeroF32(dst, OW);
            continue;
          }
          if (oxLo > 0) zeroF32(dst, oxLo);
          const row = plane + <usize>(iy * W + dx) * 4;
          if (sw == 1) {
            copyF32(dst + <usize>oxLo * 4, row + <usize>oxLo * 4, oxHi - oxLo);
          } else {
            for (let ox = oxLo; ox < oxHi; ox++) store<f32>(dst + <usize>ox * 4, load<f32>(row + <usize>(ox * sw) * 4));
          }
          if (oxHi < OW) zeroF32(dst + <usize>oxHi * 4, OW - oxHi);
        }
      }
    }
  }
}

/** The adjoint of im2col (same chunking): dx[c, iy, ix] += cols[q][pix] for every in-image tap. */
export function col2im(
  cols: usize, C: i32, H: i32, W: i32, KH: i32, KW: i32, sh: i32, sw: i32, pt: i32, pl: i32,
  dh: i32, dw: i32, oy0: i32, oy1: i32, OW: i32, x: usize,
): void {
  let src = cols;
  for (let c = 0; c < C; c++) {
    const plane = x + <usize>(c * H * W) * 4;
    for (let ky = 0; ky < KH; ky++) {
      for (let kx = 0; kx < KW; kx++) {
        const dx = kx * dw - pl;
        const oxLo = dx >= 0 ? 0 : min(OW, (-dx + sw - 1) / sw);
        const oxHi = max(oxLo, min(OW, W - dx > 0 ? (W - dx + sw - 1) / sw : 0));
        for (let oy = oy0; oy < oy1; oy++, src += <usize>OW * 4) {
          const iy = oy * sh - pt + ky * dh;
          if (iy < 0 || iy >= H) continue;
          const row = plane + <usize>(iy * W + dx) * 4;
          if (sw == 1) {
            addInto(row + <usize>oxLo * 4, src + <usize>oxLo * 4, oxHi - oxLo);
          } else {
            for (let ox = oxLo; ox < oxHi; ox++) {
              const p = row + <usize>(ox * sw) * 4;
              store<f32>(p, load<f32>(p) + load<f32>(src + <usize>ox * 4));
            }
          }
        }
      }
    }
  }
}

/** dst[0..n] = src[0..n] (f32); inline vector copies beat memory.copy's call for the short rows here. */
// @ts-ignore: decorator
@inline
function copyF32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + <usize>i * 4, v128.load(src + <usize>i * 4));
  for (; i < n; i++) store<f32>(dst + <usize>i * 4, load<f32>(src + <usize>i * 4));
}

// @ts-ignore: decorator
@inline
function zeroF32(dst: usize, n: i32): void {
  let i = 0;
  const z = f32x4.splat(0);
  for (; i + 4 <= n; i += 4) v128.store(dst + <usize>i * 4, z);
  for (; i < n; i++) store<f32>(dst + <usize>i * 4, 0);
}

/** dst[0..n] += src[0..n] (f32). */
function addInto(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i * 4;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i * 4;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

// ---------------------------------------------------------------- elementwise

// @ts-ignore: decorator
@inline
function op4(op: i32, x: v128, y: v128): v128 {
  if (op == 0) return f32x4.add(x, y);
  if (op == 1) return f32x4.sub(x, y);
  if (op == 2) return f32x4.mul(x, y);
  return f32x4.div(x, y);
}
// @ts-ignore: decorator
@inline
function op1(op: i32, x: f32, y: f32): f32 {
  if (op == 0) return x + y;
  if (op == 1) return x - y;
  if (op == 2) return x * y;
  return x / y;
}

/** out[i] = a[i] op b[i] for i < n; a or b may be a broadcast scalar (aStep / bStep = 0). */
// @ts-ignore: decorator
@inline
function run(op: i32, a: usize, aScalar: bool, b: usize, bScalar: bool, out: usize, n: i32): void {
  const as = v128.load32_splat(a);
  const bs = v128.load32_splat(b);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i * 4;
    const x = aScalar ? as : v128.load(a + o);
    const y = bScalar ? bs : v128.load(b + o);
    v128.store(out + o, op4(op, x, y));
  }
  for (; i < n; i++) {
    const o = <usize>i * 4;
    store<f32>(out + o, op1(op, load<f32>(aScalar ? a : a + o), load<f32>(bScalar ? b : b + o)));
  }
}

// @ts-ignore: decorator
@inline
function binaryOp(op: i32, a: usize, na: i32, b: usize, nb: i32, out: usize, n: i32): void {
  if (na == n && nb == n) run(op, a, false, b, false, out, n);
  else if (nb == 1 && na == n) run(op, a, false, b, true, out, n);
  else if (na == 1 && nb == n) run(op, a, true, b, false, out, n);
  else if (na == n) {
    // b is one trailing row repeated n / nb times.
    for (let r = 0; r < n; r += nb) run(op, a + <usize>r * 4, false, b, false, out + <usize>r * 4, nb);
  } else {
    for (let r = 0; r < n; r += na) run(op, a, false, b + <usize>r * 4, false, out + <usize>r * 4, na);
  }
}

/**
 * out[i] = a[i mod na] op b[i mod nb] over n float32s, op 0 add, 1 sub, 2 mul, 3 div. Each of na, nb
 * is n, 1 (a scalar) or a divisor of n (a trailing row repeated), and one of them equals n unless
 * both are 1. Each op gets its own loop (the op switch is resolved at compile time after inlining).
 */
export function binaryF32(op: i32, a: usize, na: i32, b: usize, nb: i32, out: usize, n: i32): void {
  if (n <= 0) return;
  if (na == 1 && nb == 1) {
    store<f32>(out, op1(op, load<f32>(a), load<f32>(b)));
    return;
  }
  if (op == 0) binaryOp(0, a, na, b, nb, out, n);
  else if (op == 1) binaryOp(1, a, na, b, nb, out, n);
  else if (op == 2) binaryOp(2, a, na, b, nb, out, n);
  else binaryOp(3, a, na, b, nb, out, n);
}

// ---------------------------------------------------------------- indexing

/**
 * out[o][j][:] = x[o][idx[j]][:] for 4-byte elements: x [outer, r, inner], idx int32 [e] (already
 * validated to lie in [0, r)), out [outer, e, inner].
 */
export function indexSelect4(x: usize, outer: i32, r: i32, inner: i32, idx: usize, e: i32, out: usize): void {
  const rowBytes = <usize>inner * 4;
  let dst = out;
  for (let o = 0; o < outer; o++) {
    const base = x + <usize>(o * r) * rowBytes;
    if (inner == 1) {
      for (let j = 0; j < e; j++, dst += 4) store<i32>(dst, load<i32>(base + <usize>load<i32>(idx + <usize>j * 4) * 4));
    } else {
      for (let j = 0; j < e; j++, dst += rowBytes) memory.copy(dst, base + <usize>load<i32>(idx + <usize>j * 4) * rowBytes, rowBytes);
    }
  }
}

/**
 * out[o][idx[j]][:] += src[o][j][:] (float32): src [outer, e, inner], out [outer, dimSize, inner]
 * zero-filled here first; idx validated to lie in [0, dimSize).
 */
export function indexAddF32(src: usize, outer: i32, e: i32, inner: i32, idx: usize, dimSize: i32, out: usize): void {
  const rowBytes = <usize>inner * 4;
  memory.fill(out, 0, <usize>(outer * dimSize) * rowBytes);
  let from = src;
  for (let o = 0; o < outer; o++) {
    const base = out + <usize>(o * dimSize) * rowBytes;
    for (let j = 0; j < e; j++, from += rowBytes) {
      addInto(base + <usize>load<i32>(idx + <usize>j * 4) * rowBytes, from, inner);
    }
  }
}
