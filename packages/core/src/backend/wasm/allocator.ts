/**
 * The wasm backend's heap: one `WebAssembly.Memory` shared by every tensor and every kernel
 * scratch buffer, carved by a size-class allocator with one free list per class.
 *
 * - Blocks are 64-byte aligned (a cache line; SIMD loads never straddle one at a block start).
 * - Classes: multiples of 64 bytes up to 1 KiB, then four classes per power of two (1.25, 1.5,
 *   1.75, 2 ×), so a block wastes at most 25 % of its size. A freed block goes on its class's list
 *   and is handed out again for any request of that class; space is never returned to the memory
 *   (WebAssembly memories cannot shrink), but a steady-state loop allocates nothing new.
 * - When the bump pointer passes the end, the memory grows (at least by half its size, to amortise
 *   the copies some engines make). Growing detaches every typed-array view of the old buffer, so
 *   callers re-create views after any allocation (`WasmBackend.view` does so lazily).
 * - The memory always extends SLACK bytes past the last block, so a SIMD kernel may read (never
 *   write) up to that far past the end of any block: assembly/index.ts `gemm` can read B in place
 *   in 8-wide panels, discarding the lanes past the matrix edge (the backend currently packs B, as
 *   that measured faster, but the guarantee keeps the option safe).
 */
const SLACK = 64;

export class WasmHeap {
  private top: number;
  private readonly freeLists = new Map<number, number[]>();
  /** Bytes in blocks currently handed out (by class size). */
  liveBytes = 0;

  constructor(
    readonly memory: WebAssembly.Memory,
    base: number,
  ) {
    this.top = alignUp(base, 64);
  }

  /** Size class (bytes) of a request of `bytes`. */
  static classOf(bytes: number): number {
    if (bytes <= 1024) return alignUp(Math.max(bytes, 1), 64);
    const pow = 2 ** Math.floor(Math.log2(bytes - 1));
    const step = pow / 4;
    return Math.ceil(bytes / step) * step;
  }

  /** Returns the byte offset of a block of at least `bytes` bytes (its class size is `classOf`). */
  alloc(bytes: number): number {
    const cls = WasmHeap.classOf(bytes);
    this.liveBytes += cls;
    const list = this.freeLists.get(cls);
    if (list && list.length > 0) return list.pop()!;
    const ptr = this.top;
    const end = ptr + cls;
    const have = this.memory.buffer.byteLength;
    if (end + SLACK > have) {
      const need = Math.ceil((end + SLACK - have) / 65536);
      const pages = Math.max(need, Math.ceil(have / 65536 / 2));
      try {
        this.memory.grow(pages);
      } catch {
        // Half again may exceed the 4 GiB limit where the exact need does not.
        this.memory.grow(need);
      }
    }
    this.top = end;
    return ptr;
  }

  free(ptr: number, bytes: number): void {
    const cls = WasmHeap.classOf(bytes);
    this.liveBytes -= cls;
    let list = this.freeLists.get(cls);
    if (!list) this.freeLists.set(cls, (list = []));
    list.push(ptr);
  }

  /** Bytes ever carved from the memory (live + on free lists), from the heap base. */
  get reservedTop(): number {
    return this.top;
  }
}

function alignUp(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}
