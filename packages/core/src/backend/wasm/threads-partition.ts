/**
 * How each wasm kernel is split across threads: every function here turns one backend op into
 * per-thread call lists that write disjoint memory, allocates each thread's scratch from the heap,
 * runs the job on the pool and frees the scratch. Shapes and pointer conventions are those of
 * index.ts (byte offsets, float32 / int32 elements, row-major).
 *
 * | op | split | no two threads write |
 * |---|---|---|
 * | matmul | batch entries; else rows of C (columns when n > m), each thread packing its own operand slice | one C row (column) block |
 * | conv2d | (image, group, output-row chunk) items | one chunk of y |
 * | conv2dGradInput | (image, group) items (chunks of one image overlap in dx through col2im) | one image-group of dx |
 * | conv2dGradFilter | (image, group, chunk) items into per-thread partial dwᵀ, then summed | its own partial |
 * | binary | element ranges (multiples of a broadcast row) | one range of out |
 * | indexSelect | outer slices, else index ranges | one range of out rows |
 * | indexAdd | outer slices, else index ranges into per-thread partial sums, then an element-range sum | its own partial |
 * | unary, binaryRows, reduce, logSumExp, gather (`splitCalls`) | element ranges / outer rows | one range of out |
 *
 * Thresholds (MIN_* below): waking a worker costs ~10–50 µs when a core is free but up to ~0.5 ms
 * after it has slept, and memory-bound kernels gain little from a second core that shares the memory
 * bus. Measured on a 2-core VM (bench/wasm-threads.mjs, 2026-11-23), 2 threads LOST on matmul 256³
 * (33 MFLOP, ×0.77), add 10⁶ (×0.72) and indexAdd 2·10⁵×64 (×0.85) and won on matmul 512³/1024³
 * (×1.28/×1.45), so a thread is only given ≥ 64 MFLOP or ≥ 8 M elements.
 */
import type { Conv2dGeometry, MatmulGeometry } from '../kernels.js';
import { convDims } from '../shared.js';
import type { WasmHeap } from './allocator.js';
import { packFilterGroups } from './filter-pack.js';
import type { CallList, ThreadPool } from './threads.js';

/** Least GEMM / convolution work per thread (flops): 64 MFLOP ≈ 2 ms at 30 GFLOP/s. */
export const MIN_FLOPS_PER_THREAD = 1 << 26;
/** Least elementwise / gather / scatter work per thread (elements): 8 M elements ≈ 5 ms of memory traffic. */
export const MIN_ELEMENTS_PER_THREAD = 1 << 23;

/** Row (column) blocks of C start at multiples of this, so micro-kernel tiles (≤ 16 wide) stay whole. */
const GEMM_GRAIN = 16;
/** Element ranges start at multiples of this (64 bytes: a cache line, so threads never share one). */
const ELEMENT_GRAIN = 16;

/** What the partition code needs from the backend. */
export interface ThreadContext {
  readonly pool: ThreadPool;
  readonly heap: WasmHeap;
  /** Direct (this-thread) kernel calls for the small serial steps (packing a filter, sums, transposes). */
  readonly k: {
    packASize(m: number, k: number): number;
    packBSize(k: number, n: number): number;
    packA(a: number, rs: number, cs: number, m: number, k: number, out: number): void;
    transpose(src: number, rows: number, cols: number, dst: number): void;
    binaryF32(op: number, a: number, na: number, b: number, nb: number, out: number, n: number): void;
  };
  /** gemm's bRow for a packed B: bytes between consecutive k rows of one micro-panel. */
  readonly packedRow: number;
  /** Zero-fills `bytes` bytes at `ptr` (on this thread). */
  zero(ptr: number, bytes: number): void;
}

/**
 * [start, end) ranges splitting [0, count) into at most `parts` near-equal pieces whose inner
 * boundaries are multiples of `grain`; empty pieces are dropped.
 */
export function splitRange(count: number, parts: number, grain = 1): [number, number][] {
  const units = Math.ceil(count / grain);
  const out: [number, number][] = [];
  for (let t = 0; t < parts; t++) {
    const s = Math.min(count, Math.floor((units * t) / parts) * grain);
    const e = Math.min(count, Math.floor((units * (t + 1)) / parts) * grain);
    if (e > s) out.push([s, e]);
  }
  return out;
}

/** Scratch blocks of one job, freed together after it. */
class Scratch {
  private readonly blocks: [number, number][] = [];
  constructor(private readonly heap: WasmHeap) {}
  alloc(bytes: number): number {
    if (bytes === 0) return 0;
    const ptr = this.heap.alloc(bytes);
    this.blocks.push([ptr, bytes]);
    return ptr;
  }
  free(): void {
    for (const [ptr, bytes] of this.blocks) this.heap.free(ptr, bytes);
    this.blocks.length = 0;
  }
}

/** Runs `lists` (one per thread) and frees `scratch` afterwards, also when a kernel threw. */
function runJob(ctx: ThreadContext, lists: CallList[], scratch: Scratch): void {
  try {
    ctx.pool.run(lists);
  } finally {
    scratch.free();
  }
}

// ---------------------------------------------------------------- GEMM

/**
 * out [batch, m, n] = a · b over `parts` threads (a [batchA, m, k] or [batchA, k, m] if transA; b
 * [batchB, k, n] or [batchB, n, k] if transB; batch-1 operands broadcast). With at least `parts`
 * batch entries each thread takes whole entries; otherwise each thread takes a block of rows of C
 * in every entry (columns when n > m), packing its own slice of one operand and all of the other:
 * the duplicated packing is the smaller operand's, O(k·min(m, n)) per thread against
 * O(m·n·k / parts) of multiply-adds.
 */
export function matmulThreaded(
  ctx: ThreadContext,
  parts: number,
  aPtr: number,
  bPtr: number,
  outPtr: number,
  g: MatmulGeometry,
): void {
  const { batch, m, k, n } = g;
  const [ars, acs] = g.transA ? [1, m] : [k, 1];
  const [brs, bcs] = g.transB ? [1, k] : [n, 1];
  const row = ctx.packedRow;
  const scratch = new Scratch(ctx.heap);
  const lists: CallList[] = [];
  const byBatch = batch >= parts;
  const byRows = m >= n;
  const ranges = byBatch
    ? splitRange(batch, parts)
    : byRows
      ? splitRange(m, parts, GEMM_GRAIN)
      : splitRange(n, parts, GEMM_GRAIN);
  for (const [s, e] of ranges) {
    const [i0, i1] = byBatch ? [s, e] : [0, batch];
    const rows = byBatch || !byRows ? m : e - s;
    const cols = byBatch || byRows ? n : e - s;
    // Offsets of this thread's slice inside one batch entry of A, B and C.
    const aOff = !byBatch && byRows ? s * ars * 4 : 0;
    const bOff = !byBatch && !byRows ? s * bcs * 4 : 0;
    const cOff = byBatch ? 0 : byRows ? s * n * 4 : s * 4;
    const ap = scratch.alloc(ctx.k.packASize(rows, k));
    const bp = scratch.alloc(ctx.k.packBSize(k, cols));
    const list = ctx.pool.list();
    let packedA = -1;
    let packedB = -1;
    for (let i = i0; i < i1; i++) {
      const ia = g.batchA === 1 ? 0 : i;
      const ib = g.batchB === 1 ? 0 : i;
      if (ia !== packedA) list.call('packA', aPtr + ia * m * k * 4 + aOff, ars, acs, rows, k, ap);
      if (ib !== packedB) list.call('packB', bPtr + ib * k * n * 4 + bOff, brs, bcs, k, cols, bp);
      packedA = ia;
      packedB = ib;
      list.call('gemm', ap, bp, row, k * row, outPtr + i * m * n * 4 + cOff, n, rows, cols, k, 0);
    }
    lists.push(list);
  }
  runJob(ctx, lists, scratch);
}

// ---------------------------------------------------------------- convolution

/** How index.ts runs one convolution: chunk height, whether im2col is skipped, im2col's leading arguments. */
export interface ConvPlan {
  /** Output rows per chunk. */
  rows: number;
  /** 1×1 stride-1 unpadded: the image is its own cols matrix. */
  direct: boolean;
  /** im2col / col2im arguments before (oy0, oy1, OW, ptr): C/G, H, W, KH, KW, strides, pads, dilations. */
  args: number[];
}

/** One (image, group, output-row chunk) work item of a convolution. */
interface ConvItem {
  grp: number;
  /** Output rows [oy0, oy1) of the chunk. */
  oy0: number;
  oy1: number;
  /** Output pixels of the chunk: (oy1 − oy0) · OW. */
  np: number;
  /** Byte offsets of the image-group's first input plane (in x / dx) and first output plane (in y / dy). */
  inOffset: number;
  outOffset: number;
}

/** (image, group, output-row chunk) work items of a convolution, in order. */
function convItems(g: Conv2dGeometry, rows: number): { count: number; at(i: number): ConvItem } {
  const { G, cg, og, OW, pixels, plane } = convDims(g);
  const chunks = Math.ceil(g.outHeight / rows);
  return {
    count: g.batch * G * chunks,
    at(i) {
      const nImg = Math.floor(i / (G * chunks));
      const grp = Math.floor(i / chunks) % G;
      const oy0 = (i % chunks) * rows;
      const oy1 = Math.min(g.outHeight, oy0 + rows);
      return {
        grp,
        oy0,
        oy1,
        np: (oy1 - oy0) * OW,
        inOffset: (nImg * g.inChannels + grp * cg) * plane * 4,
        outOffset: (nImg * g.outChannels + grp * og) * pixels * 4,
      };
    },
  };
}

/**
 * y [N, O, OH, OW] = conv(x [N, C, H, W], w [O, C/G, KH, KW]): the filter is packed once here, then
 * the (image, group, chunk) items are split into contiguous runs, one per thread, each with its own
 * cols and packed-B scratch.
 */
export function conv2dThreaded(
  ctx: ThreadContext,
  parts: number,
  xPtr: number,
  wPtr: number,
  outPtr: number,
  g: Conv2dGeometry,
  plan: ConvPlan,
): void {
  const { G, og, Q, OW, pixels } = convDims(g);
  const row = ctx.packedRow;
  const scratch = new Scratch(ctx.heap);
  const filter = packFilterGroups(ctx.k, (bytes) => scratch.alloc(bytes), wPtr, { G, og, Q }, false);
  const items = convItems(g, plan.rows);
  const lists: CallList[] = [];
  for (const [s, e] of splitRange(items.count, parts)) {
    const cols = plan.direct ? 0 : scratch.alloc(Q * plan.rows * OW * 4);
    const bp = scratch.alloc(ctx.k.packBSize(Q, plan.rows * OW));
    const list = ctx.pool.list();
    for (let i = s; i < e; i++) {
      const { grp, oy0, oy1, np, inOffset, outOffset } = items.at(i);
      const xg = xPtr + inOffset;
      const y = outPtr + outOffset;
      if (plan.direct) list.call('packB', xg + oy0 * OW * 4, pixels, 1, Q, np, bp);
      else {
        list.call('im2col', xg, ...plan.args, oy0, oy1, OW, cols);
        list.call('packB', cols, np, 1, Q, np, bp);
      }
      list.call('gemm', filter.at(grp), bp, row, Q * row, y + oy0 * OW * 4, pixels, og, np, Q, 0);
    }
    lists.push(list);
  }
  runJob(ctx, lists, scratch);
}

/**
 * dx [N, C, H, W] (zero-filled by the caller) += col2im(wᵀ · dy) over threads by (image, group):
 * col2im of neighbouring chunks of one image adds into the same dx rows, so an image-group is never
 * split. Callers pass `parts` ≤ N·G.
 */
export function conv2dGradInputThreaded(
  ctx: ThreadContext,
  parts: number,
  dyPtr: number,
  wPtr: number,
  dxPtr: number,
  g: Conv2dGeometry,
  plan: ConvPlan,
): void {
  const { G, cg, og, Q, OW, pixels, plane } = convDims(g);
  const row = ctx.packedRow;
  const scratch = new Scratch(ctx.heap);
  const filter = packFilterGroups(ctx.k, (bytes) => scratch.alloc(bytes), wPtr, { G, og, Q }, true);
  const lists: CallList[] = [];
  for (const [s, e] of splitRange(g.batch * G, parts)) {
    const dcols = scratch.alloc(Q * plan.rows * OW * 4);
    const bp = scratch.alloc(ctx.k.packBSize(og, plan.rows * OW));
    const list = ctx.pool.list();
    for (let i = s; i < e; i++) {
      const nImg = Math.floor(i / G);
      const grp = i % G;
      const dyg = dyPtr + (nImg * g.outChannels + grp * og) * pixels * 4;
      const dxg = dxPtr + (nImg * g.inChannels + grp * cg) * plane * 4;
      for (let oy0 = 0; oy0 < g.outHeight; oy0 += plan.rows) {
        const oy1 = Math.min(g.outHeight, oy0 + plan.rows);
        const np = (oy1 - oy0) * OW;
        list.call('packB', dyg + oy0 * OW * 4, pixels, 1, og, np, bp);
        list.call('gemm', filter.at(grp), bp, row, og * row, dcols, np, Q, np, og, 0);
        list.call('col2im', dcols, ...plan.args, oy0, oy1, OW, dxg);
      }
    }
    lists.push(list);
  }
  runJob(ctx, lists, scratch);
}

/**
 * dw [O, C/G, KH, KW] = Σ_images,pixels dy ⊗ cols, computed transposed (dwᵀ [G][Q, og], as index.ts
 * does) into one zeroed partial per thread over its run of (image, group, chunk) items; the
 * partials are then summed on this thread (G·Q·og floats each: small next to the GEMMs) and
 * transposed into dw.
 */
export function conv2dGradFilterThreaded(
  ctx: ThreadContext,
  parts: number,
  xPtr: number,
  dyPtr: number,
  dwPtr: number,
  g: Conv2dGeometry,
  plan: ConvPlan,
): void {
  const { G, og, Q, OW, pixels } = convDims(g);
  const row = ctx.packedRow;
  const scratch = new Scratch(ctx.heap);
  const items = convItems(g, plan.rows);
  const ranges = splitRange(items.count, parts);
  const partialFloats = G * Q * og;
  const partials: number[] = [];
  const lists: CallList[] = [];
  for (const [s, e] of ranges) {
    const dwT = scratch.alloc(partialFloats * 4);
    ctx.zero(dwT, partialFloats * 4);
    partials.push(dwT);
    const cols = scratch.alloc(Q * plan.rows * OW * 4);
    const ap = scratch.alloc(ctx.k.packASize(Q, plan.rows * OW));
    const bp = scratch.alloc(ctx.k.packBSize(plan.rows * OW, og));
    const list = ctx.pool.list();
    for (let i = s; i < e; i++) {
      const { grp, oy0, oy1, np, inOffset, outOffset } = items.at(i);
      const xg = xPtr + inOffset;
      const dyg = dyPtr + outOffset;
      list.call('im2col', xg, ...plan.args, oy0, oy1, OW, cols);
      list.call('packA', cols, np, 1, Q, np, ap);
      list.call('packB', dyg + oy0 * OW * 4, 1, pixels, np, og, bp);
      list.call('gemm', ap, bp, row, np * row, dwT + grp * Q * og * 4, og, Q, og, np, 1);
    }
    lists.push(list);
  }
  try {
    ctx.pool.run(lists);
    const sum = partials[0]!;
    for (let t = 1; t < partials.length; t++) {
      ctx.k.binaryF32(0, sum, partialFloats, partials[t]!, partialFloats, sum, partialFloats);
    }
    for (let grp = 0; grp < G; grp++)
      ctx.k.transpose(sum + grp * Q * og * 4, Q, og, dwPtr + grp * og * Q * 4);
  } finally {
    scratch.free();
  }
}

// ---------------------------------------------------------------- generic splits

/**
 * Splits [0, count) into ranges (inner boundaries multiples of `grain`) and runs, on one thread
 * each, the calls `add(list, start, end)` appends for its range: for kernels that are independent
 * over elements or rows (unary ops, row-wise binaries, reductions and log-sum-exp over rows,
 * gathers). Returns false (nothing run) when there are fewer than two ranges.
 */
export function splitCalls(
  ctx: ThreadContext,
  parts: number,
  count: number,
  grain: number,
  add: (list: CallList, start: number, end: number) => void,
): boolean {
  const ranges = splitRange(count, parts, grain);
  if (ranges.length < 2) return false;
  ctx.pool.run(
    ranges.map(([s, e]) => {
      const list = ctx.pool.list();
      add(list, s, e);
      return list;
    }),
  );
  return true;
}

/** Element ranges of unary / elementwise kernels start at multiples of this (a 64-byte line). */
export const ELEMENTS_ALIGNED = ELEMENT_GRAIN;

// ---------------------------------------------------------------- elementwise

/**
 * out[i] = a[i mod na] op b[i mod nb] for i < n (binaryF32's contract: na, nb ∈ {n, 1, a row length
 * dividing n}, one of them n) over element ranges; with a broadcast row the ranges are whole rows.
 * Returns false (nothing run) when n has too few rows to split.
 */
export function binaryThreaded(
  ctx: ThreadContext,
  parts: number,
  op: number,
  a: number,
  na: number,
  b: number,
  nb: number,
  out: number,
  n: number,
): boolean {
  const repeat = na === n ? nb : na;
  const grain = repeat > 1 && repeat < n ? repeat : ELEMENT_GRAIN;
  const ranges = splitRange(n, parts, grain);
  if (ranges.length < 2) return false;
  const lists = ranges.map(([s, e]) =>
    ctx.pool
      .list()
      .call(
        'binaryF32',
        op,
        na === n ? a + s * 4 : a,
        na === n ? e - s : na,
        b + (nb === n ? s * 4 : 0),
        nb === n ? e - s : nb,
        out + s * 4,
        e - s,
      ),
  );
  ctx.pool.run(lists);
  return true;
}

// ---------------------------------------------------------------- indexing

/**
 * out [outer, e, inner] = x [outer, r, inner] gathered at idx [e] (4-byte elements): whole outer
 * slices per thread when there are enough, else a range of idx per thread in every slice.
 */
export function indexSelectThreaded(
  ctx: ThreadContext,
  parts: number,
  x: number,
  outer: number,
  r: number,
  inner: number,
  idx: number,
  e: number,
  out: number,
): void {
  const lists: CallList[] = [];
  if (outer >= parts) {
    for (const [s, t] of splitRange(outer, parts)) {
      lists.push(
        ctx.pool
          .list()
          .call('indexSelect4', x + s * r * inner * 4, t - s, r, inner, idx, e, out + s * e * inner * 4),
      );
    }
  } else {
    for (const [j0, j1] of splitRange(e, parts)) {
      const list = ctx.pool.list();
      for (let o = 0; o < outer; o++) {
        list.call(
          'indexSelect4',
          x + o * r * inner * 4,
          1,
          r,
          inner,
          idx + j0 * 4,
          j1 - j0,
          out + (o * e + j0) * inner * 4,
        );
      }
      lists.push(list);
    }
  }
  ctx.pool.run(lists);
}

/**
 * out [outer, dimSize, inner] = Σ_j src[:, j, :] added at row idx[j] (float32; out is zero-filled by
 * the kernel). Whole outer slices per thread when there are enough (their outputs are disjoint);
 * otherwise each thread adds its range of idx into its own zeroed partial (thread 0's is out), and a
 * second job sums the partials into out by element ranges. Returns false (nothing run) where the
 * partials would cost more than they save: fewer than two source rows per destination row.
 */
export function indexAddThreaded(
  ctx: ThreadContext,
  parts: number,
  src: number,
  outer: number,
  e: number,
  inner: number,
  idx: number,
  dimSize: number,
  out: number,
): boolean {
  const rowBytes = inner * 4;
  if (outer >= parts) {
    const lists = splitRange(outer, parts).map(([s, t]) =>
      ctx.pool
        .list()
        .call(
          'indexAddF32',
          src + s * e * rowBytes,
          t - s,
          e,
          inner,
          idx,
          dimSize,
          out + s * dimSize * rowBytes,
        ),
    );
    ctx.pool.run(lists);
    return true;
  }
  if (e < 2 * dimSize) return false;
  const size = outer * dimSize * inner;
  const scratch = new Scratch(ctx.heap);
  const ranges = splitRange(e, parts);
  const partials = ranges.map((_, t) => (t === 0 ? out : scratch.alloc(size * 4)));
  const lists = ranges.map(([j0, j1], t) => {
    const list = ctx.pool.list();
    for (let o = 0; o < outer; o++) {
      list.call(
        'indexAddF32',
        src + (o * e + j0) * rowBytes,
        1,
        j1 - j0,
        inner,
        idx + j0 * 4,
        dimSize,
        partials[t]! + o * dimSize * rowBytes,
      );
    }
    return list;
  });
  try {
    ctx.pool.run(lists);
    const sums = splitRange(size, parts, ELEMENT_GRAIN).map(([s, t]) => {
      const list = ctx.pool.list();
      for (let p = 1; p < partials.length; p++) {
        list.call('binaryF32', 0, out + s * 4, t - s, partials[p]! + s * 4, t - s, out + s * 4, t - s);
      }
      return list;
    });
    ctx.pool.run(sums);
  } finally {
    scratch.free();
  }
  return true;
}
