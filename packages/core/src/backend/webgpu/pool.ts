/// <reference types="@webgpu/types" />

/** GPUBufferUsage / GPUMapMode values (fixed by the spec), so nothing depends on globals being installed. */
export const USAGE = { MAP_READ: 1, COPY_SRC: 4, COPY_DST: 8, UNIFORM: 64, STORAGE: 128 } as const;
export const MAP_READ = 1;

/**
 * Size-bucketed free lists of storage buffers. Capacities are rounded up to a quarter of a power of
 * two (at least 256 bytes), so a freed buffer serves later tensors of similar size and the waste
 * stays under 25%. Buffers beyond `limitBytes` of pooled memory are destroyed instead of kept.
 */
export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private pooled = 0;
  constructor(private readonly limitBytes: number) {}

  static bucket(bytes: number, maxBytes: number): number {
    if (bytes <= 256) return 256;
    const p = 2 ** Math.floor(Math.log2(bytes));
    const step = Math.max(256, p / 4);
    const cap = Math.ceil(bytes / step) * step;
    return cap > maxBytes ? Math.ceil(bytes / 4) * 4 : cap;
  }

  take(capacity: number): GPUBuffer | undefined {
    const list = this.free.get(capacity);
    const b = list?.pop();
    if (b) this.pooled -= capacity;
    return b;
  }

  give(buffer: GPUBuffer, capacity: number): void {
    if (this.pooled + capacity > this.limitBytes) {
      buffer.destroy();
      return;
    }
    let list = this.free.get(capacity);
    if (!list) this.free.set(capacity, (list = []));
    list.push(buffer);
    this.pooled += capacity;
  }

  get pooledBytes(): number {
    return this.pooled;
  }

  clear(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.pooled = 0;
  }
}
