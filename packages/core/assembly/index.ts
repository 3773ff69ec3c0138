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
    if (cs == 1 && ip * MR + MR <= m) {
      packA4Rows(a + <usize>(ip * MR * rs) * 4, <usize>rs * 4, k, panel);
      continue;
    }
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
 * One full panel of row-contiguous A (4 rows `rowBytes` apart, k columns) into out[p][r]: 4×4
 * blocks transposed in registers (8 shuffles), then the last k mod 4 columns one by one.
 */
function packA4Rows(a: usize, rowBytes: usize, k: i32, out: usize): void {
  const r1 = a + rowBytes;
  const r2 = r1 + rowBytes;
  const r3 = r2 + rowBytes;
  let p = 0;
  for (; p + 4 <= k; p += 4) {
    const o = <usize>p * 4;
    const v0 = v128.load(a + o);
    const v1 = v128.load(r1 + o);
    const v2 = v128.load(r2 + o);
    const v3 = v128.load(r3 + o);
    const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5);
    const t1 = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
    const t2 = i32x4.shuffle(v2, v3, 0, 4, 1, 5);
    const t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
    const dst = out + o * 4;
    v128.store(dst, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
    v128.store(dst, i32x4.shuffle(t0, t2, 2, 3, 6, 7), 16);
    v128.store(dst, i32x4.shuffle(t1, t3, 0, 1, 4, 5), 32);
    v128.store(dst, i32x4.shuffle(t1, t3, 2, 3, 6, 7), 48);
  }
  for (; p < k; p++) {
    const o = <usize>p * 4;
    const dst = out + o * 4;
    store<f32>(dst, load<f32>(a + o));
    store<f32>(dst, load<f32>(r1 + o), 4);
    store<f32>(dst, load<f32>(r2 + o), 8);
    store<f32>(dst, load<f32>(r3 + o), 12);
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

/**
 * c + a·b. The relaxed-SIMD build (ASC_FEATURE_RELAXED_SIMD, a compile-time constant) emits one
 * fused multiply-add (`f32x4.relaxed_madd`, vfmadd on x86 with FMA3); the plain build a mul and an
 * add. The branch is resolved at compile time, so each module holds only one of the two.
 */
// @ts-ignore: decorator
@inline
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

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
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(a, 4);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(a, 8);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(a, 12);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    a += 16;
    b += bRow;
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

// ---------------------------------------------------------------- implicit-GEMM convolution

/**
 * The micro-kernel with B read in place through a table of row offsets: row p of the B panel is the
 * 8 floats at b + off[p] (bytes). For a stride-1 convolution over a zero-padded image, B(q, pix) =
 * xp[offset(q) + pix], so this reads the image directly instead of an im2col matrix. The
 * multiply-adds run in exactly the order of micro4x8, so results are bit-identical to im2col.
 */
function micro4x8Offsets(a: usize, b: usize, off: usize, kc: i32, c: usize, ldc: usize, mr: i32, nr: i32, acc: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const bq = b + <usize>load<i32>(off);
    const b0 = v128.load(bq);
    const b1 = v128.load(bq, 16);
    let x = v128.load32_splat(a);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(a, 4);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(a, 8);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(a, 12);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    a += 16;
    off += 4;
  }
  storeRow(c, c00, c01, nr, acc);
  if (mr > 1) storeRow(c + ldc, c10, c11, nr, acc);
  if (mr > 2) storeRow(c + 2 * ldc, c20, c21, nr, acc);
  if (mr > 3) storeRow(c + 3 * ldc, c30, c31, nr, acc);
}

/**
 * C (m×n, row stride ldc elements) = A·B with A packed by packA(m, k) and B(p, j) = the float at
 * b + off[p] + 4j (off: k int32 byte offsets). Blocked as gemm (same k blocks, so the same sums in
 * the same order). B is read up to 7 floats past column n − 1 (discarded lanes). Splittable over
 * blocks of rows of C (ap, c, m) or of columns (b, c, n).
 */
export function gemmOffsets(ap: usize, b: usize, off: usize, c: usize, ldc: i32, m: i32, n: i32, k: i32): void {
  if (m <= 0 || n <= 0) return;
  const ldcb = <usize>ldc * 4;
  if (k <= 0) {
    for (let i = 0; i < m; i++) memory.fill(c + <usize>i * ldcb, 0, <usize>n * 4);
    return;
  }
  const kBlock = (k + (k + KC - 1) / KC - 1) / ((k + KC - 1) / KC);
  for (let pc = 0; pc < k; pc += kBlock) {
    const kc = min(kBlock, k - pc);
    const acc = pc > 0;
    const offBlock = off + <usize>pc * 4;
    for (let jc = 0; jc < n; jc += NC) {
      const jEnd = min(n, jc + NC);
      for (let ic = 0; ic < m; ic += MC) {
        const iEnd = min(m, ic + MC);
        for (let j = jc; j < jEnd; j += NR) {
          const nr = min(NR, n - j);
          for (let i = ic; i < iEnd; i += MR) {
            const aPanel = ap + (<usize>(i / MR) * <usize>k + <usize>pc) * MR * 4;
            micro4x8Offsets(aPanel, b + <usize>j * 4, offBlock, kc, c + <usize>i * ldcb + <usize>j * 4, ldcb, min(MR, m - i), nr, acc);
          }
        }
      }
    }
  }
}

/**
 * Zero-padded copy of C planes (H×W, a plane apart) into planes of Hp×Wp with the image's
 * top-left at (pt, pl); rows / columns past Hp / Wp are cut. Splittable over planes.
 */
export function padPlanes(x: usize, C: i32, H: i32, W: i32, pt: i32, pl: i32, Hp: i32, Wp: i32, out: usize): void {
  memory.fill(out, 0, <usize>(C * Hp * Wp) * 4);
  const iy0 = max(0, -pt);
  const iy1 = min(H, Hp - pt);
  const ix0 = max(0, -pl);
  const ix1 = min(W, Wp - pl);
  if (ix1 <= ix0) return;
  for (let c = 0; c < C; c++) {
    const src = x + <usize>(c * H * W) * 4;
    const dst = out + <usize>(c * Hp * Wp) * 4;
    for (let iy = iy0; iy < iy1; iy++) {
      copyF32(dst + <usize>((iy + pt) * Wp + ix0 + pl) * 4, src + <usize>(iy * W + ix0) * 4, ix1 - ix0);
    }
  }
}

/** dst[r][0..width] = src[r][0..width] for `rows` rows, src rows srcPitch floats apart, dst rows packed. */
export function compactRows(src: usize, rows: i32, srcPitch: i32, width: i32, dst: usize): void {
  for (let r = 0; r < rows; r++) copyF32(dst + <usize>(r * width) * 4, src + <usize>(r * srcPitch) * 4, width);
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
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i * 4;
    const x0 = aScalar ? as : v128.load(a + o);
    const y0 = bScalar ? bs : v128.load(b + o);
    const x1 = aScalar ? as : v128.load(a + o, 16);
    const y1 = bScalar ? bs : v128.load(b + o, 16);
    v128.store(out + o, op4(op, x0, y0));
    v128.store(out + o, op4(op, x1, y1), 16);
  }
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

// @ts-ignore: decorator
@inline
function rowsOp(op: i32, a: usize, aPerRow: bool, b: usize, bPerRow: bool, out: usize, outer: i32, inner: i32): void {
  const rowBytes = <usize>inner * 4;
  for (let o = 0; o < outer; o++) {
    const ap = a + (aPerRow ? <usize>o * 4 : <usize>o * rowBytes);
    const bp = b + (bPerRow ? <usize>o * 4 : <usize>o * rowBytes);
    const op_ = out + <usize>o * rowBytes;
    if (aPerRow) run(op, ap, true, bp, false, op_, inner);
    else if (bPerRow) run(op, ap, false, bp, true, op_, inner);
    else run(op, ap, false, bp, false, op_, inner);
  }
}

/**
 * out[o][i] = A(o, i) op B(o, i) over [outer, inner] float32s, where each operand is either full
 * ([outer, inner]) or holds one value per row ([outer, 1], aPerRow / bPerRow ≠ 0): the column
 * broadcast of x − max(x, -1, keepDims) in softmax and of normalisations. Ops as binaryF32.
 * Splittable over rows.
 */
export function binaryRowsF32(op: i32, a: usize, aPerRow: i32, b: usize, bPerRow: i32, out: usize, outer: i32, inner: i32): void {
  if (op == 0) rowsOp(0, a, aPerRow != 0, b, bPerRow != 0, out, outer, inner);
  else if (op == 1) rowsOp(1, a, aPerRow != 0, b, bPerRow != 0, out, outer, inner);
  else if (op == 2) rowsOp(2, a, aPerRow != 0, b, bPerRow != 0, out, outer, inner);
  else rowsOp(3, a, aPerRow != 0, b, bPerRow != 0, out, outer, inner);
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

/**
 * torch.gather for 4-byte elements, as [outer, ·, inner] around the axis: out[o][j][i] =
 * x[o][idx[o][j][i]][i] with x [outer, r, inner], idx int32 [outer, e, inner] (validated to lie in
 * [0, r)), out [outer, e, inner]. Callers split over o (or j) by offsetting the pointers.
 */
export function gather4(x: usize, outer: i32, r: i32, inner: i32, idx: usize, e: i32, out: usize): void {
  const rowBytes = <usize>inner * 4;
  let at: usize = 0;
  for (let o = 0; o < outer; o++) {
    const base = x + <usize>(o * r) * rowBytes;
    for (let j = 0; j < e; j++) {
      for (let i = 0; i < inner; i++, at += 4) {
        store<i32>(out + at, load<i32>(base + <usize>load<i32>(idx + at) * rowBytes + <usize>i * 4));
      }
    }
  }
}

/**
 * torch.scatter_add onto zeros (float32): out[o][idx[o][j][i]][i] += src[o][j][i], src and idx
 * [outer, e, inner], out [outer, dimSize, inner] zero-filled here first; idx validated. The sums
 * run in source order, as the TypeScript kernel's, so both give identical results.
 */
export function scatterAddF32(src: usize, outer: i32, e: i32, inner: i32, idx: usize, dimSize: i32, out: usize): void {
  const rowBytes = <usize>inner * 4;
  memory.fill(out, 0, <usize>(outer * dimSize) * rowBytes);
  let at: usize = 0;
  for (let o = 0; o < outer; o++) {
    const base = out + <usize>(o * dimSize) * rowBytes;
    for (let j = 0; j < e; j++) {
      for (let i = 0; i < inner; i++, at += 4) {
        const p = base + <usize>load<i32>(idx + at) * rowBytes + <usize>i * 4;
        store<f32>(p, load<f32>(p) + load<f32>(src + at));
      }
    }
  }
}

// ---------------------------------------------------------------- unary (float32)
//
// exp, log and tanh follow Cephes' single-precision algorithms (range reduction + minimax
// polynomial, ≤ 2 ulp), vectorised: special values (±∞, NaN, 0, subnormals) are handled with
// lane masks instead of branches, so every lane takes the same path.

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

// Byte offsets of the vector constants in the block writeMathConstants fills.
const K_I_127: i32 = 0; // i32x4.splat(127)
const K_F_89: i32 = 16; // f32x4.splat(89)
const K_F_M104: i32 = 32; // f32x4.splat(-104)
const K_ROUND_MAGIC: i32 = 48; // f32x4.splat(12582912)
const K_LOG2E: i32 = 64; // f32x4.splat(LOG2E)
const K_LN2_HI: i32 = 80; // f32x4.splat(LN2_HI)
const K_LN2_LO: i32 = 96; // f32x4.splat(LN2_LO)
const K_F_1_9875691500eM4: i32 = 112; // f32x4.splat(1.9875691500e-4)
const K_F_1_3981999507eM3: i32 = 128; // f32x4.splat(1.3981999507e-3)
const K_F_8_3334519073eM3: i32 = 144; // f32x4.splat(8.3334519073e-3)
const K_F_4_1665795894eM2: i32 = 160; // f32x4.splat(4.1665795894e-2)
const K_F_1_6666665459eM1: i32 = 176; // f32x4.splat(1.6666665459e-1)
const K_F_5_0000001201eM1: i32 = 192; // f32x4.splat(5.0000001201e-1)
const K_F_1: i32 = 208; // f32x4.splat(1)
const K_FLT_MIN: i32 = 224; // f32x4.splat(1.17549435e-38)
const K_TWO_POW_23: i32 = 240; // f32x4.splat(8388608)
const K_EXP_MASK: i32 = 256; // i32x4.splat(0xff)
const K_I_126: i32 = 272; // i32x4.splat(126)
const K_I_23: i32 = 288; // i32x4.splat(23)
const K_SIGN_MANTISSA: i32 = 304; // i32x4.splat(0x807fffff)
const K_HALF_BITS: i32 = 320; // i32x4.splat(0x3f000000)
const K_F_0_707106781186547524: i32 = 336; // f32x4.splat(0.707106781186547524)
const K_F_7_0376836292eM2: i32 = 352; // f32x4.splat(7.0376836292e-2)
const K_F_M1_1514610310eM1: i32 = 368; // f32x4.splat(-1.1514610310e-1)
const K_F_1_1676998740eM1: i32 = 384; // f32x4.splat(1.1676998740e-1)
const K_F_M1_2420140846eM1: i32 = 400; // f32x4.splat(-1.2420140846e-1)
const K_F_1_4249322787eM1: i32 = 416; // f32x4.splat(1.4249322787e-1)
const K_F_M1_6668057665eM1: i32 = 432; // f32x4.splat(-1.6668057665e-1)
const K_F_2_0000714765eM1: i32 = 448; // f32x4.splat(2.0000714765e-1)
const K_F_M2_4999993993eM1: i32 = 464; // f32x4.splat(-2.4999993993e-1)
const K_F_3_3333331174eM1: i32 = 480; // f32x4.splat(3.3333331174e-1)
const K_F_M0_5: i32 = 496; // f32x4.splat(-0.5)
const K_NEG_INF: i32 = 512; // f32x4.splat(-Infinity)
const K_NAN: i32 = 528; // f32x4.splat(NaN)
const K_INF: i32 = 544; // f32x4.splat(Infinity)
const K_F_M5_70498872745eM3: i32 = 560; // f32x4.splat(-5.70498872745e-3)
const K_F_2_06390887954eM2: i32 = 576; // f32x4.splat(2.06390887954e-2)
const K_F_M5_37397155531eM2: i32 = 592; // f32x4.splat(-5.37397155531e-2)
const K_F_1_33314422036eM1: i32 = 608; // f32x4.splat(1.33314422036e-1)
const K_F_M3_33332819422eM1: i32 = 624; // f32x4.splat(-3.33332819422e-1)
const K_F_2: i32 = 640; // f32x4.splat(2)
const K_SIGN_BIT: i32 = 656; // i32x4.splat(0x80000000)
const K_F_0_625: i32 = 672; // f32x4.splat(0.625)

/** Bytes of the constants block writeMathConstants fills (see there). */
export function mathConstantsSize(): i32 {
  return 688; // 43 vectors
}

/**
 * Fills the block k (mathConstantsSize() bytes, 16-byte aligned) with the vector constants of exp,
 * log, tanh and sigmoid, which those kernels read from k. V8 ≥ 12 (Node ≥ 22, current Chrome)
 * rebuilds every v128 constant inside a loop at each use (3 instructions), and binaryen folds any
 * hoisted copy back into the loop; a load from k folds into the arithmetic instead. The block is
 * written once per backend, read-only afterwards, and shared by all threads.
 */
export function writeMathConstants(k: usize): void {
  v128.store(k, i32x4.splat(127), K_I_127);
  v128.store(k, f32x4.splat(89), K_F_89);
  v128.store(k, f32x4.splat(-104), K_F_M104);
  v128.store(k, f32x4.splat(12582912), K_ROUND_MAGIC);
  v128.store(k, f32x4.splat(LOG2E), K_LOG2E);
  v128.store(k, f32x4.splat(LN2_HI), K_LN2_HI);
  v128.store(k, f32x4.splat(LN2_LO), K_LN2_LO);
  v128.store(k, f32x4.splat(1.9875691500e-4), K_F_1_9875691500eM4);
  v128.store(k, f32x4.splat(1.3981999507e-3), K_F_1_3981999507eM3);
  v128.store(k, f32x4.splat(8.3334519073e-3), K_F_8_3334519073eM3);
  v128.store(k, f32x4.splat(4.1665795894e-2), K_F_4_1665795894eM2);
  v128.store(k, f32x4.splat(1.6666665459e-1), K_F_1_6666665459eM1);
  v128.store(k, f32x4.splat(5.0000001201e-1), K_F_5_0000001201eM1);
  v128.store(k, f32x4.splat(1), K_F_1);
  v128.store(k, f32x4.splat(1.17549435e-38), K_FLT_MIN);
  v128.store(k, f32x4.splat(8388608), K_TWO_POW_23);
  v128.store(k, i32x4.splat(0xff), K_EXP_MASK);
  v128.store(k, i32x4.splat(126), K_I_126);
  v128.store(k, i32x4.splat(23), K_I_23);
  v128.store(k, i32x4.splat(0x807fffff), K_SIGN_MANTISSA);
  v128.store(k, i32x4.splat(0x3f000000), K_HALF_BITS);
  v128.store(k, f32x4.splat(0.707106781186547524), K_F_0_707106781186547524);
  v128.store(k, f32x4.splat(7.0376836292e-2), K_F_7_0376836292eM2);
  v128.store(k, f32x4.splat(-1.1514610310e-1), K_F_M1_1514610310eM1);
  v128.store(k, f32x4.splat(1.1676998740e-1), K_F_1_1676998740eM1);
  v128.store(k, f32x4.splat(-1.2420140846e-1), K_F_M1_2420140846eM1);
  v128.store(k, f32x4.splat(1.4249322787e-1), K_F_1_4249322787eM1);
  v128.store(k, f32x4.splat(-1.6668057665e-1), K_F_M1_6668057665eM1);
  v128.store(k, f32x4.splat(2.0000714765e-1), K_F_2_0000714765eM1);
  v128.store(k, f32x4.splat(-2.4999993993e-1), K_F_M2_4999993993eM1);
  v128.store(k, f32x4.splat(3.3333331174e-1), K_F_3_3333331174eM1);
  v128.store(k, f32x4.splat(-0.5), K_F_M0_5);
  v128.store(k, f32x4.splat(-Infinity), K_NEG_INF);
  v128.store(k, f32x4.splat(NaN), K_NAN);
  v128.store(k, f32x4.splat(Infinity), K_INF);
  v128.store(k, f32x4.splat(-5.70498872745e-3), K_F_M5_70498872745eM3);
  v128.store(k, f32x4.splat(2.06390887954e-2), K_F_2_06390887954eM2);
  v128.store(k, f32x4.splat(-5.37397155531e-2), K_F_M5_37397155531eM2);
  v128.store(k, f32x4.splat(1.33314422036e-1), K_F_1_33314422036eM1);
  v128.store(k, f32x4.splat(-3.33332819422e-1), K_F_M3_33332819422eM1);
  v128.store(k, f32x4.splat(2), K_F_2);
  v128.store(k, i32x4.splat(0x80000000), K_SIGN_BIT);
  v128.store(k, f32x4.splat(0.625), K_F_0_625);
}

/** 2^k for integer lanes k in [-126, 127] (built from the exponent bits). */
// @ts-ignore: decorator
@inline
function pow2i(e: v128, k: usize): v128 {
  return i32x4.shl(i32x4.add(e, v128.load(k, K_I_127)), 23);
}

/** e^x per lane: ±∞ and NaN propagate, overflow gives +∞, underflow 0 (through subnormals). */
// @ts-ignore: decorator
@inline
function exp4(x: v128, k: usize): v128 {
  // Beyond these bounds the result is ∞ or 0 anyway; clamping keeps 2^n representable as a product
  // of two normal powers of two. pmin / pmax (one instruction each) keep NaN in x's position.
  x = f32x4.pmax(f32x4.pmin(x, v128.load(k, K_F_89)), v128.load(k, K_F_M104));
  // n = round(x·log2 e) by the 1.5·2^23 trick: adding it rounds to an integer held in the low
  // mantissa bits, so n is a bit-pattern difference (no nearest / trunc_sat sequences).
  const magic = v128.load(k, K_ROUND_MAGIC);
  const t = madd(x, v128.load(k, K_LOG2E), magic);
  const fx = f32x4.sub(t, magic);
  let r = f32x4.sub(x, f32x4.mul(fx, v128.load(k, K_LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(fx, v128.load(k, K_LN2_LO)));
  let p = v128.load(k, K_F_1_9875691500eM4);
  p = madd(p, r, v128.load(k, K_F_1_3981999507eM3));
  p = madd(p, r, v128.load(k, K_F_8_3334519073eM3));
  p = madd(p, r, v128.load(k, K_F_4_1665795894eM2));
  p = madd(p, r, v128.load(k, K_F_1_6666665459eM1));
  p = madd(p, r, v128.load(k, K_F_5_0000001201eM1));
  p = f32x4.add(madd(p, f32x4.mul(r, r), r), v128.load(k, K_F_1));
  // n ∈ [-150, 129]: split into two halves, each a normal power of two.
  const n = i32x4.sub(t, magic);
  const n1 = i32x4.shr_s(n, 1);
  return f32x4.mul(f32x4.mul(p, pow2i(n1, k)), pow2i(i32x4.sub(n, n1), k));
}

/** ln x per lane: ln 0 = −∞, ln(x < 0) = NaN, ln ∞ = ∞, NaN propagates, subnormals exact. */
// @ts-ignore: decorator
@inline
function log4(x: v128, k: usize): v128 {
  // Subnormals: scale by 2^23 first so the exponent field is meaningful.
  const tiny = f32x4.lt(x, v128.load(k, K_FLT_MIN));
  const xs = v128.bitselect(f32x4.mul(x, v128.load(k, K_TWO_POW_23)), x, tiny);
  let e = i32x4.sub(v128.and(i32x4.shr_u(xs, 23), v128.load(k, K_EXP_MASK)), v128.load(k, K_I_126));
  e = i32x4.sub(e, v128.and(tiny, v128.load(k, K_I_23)));
  // m ∈ [0.5, 1): the mantissa with the exponent of 0.5.
  let m = v128.or(v128.and(xs, v128.load(k, K_SIGN_MANTISSA)), v128.load(k, K_HALF_BITS));
  // m < √½: use 2m − 1 and e − 1, so m − 1 ∈ [√½ − 1, √2 − 1).
  const small = f32x4.lt(m, v128.load(k, K_F_0_707106781186547524));
  e = i32x4.add(e, small); // small lanes are −1 (all ones)
  m = f32x4.sub(f32x4.add(m, v128.and(m, small)), v128.load(k, K_F_1));
  const fe = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(m, m);
  let p = v128.load(k, K_F_7_0376836292eM2);
  p = madd(p, m, v128.load(k, K_F_M1_1514610310eM1));
  p = madd(p, m, v128.load(k, K_F_1_1676998740eM1));
  p = madd(p, m, v128.load(k, K_F_M1_2420140846eM1));
  p = madd(p, m, v128.load(k, K_F_1_4249322787eM1));
  p = madd(p, m, v128.load(k, K_F_M1_6668057665eM1));
  p = madd(p, m, v128.load(k, K_F_2_0000714765eM1));
  p = madd(p, m, v128.load(k, K_F_M2_4999993993eM1));
  p = madd(p, m, v128.load(k, K_F_3_3333331174eM1));
  let y = f32x4.mul(f32x4.mul(p, m), z);
  y = madd(fe, v128.load(k, K_LN2_LO), y);
  y = madd(z, v128.load(k, K_F_M0_5), y);
  let r = f32x4.add(m, y);
  r = madd(fe, v128.load(k, K_LN2_HI), r);
  // Special lanes: x = 0 → −∞, x < 0 → NaN, x = ∞ → ∞, NaN → NaN.
  r = v128.bitselect(v128.load(k, K_NEG_INF), r, f32x4.eq(x, f32x4.splat(0)));
  r = v128.bitselect(v128.load(k, K_NAN), r, f32x4.lt(x, f32x4.splat(0)));
  r = v128.bitselect(x, r, f32x4.eq(x, v128.load(k, K_INF)));
  return v128.bitselect(x, r, f32x4.ne(x, x));
}

/** tanh per lane: an odd polynomial below |x| = 0.625 (no cancellation), 1 − 2/(e^{2|x|} + 1) above. */
// @ts-ignore: decorator
@inline
function tanh4(x: v128, k: usize): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = v128.load(k, K_F_M5_70498872745eM3);
  p = madd(p, z, v128.load(k, K_F_2_06390887954eM2));
  p = madd(p, z, v128.load(k, K_F_M5_37397155531eM2));
  p = madd(p, z, v128.load(k, K_F_1_33314422036eM1));
  p = madd(p, z, v128.load(k, K_F_M3_33332819422eM1));
  const near = madd(f32x4.mul(p, z), x, x);
  const e = exp4(f32x4.add(ax, ax), k);
  const far = f32x4.sub(v128.load(k, K_F_1), f32x4.div(v128.load(k, K_F_2), f32x4.add(e, v128.load(k, K_F_1))));
  // Copy x's sign onto the far branch; NaN lanes come out NaN from both branches.
  const signed = v128.or(far, v128.and(x, v128.load(k, K_SIGN_BIT)));
  return v128.bitselect(near, signed, f32x4.lt(ax, v128.load(k, K_F_0_625)));
}

/**
 * 1 / (1 + e^−x) for x ≥ 0, e^x / (1 + e^x) below, as the TypeScript kernel: no overflow, and
 * subnormal results for x < −87.3 (sigmoid(−100) = 3.7e-44). e^−|x| needs no upper clamp.
 */
// @ts-ignore: decorator
@inline
function sigmoid4(x: v128, k: usize): v128 {
  const z = v128.or(x, v128.load(k, K_SIGN_BIT)); // −|x|
  const zc = f32x4.pmax(z, v128.load(k, K_F_M104)); // keeps NaN; e^−104 rounds to 0
  const magic = v128.load(k, K_ROUND_MAGIC);
  const t = madd(zc, v128.load(k, K_LOG2E), magic);
  const fx = f32x4.sub(t, magic);
  let r = f32x4.sub(zc, f32x4.mul(fx, v128.load(k, K_LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(fx, v128.load(k, K_LN2_LO)));
  let p = v128.load(k, K_F_1_9875691500eM4);
  p = madd(p, r, v128.load(k, K_F_1_3981999507eM3));
  p = madd(p, r, v128.load(k, K_F_8_3334519073eM3));
  p = madd(p, r, v128.load(k, K_F_4_1665795894eM2));
  p = madd(p, r, v128.load(k, K_F_1_6666665459eM1));
  p = madd(p, r, v128.load(k, K_F_5_0000001201eM1));
  p = f32x4.add(madd(p, f32x4.mul(r, r), r), v128.load(k, K_F_1));
  // n ∈ [−150, 0]: two normal powers of two, so subnormal results round once.
  const n = i32x4.sub(t, magic);
  const n1 = i32x4.shr_s(n, 1);
  const e = f32x4.mul(f32x4.mul(p, pow2i(n1, k)), pow2i(i32x4.sub(n, n1), k));
  const inv = f32x4.div(v128.load(k, K_F_1), f32x4.add(v128.load(k, K_F_1), e));
  return v128.bitselect(f32x4.mul(e, inv), inv, f32x4.lt(x, f32x4.splat(0)));
}

// @ts-ignore: decorator
@inline
function unary4(op: i32, x: v128, k: usize): v128 {
  if (op == 0) return f32x4.neg(x);
  if (op == 1) return f32x4.abs(x);
  if (op == 2) return f32x4.sqrt(x);
  if (op == 3) return f32x4.mul(x, x);
  if (op == 4) return f32x4.div(f32x4.splat(1), x);
  if (op == 5) return f32x4.div(f32x4.splat(1), f32x4.sqrt(x));
  // relu as Math.max(x, 0): pmax (x < 0 ? 0 : x, one maxps) keeps NaN, and + 0 turns −0 into +0.
  // (f32x4.max is ~8 instructions in V8, for NaN and ±0 rules this needs only partly.)
  if (op == 6) return f32x4.add(f32x4.pmax(x, f32x4.splat(0)), f32x4.splat(0));
  if (op == 7) return exp4(x, k);
  if (op == 8) return log4(x, k);
  if (op == 9) return sigmoid4(x, k);
  return tanh4(x, k);
}

// @ts-ignore: decorator
@inline
function unaryRun(op: i32, x: usize, out: usize, n: i32, k: usize): void {
  let i = 0;
  // Four independent vectors per iteration: the long dependency chains of exp / log / tanh /
  // sigmoid overlap (on Node 20, 2 → 4 took sigmoid from 1.6 to 1.3 ms per 10⁶, log 2.35 → 1.96).
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i * 4;
    const y0 = unary4(op, v128.load(x + o), k);
    const y1 = unary4(op, v128.load(x + o, 16), k);
    const y2 = unary4(op, v128.load(x + o, 32), k);
    const y3 = unary4(op, v128.load(x + o, 48), k);
    v128.store(out + o, y0);
    v128.store(out + o, y1, 16);
    v128.store(out + o, y2, 32);
    v128.store(out + o, y3, 48);
  }
  // The last 1–7 elements as at most two partial vectors through the same code, so they round
  // identically. (Folding this into the main loop measured 3× slower: V8 then spills constants.)
  for (; i < n; i += 4) {
    const o = <usize>i * 4;
    const left = n - i;
    let v = f32x4.splat(load<f32>(x + o));
    if (left > 1) v = f32x4.replace_lane(v, 1, load<f32>(x + o, 4));
    if (left > 2) v = f32x4.replace_lane(v, 2, load<f32>(x + o, 8));
    if (left > 3) v = f32x4.replace_lane(v, 3, load<f32>(x + o, 12));
    const y = unary4(op, v, k);
    store<f32>(out + o, f32x4.extract_lane(y, 0));
    if (left > 1) store<f32>(out + o, f32x4.extract_lane(y, 1), 4);
    if (left > 2) store<f32>(out + o, f32x4.extract_lane(y, 2), 8);
    if (left > 3) store<f32>(out + o, f32x4.extract_lane(y, 3), 12);
  }
}

// One export per op, each with its own loop: behind a single `op` argument binaryen merges the
// loops into one with the op switch inside (measured 3× slower). out may equal x; every export is
// splittable over element ranges. k: the block writeMathConstants filled (every op takes it, so
// all share one signature; only exp, log, sigmoid and tanh read it).

/** out[i] = −x[i] over n float32s. */
export function negF32(x: usize, out: usize, n: i32, k: usize): void {
  unaryRun(0, x, out, n, k);
}
/** out[i] = |x[i]|. */
export function absF32(x: usize, out: usize, n: i32, k: usize): void {
  unaryRun(1, x, out, n, k);
}
/** out[i] = √x[i]. */
export function sqrtF32(x: usize, out: usize, n: i32, k: usize): void {
  unaryRun(2, x, out, n, k);
}
/** out[i] = x[i]². */
export function squareF32(x: usize, out: usize, n: i32, k: usize): void {
  unaryRun(3, x, out, n, k);
}
/** out[i] = 1 / x[i]. */
export function reciprocalF32(x: usize, out: usize, n: i32, k: usize): void {
  unaryRun(4, x, out, n, k);
}
/** out[i] = 1 / √x[i]. */
export function rsqrtF32(x: usize, out: usize, n: i32, k: usize): void {
  unaryRun(5, x, out, n, k);
}
/** out[i] = max(x[i], 0), NaN kept. */
export function reluF32(x: usize, out: usize, n: i32, k: usize): void {
  unaryRun(6, x, out, n, k);
}
/** out[i] = e^x[i]. */
export function expF32(x: usize, out: usize, n: i32, k: usize): void {
  unaryRun(7, x, out, n, k);
}
/** out[i] = ln x[i]. */
export function logF32(x: usize, out: usize, n: i32, k: usize): void {
  unaryRun(8, x, out, n, k);
}
/** out[i] = 1 / (1 + e^−x[i]). */
export function sigmoidF32(x: usize, out: usize, n: i32, k: usize): void {
  unaryRun(9, x, out, n, k);
}
/** out[i] = tanh x[i]. */
export function tanhF32(x: usize, out: usize, n: i32, k: usize): void {
  unaryRun(10, x, out, n, k);
}

// ---------------------------------------------------------------- reductions (float32)

// @ts-ignore: decorator
@inline
function red4(op: i32, a: v128, b: v128): v128 {
  if (op == 0) return f32x4.add(a, b);
  if (op == 1) return f32x4.max(a, b);
  return f32x4.min(a, b);
}
// @ts-ignore: decorator
@inline
function red1(op: i32, a: f32, b: f32): f32 {
  if (op == 0) return a + b;
  if (op == 1) return max<f32>(a, b);
  return min<f32>(a, b);
}
// @ts-ignore: decorator
@inline
function redInit(op: i32): f32 {
  if (op == 0) return 0;
  if (op == 1) return -Infinity;
  return Infinity;
}

/** Reduces n contiguous floats with 4 vector accumulators (16 lanes; sums pairwise-ish, fewer rounding steps). */
// @ts-ignore: decorator
@inline
function reduceRow(op: i32, x: usize, n: i32): f32 {
  const init = f32x4.splat(redInit(op));
  let a0 = init, a1 = init, a2 = init, a3 = init;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = x + <usize>i * 4;
    a0 = red4(op, a0, v128.load(p));
    a1 = red4(op, a1, v128.load(p, 16));
    a2 = red4(op, a2, v128.load(p, 32));
    a3 = red4(op, a3, v128.load(p, 48));
  }
  for (; i + 4 <= n; i += 4) a0 = red4(op, a0, v128.load(x + <usize>i * 4));
  const v = red4(op, red4(op, a0, a1), red4(op, a2, a3));
  let s = red1(op, red1(op, f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), red1(op, f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
  for (; i < n; i++) s = red1(op, s, load<f32>(x + <usize>i * 4));
  return s;
}

// @ts-ignore: decorator
@inline
function reduceOp(op: i32, x: usize, outer: i32, r: i32, inner: i32, out: usize): void {
  if (inner == 1) {
    for (let o = 0; o < outer; o++) store<f32>(out + <usize>o * 4, reduceRow(op, x + <usize>(o * r) * 4, r));
    return;
  }
  const rowBytes = <usize>inner * 4;
  for (let o = 0; o < outer; o++) {
    const dst = out + <usize>o * rowBytes;
    const init = f32x4.splat(redInit(op));
    let i = 0;
    for (; i + 4 <= inner; i += 4) v128.store(dst + <usize>i * 4, init);
    for (; i < inner; i++) store<f32>(dst + <usize>i * 4, redInit(op));
    let src = x + <usize>(o * r) * rowBytes;
    for (let k = 0; k < r; k++, src += rowBytes) {
      i = 0;
      for (; i + 4 <= inner; i += 4) {
        const q = <usize>i * 4;
        v128.store(dst + q, red4(op, v128.load(dst + q), v128.load(src + q)));
      }
      for (; i < inner; i++) {
        const q = <usize>i * 4;
        store<f32>(dst + q, red1(op, load<f32>(dst + q), load<f32>(src + q)));
      }
    }
  }
}

// out[o][i] = reduce_k x[o][k][i] for x [outer, r, inner] float32, out [outer, inner] (NaN
// propagates; r = 0 gives 0, −∞, +∞). One export per op, as for the unary ops. Splittable over o.

/** Σ over the middle axis of [outer, r, inner]. */
export function sumF32(x: usize, outer: i32, r: i32, inner: i32, out: usize): void {
  reduceOp(0, x, outer, r, inner, out);
}
/** max over the middle axis of [outer, r, inner]. */
export function maxF32(x: usize, outer: i32, r: i32, inner: i32, out: usize): void {
  reduceOp(1, x, outer, r, inner, out);
}
/** min over the middle axis of [outer, r, inner]. */
export function minF32(x: usize, outer: i32, r: i32, inner: i32, out: usize): void {
  reduceOp(2, x, outer, r, inner, out);
}

/**
 * out[o] = log Σ_k exp(x[o][k]) over the last axis (x [outer, r] float32), stably: m + log Σ e^{x−m}
 * with m the row max; rows whose max is ±∞ or NaN give that max. Splittable over o.
 */
export function logSumExpRowsF32(x: usize, outer: i32, r: i32, out: usize, k: usize): void {
  for (let o = 0; o < outer; o++) {
    const row = x + <usize>(o * r) * 4;
    const m = reduceRow(1, row, r);
    if (!isFinite(m)) {
      store<f32>(out + <usize>o * 4, m);
      continue;
    }
    const ms = f32x4.splat(m);
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
    let i = 0;
    for (; i + 8 <= r; i += 8) {
      const p = row + <usize>i * 4;
      a0 = f32x4.add(a0, exp4(f32x4.sub(v128.load(p), ms), k));
      a1 = f32x4.add(a1, exp4(f32x4.sub(v128.load(p, 16), ms), k));
    }
    for (; i + 4 <= r; i += 4) a0 = f32x4.add(a0, exp4(f32x4.sub(v128.load(row + <usize>i * 4), ms), k));
    const v = f32x4.add(a0, a1);
    let s = f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
    for (; i < r; i++) s += f32x4.extract_lane(exp4(f32x4.splat(load<f32>(row + <usize>i * 4) - m), k), 0);
    store<f32>(out + <usize>o * 4, m + f32x4.extract_lane(log4(f32x4.splat(s), k), 0));
  }
}

/**
 * Softmax (log = 0) or log-softmax (log = 1) of every row of x [outer, r] float32, in three passes
 * (max; exponentials and their sum; scale) instead of the six kernels of the composed form.
 * Rows whose max is not finite give exp(x − m) / x − m like the composed form (NaN for an all −∞
 * row, as PyTorch). out may equal x. Splittable over o.
 */
export function softmaxRowsF32(x: usize, outer: i32, r: i32, out: usize, log: i32, k: usize): void {
  for (let o = 0; o < outer; o++) {
    const row = x + <usize>(o * r) * 4;
    const dst = out + <usize>(o * r) * 4;
    const m = reduceRow(1, row, r);
    const ms = f32x4.splat(m);
    if (!isFinite(m)) {
      for (let i = 0; i < r; i++) {
        const shifted = load<f32>(row + <usize>i * 4) - m;
        store<f32>(dst + <usize>i * 4, log ? shifted : f32x4.extract_lane(exp4(f32x4.splat(shifted), k), 0));
      }
      continue;
    }
    // Pass 2: e = exp(x − m) (kept in out for softmax) and Σ e.
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
    let i = 0;
    for (; i + 8 <= r; i += 8) {
      const p = <usize>i * 4;
      const e0 = exp4(f32x4.sub(v128.load(row + p), ms), k);
      const e1 = exp4(f32x4.sub(v128.load(row + p, 16), ms), k);
      if (!log) {
        v128.store(dst + p, e0);
        v128.store(dst + p, e1, 16);
      }
      a0 = f32x4.add(a0, e0);
      a1 = f32x4.add(a1, e1);
    }
    for (; i + 4 <= r; i += 4) {
      const p = <usize>i * 4;
      const e0 = exp4(f32x4.sub(v128.load(row + p), ms), k);
      if (!log) v128.store(dst + p, e0);
      a0 = f32x4.add(a0, e0);
    }
    const v = f32x4.add(a0, a1);
    let s = f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
    for (; i < r; i++) {
      const e = f32x4.extract_lane(exp4(f32x4.splat(load<f32>(row + <usize>i * 4) - m), k), 0);
      if (!log) store<f32>(dst + <usize>i * 4, e);
      s += e;
    }
    // Pass 3: scale by 1/Σ, or subtract m + log Σ.
    i = 0;
    if (log) {
      // (x − m) − log Σ, never x − (m + log Σ): for logits near 1e4 the latter rounds m + log Σ.
      const logSum = f32x4.splat(f32x4.extract_lane(log4(f32x4.splat(s), k), 0));
      for (; i + 4 <= r; i += 4) {
        const p = <usize>i * 4;
        v128.store(dst + p, f32x4.sub(f32x4.sub(v128.load(row + p), ms), logSum));
      }
      const ls = f32x4.extract_lane(logSum, 0);
      for (; i < r; i++) store<f32>(dst + <usize>i * 4, load<f32>(row + <usize>i * 4) - m - ls);
    } else {
      const inv = f32x4.splat(<f32>1 / s);
      for (; i + 4 <= r; i += 4) {
        const p = <usize>i * 4;
        v128.store(dst + p, f32x4.mul(v128.load(dst + p), inv));
      }
      const iv = f32x4.extract_lane(inv, 0);
      for (; i < r; i++) store<f32>(dst + <usize>i * 4, load<f32>(dst + <usize>i * 4) * iv);
    }
  }
}

// ---------------------------------------------------------------- optimiser (float32)

/**
 * One Adam / AdamW step over n float32s, fused: the composed update's ten elementwise kernels in
 * one pass, with the same float32 operations in the same order, so the results are bit-identical
 * to the composed form (every step is a correctly rounded IEEE operation). `moments` = 0 on the
 * first step (m, v taken as 0, never read). `mode`: 0 plain, 1 L2 (g += wd·θ), 2 decoupled
 * (θ ·= decay). `scalars`: 9 float32s — wd, decay, b1, 1 − b1, b2, 1 − b2, √(1 − b2ᵗ), eps and
 * −lr/(1 − b1ᵗ). Writes θ', m', v' to outP / outM / outV (which may alias the inputs).
 */
export function adamF32(
  p: usize, g: usize, m: usize, v: usize, n: i32, moments: i32, mode: i32, scalars: usize,
  outP: usize, outM: usize, outV: usize,
): void {
  // The nine float32 scalars come through memory: worker threads pass kernel arguments as i32.
  const wd = load<f32>(scalars), decay = load<f32>(scalars, 4);
  const b1 = load<f32>(scalars, 8), oneMinusB1 = load<f32>(scalars, 12);
  const b2 = load<f32>(scalars, 16), oneMinusB2 = load<f32>(scalars, 20);
  const bc2Sqrt = load<f32>(scalars, 24), eps = load<f32>(scalars, 28), stepScale = load<f32>(scalars, 32);
  const vwd = f32x4.splat(wd), vdecay = f32x4.splat(decay);
  const vb1 = f32x4.splat(b1), vomb1 = f32x4.splat(oneMinusB1);
  const vb2 = f32x4.splat(b2), vomb2 = f32x4.splat(oneMinusB2);
  const vbc2 = f32x4.splat(bc2Sqrt), veps = f32x4.splat(eps), vstep = f32x4.splat(stepScale);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i * 4;
    let theta = v128.load(p + o);
    let grad = v128.load(g + o);
    if (mode == 1) grad = f32x4.add(grad, f32x4.mul(theta, vwd));
    else if (mode == 2) theta = f32x4.mul(theta, vdecay);
    const gm = f32x4.mul(grad, vomb1);
    const mNew = moments ? f32x4.add(f32x4.mul(v128.load(m + o), vb1), gm) : gm;
    const g2 = f32x4.mul(f32x4.mul(grad, grad), vomb2);
    const vNew = moments ? f32x4.add(f32x4.mul(v128.load(v + o), vb2), g2) : g2;
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vNew), vbc2), veps);
    v128.store(outP + o, f32x4.add(theta, f32x4.mul(f32x4.div(mNew, denom), vstep)));
    v128.store(outM + o, mNew);
    v128.store(outV + o, vNew);
  }
  for (; i < n; i++) {
    const o = <usize>i * 4;
    let theta = load<f32>(p + o);
    let grad = load<f32>(g + o);
    if (mode == 1) grad = grad + theta * wd;
    else if (mode == 2) theta = theta * decay;
    const gm = grad * oneMinusB1;
    const mNew = moments ? load<f32>(m + o) * b1 + gm : gm;
    const g2 = grad * grad * oneMinusB2;
    const vNew = moments ? load<f32>(v + o) * b2 + g2 : g2;
    const denom = Mathf.sqrt(vNew) / bc2Sqrt + eps;
    store<f32>(outP + o, theta + (mNew / denom) * stepScale);
    store<f32>(outM + o, mNew);
    store<f32>(outV + o, vNew);
  }
}
