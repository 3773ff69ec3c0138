/**
 * The convolution filter as GEMM's packed A operand, shared by the serial (index.ts) and threaded
 * (threads-partition.ts) conv paths: every group's block of w [O, C/G, KH, KW] is the row-major
 * matrix [og, Q] (og = O/G, Q = C/G·KH·KW), packed once per call and read by every GEMM of the
 * batch (and by every thread).
 */
import type { ConvDims } from '../shared.js';

/** The kernel calls packing needs (a subset of assembly/index.ts's exports). */
export interface FilterPackKernels {
  packASize(m: number, k: number): number;
  packA(a: number, rs: number, cs: number, m: number, k: number, out: number): void;
}

/** A packed filter in wasm memory: `bytes` at `ptr`, which the caller frees. */
export interface PackedFilter {
  ptr: number;
  bytes: number;
  /** Where group `grp`'s packed block starts (GEMM's `ap`). */
  at(grp: number): number;
}

/**
 * Allocates (through `alloc`) and packs every group's filter block at `wPtr`: as stored, A = w
 * [og, Q] for the forward pass (y = w · cols), or `transposed`, A(q, o) = w[o, q] [Q, og] for the
 * input gradient (dcols = wᵀ · dy).
 */
export function packFilterGroups(
  k: FilterPackKernels,
  alloc: (bytes: number) => number,
  wPtr: number,
  dims: Pick<ConvDims, 'G' | 'og' | 'Q'>,
  transposed: boolean,
): PackedFilter {
  const { G, og, Q } = dims;
  const [rows, depth, rs, cs] = transposed ? [Q, og, 1, Q] : [og, Q, Q, 1];
  const groupBytes = k.packASize(rows, depth);
  const bytes = groupBytes * G;
  const ptr = alloc(bytes);
  for (let grp = 0; grp < G; grp++)
    k.packA(wPtr + grp * og * Q * 4, rs, cs, rows, depth, ptr + grp * groupBytes);
  return { ptr, bytes, at: (grp) => ptr + grp * groupBytes };
}
