import { createCpuBackend } from './backend/cpu-backend.js';
import type { Backend, DataId } from './backend/kernels.js';
import { bytesPerElement } from './dtype.js';
import { ErlangenError } from './errors.js';
import { sizeOf } from './shape.js';
import type { Tensor } from './tensor.js';

interface StorageRecord {
  count: number;
  bytes: number;
  backend: Backend;
}

interface Held {
  id: DataId;
}

/**
 * Global state: the active backend, storage reference counts, live-tensor accounting, tidy scopes and
 * grad mode. One per process (module singleton); every `Tensor` registers here.
 */
class Engine {
  private readonly factories = new Map<string, () => Backend | Promise<Backend>>();
  private readonly instances = new Map<string, Backend>();
  private active: Backend | null = null;
  private readonly storage = new Map<DataId, StorageRecord>();
  numTensors = 0;
  numBytes = 0;
  readonly scopes: Set<Tensor>[] = [];
  gradEnabled = true;
  debugLeaks = false;
  constructor() {
    // The CPU backend is always there (WebAssembly SIMD kernels where supported, else TypeScript:
    // backend/cpu-backend.ts); other backends register themselves when their package loads.
    this.registerBackend('cpu', () => createCpuBackend());
  }

  private readonly finalizer = new FinalizationRegistry<Held>((held) => {
    this.numTensors--;
    this.decRef(held.id);
  });

  registerBackend(name: string, factory: () => Backend | Promise<Backend>): void {
    this.factories.set(name, factory);
  }

  /** Whether the backend `name` has been created (its factory has run). */
  hasInstance(name: string): boolean {
    return this.instances.has(name);
  }

  backendNames(): string[] {
    return [...this.factories.keys()];
  }

  async setBackend(name: string): Promise<Backend> {
    const b = await this.initBackend(name);
    this.active = b;
    return b;
  }

  async initBackend(name: string): Promise<Backend> {
    const existing = this.instances.get(name);
    if (existing) return existing;
    const factory = this.factories.get(name);
    if (!factory) {
      throw new ErlangenError(
        `setBackend: argument 'name' expected one of ${this.backendNames()
          .map((n) => `'${n}'`)
          .join(', ')} but received '${name}'`,
      );
    }
    const b = await factory();
    this.instances.set(name, b);
    return b;
  }

  /** Synchronous lookup of an initialised backend (the CPU one initialises on first use). */
  findBackend(name: string): Backend {
    const b = this.instances.get(name);
    if (b) return b;
    const factory = this.factories.get(name);
    if (factory) {
      const made = factory();
      if (!(made instanceof Promise)) {
        this.instances.set(name, made);
        return made;
      }
    }
    throw new ErlangenError(`backend '${name}' is not initialised: call 'await setBackend("${name}")' first`);
  }

  get backend(): Backend {
    if (!this.active) this.active = this.findBackend('cpu');
    return this.active;
  }

  // ---- storage and accounting

  /** Counts a new tensor; views (reshape) share storage, which is released when its last tensor goes. */
  track(t: Tensor): void {
    const id = t.id;
    const rec = this.storage.get(id);
    if (rec) rec.count++;
    else {
      const bytes = sizeOf(t.shape) * bytesPerElement(t.dtype);
      this.storage.set(id, { count: 1, bytes, backend: t.backend });
      this.numBytes += bytes;
    }
    this.numTensors++;
    this.finalizer.register(t, { id }, t);
    const scope = this.scopes[this.scopes.length - 1];
    if (scope) scope.add(t);
  }

  /** Re-registers `t` with the finalizer after `assign` swapped its storage. */
  retarget(t: Tensor): void {
    this.finalizer.unregister(t);
    this.finalizer.register(t, { id: t.id }, t);
  }

  untrack(t: Tensor): void {
    this.finalizer.unregister(t);
    this.numTensors--;
    this.decRef(t.id);
    const scope = this.scopes[this.scopes.length - 1];
    scope?.delete(t);
  }

  incRef(id: DataId): void {
    const rec = this.storage.get(id);
    if (rec) rec.count++;
  }

  decRef(id: DataId): void {
    const rec = this.storage.get(id);
    if (!rec) return;
    rec.count--;
    if (rec.count <= 0) {
      this.storage.delete(id);
      this.numBytes -= rec.bytes;
      rec.backend.release(id);
    }
  }
}

export const engine = new Engine();

/** Live tensors and the bytes of distinct storage they hold, over all backends. */
export function memory(): { numTensors: number; numBytes: number } {
  return { numTensors: engine.numTensors, numBytes: engine.numBytes };
}
