/**
 * Worker threads for the wasm backend: a pool of workers that each instantiate the same kernels
 * module over the backend's one shared `WebAssembly.Memory`, so a kernel call can be split into
 * independent sub-calls (rows of C, images, element ranges) that run at once on several cores.
 *
 * The Backend API is synchronous, so a job blocks the calling thread: it writes each worker's call
 * list into the memory, wakes the workers (`Atomics.notify`), runs its own share, then waits for
 * theirs (`Atomics.wait`). Everything the workers touch (control block, call lists, tensors,
 * scratch) lives in the shared memory, so a job needs no `postMessage` and no copy.
 *
 * Control block: one 64-byte slot (16 int32s, one cache line, so workers never share a line) per
 * worker, allocated from the backend's heap:
 *
 *   START     job number the worker should run (the caller bumps it and notifies; -1 = quit)
 *   DONE      job number the worker finished (the worker sets it and notifies)
 *   CMD_PTR   byte offset of the job's call list: int32s `[fn, argc, arg0 … arg(argc-1)]…`
 *   CMD_LEN   int32s in the call list
 *   STATUS    0 ok, 1 a kernel threw (FAILED_FN names which)
 *   READY     1 once the worker has instantiated the kernels
 *
 * Workers start lazily (first job big enough to split) and asynchronously; a job uses the workers
 * that are READY at that moment and runs the rest of the work itself, so nothing ever blocks on a
 * worker starting (a browser may not start one while its creator blocks). `whenReady()` awaits
 * them all, for benchmarks and tests.
 */
import { ErlangenError } from '../../errors.js';
import type { WasmHeap } from './allocator.js';
import { KERNELS_SHARED_MAXIMUM_PAGES } from './kernels.generated.js';
import { WORKER_SOURCE } from './worker.js';

const SLOT_BYTES = 64;
const START = 0;
const DONE = 1;
const CMD_PTR = 2;
const CMD_LEN = 3;
const STATUS = 4;
const READY = 5;
const FAILED_FN = 6;
const QUIT = -1;

/** Busy-wait iterations before the caller sleeps on a worker: most shares end within microseconds of each other. */
const SPIN = 1 << 14;

/** The subset of Node's `Worker` and the browser's `Worker` the pool uses. */
interface KernelWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

interface NodeLike {
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
}

function nodeProcess(): NodeLike | undefined {
  const proc = (globalThis as { process?: NodeLike }).process;
  return proc?.versions?.node !== undefined && typeof proc.getBuiltinModule === 'function' ? proc : undefined;
}

/** False where this thread may not block in `Atomics.wait` (a browser's main thread). */
function canBlock(): boolean {
  try {
    // Returns 'not-equal' at once where blocking is allowed; throws where it is not.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

type Spawn = (onError: (error: unknown) => void) => KernelWorker;

/**
 * How to start a worker here: Node's `worker_threads` (through `process.getBuiltinModule`, Node ≥ 20.16,
 * so browser bundles never see a `node:` import), else Web Workers from a `blob:` URL.
 */
function spawner(): { spawn: Spawn; dispose(): void } | null {
  const proc = nodeProcess();
  if (proc) {
    const threads = proc.getBuiltinModule!('node:worker_threads') as
      | {
          Worker: new (
            source: string,
            options: { eval: boolean; name?: string },
          ) => KernelWorker & { unref(): void; on(event: string, listener: (e: unknown) => void): void };
        }
      | undefined;
    if (!threads) return null;
    return {
      spawn(onError) {
        const worker = new threads.Worker(WORKER_SOURCE, { eval: true, name: 'erlangen-wasm' });
        // Idle workers wait in Atomics.wait forever; unref'd, they never keep the process alive.
        worker.unref();
        worker.on('error', onError);
        return worker;
      },
      dispose() {},
    };
  }
  if (
    typeof Worker === 'function' &&
    typeof Blob === 'function' &&
    typeof URL.createObjectURL === 'function'
  ) {
    let url: string | null = null;
    return {
      spawn(onError) {
        url ??= URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
        const worker = new Worker(url, { name: 'erlangen-wasm' });
        worker.addEventListener('error', onError);
        return worker;
      },
      dispose() {
        if (url !== null) URL.revokeObjectURL(url);
        url = null;
      },
    };
  }
  return null;
}

/**
 * Why worker threads cannot be used here, or null when they can: they need `SharedArrayBuffer`
 * (in browsers: a cross-origin-isolated page), shared WebAssembly memory, a thread that may block
 * in `Atomics.wait` (not a browser's main thread), and a way to start workers.
 */
export function threadsUnavailableReason(): string | null {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    return 'SharedArrayBuffer is not available (browsers need a cross-origin-isolated page: COOP + COEP headers)';
  }
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) {
    return 'the page is not cross-origin isolated (COOP + COEP headers), so memory cannot be shared with workers';
  }
  if (!canBlock()) {
    return "this thread may not block in Atomics.wait (a browser's main thread); create the backend inside a Worker to use threads";
  }
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return 'this engine has no shared WebAssembly memory';
  }
  if (!spawner())
    return 'this environment has no worker threads (Node ≥ 20.16 worker_threads or Web Workers)';
  return null;
}

/** All cores: `os.availableParallelism()` in Node, `navigator.hardwareConcurrency` in browsers, else 1. */
export function defaultThreadCount(): number {
  const proc = nodeProcess();
  if (proc) {
    const os = proc.getBuiltinModule!('node:os') as
      | { availableParallelism?: () => number; cpus(): unknown[] }
      | undefined;
    if (os) return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  }
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  return typeof cores === 'number' && cores >= 1 ? Math.floor(cores) : 1;
}

/**
 * A shared memory of `initialPages` for the shared-memory kernels build. A shared memory needs a
 * maximum, which engines reserve as address space up front: 4 GiB (the wasm32 limit, the most the
 * module declares) where that is possible, else the largest of 1 GiB / 256 MiB that is.
 */
export function sharedMemory(initialPages: number): WebAssembly.Memory {
  let error: unknown;
  for (const maximum of [KERNELS_SHARED_MAXIMUM_PAGES, 16384, 4096]) {
    if (maximum < initialPages) break;
    try {
      return new WebAssembly.Memory({ initial: initialPages, maximum, shared: true });
    } catch (e) {
      error = e;
    }
  }
  throw new ErlangenError(`wasm threads: cannot create a shared memory of ${initialPages} pages: ${error}`);
}

/** Terminates a backend's workers once the backend itself is garbage-collected. */
export const poolFinalizer = /* @__PURE__ */ new FinalizationRegistry<ThreadPool>((pool) => pool.dispose());

let noted = false;
/** Logs, once per process, why a backend asked for threads runs on one. */
export function noteSingleThreaded(reason: string): void {
  if (noted) return;
  noted = true;
  console.info(`[erlangen] wasm backend runs on one thread: ${reason}`);
}

/**
 * One thread's share of a job: kernel calls by export name with int32 arguments (pointers are byte
 * offsets; those ≥ 2³¹ wrap to negative int32s, which a wasm i32 parameter reads back unchanged).
 */
export class CallList {
  readonly data: number[] = [];
  constructor(private readonly ids: ReadonlyMap<string, number>) {}

  call(fn: string, ...args: number[]): this {
    const id = this.ids.get(fn);
    if (id === undefined) throw new ErlangenError(`wasm threads: the kernels module has no export '${fn}'`);
    this.data.push(id, args.length, ...args);
    return this;
  }

  get empty(): boolean {
    return this.data.length === 0;
  }
}

type KernelFn = (...args: number[]) => unknown;

/** Worker threads sharing one backend's memory; see the module comment for the protocol. */
export class ThreadPool {
  /** The most threads a job may use: the caller plus `threads − 1` workers. */
  readonly threads: number;
  private readonly names: string[];
  private readonly ids = new Map<string, number>();
  private readonly fns: KernelFn[];
  private readonly control: number;
  private workers: KernelWorker[] = [];
  private ready: number[] = [];
  private failed = new Set<number>();
  private launcher: ReturnType<typeof spawner> = null;
  private started = false;
  private disposed = false;
  private seq = 0;
  private readonly args: number[] = [];
  /** Jobs run with more than one part, and the parts given to workers (for tests and tuning). */
  readonly stats = { jobs: 0, workerShares: 0 };

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly module: WebAssembly.Module,
    exports: WebAssembly.Exports,
    private readonly heap: WasmHeap,
    threads: number,
  ) {
    this.threads = Math.max(1, Math.floor(threads));
    this.names = Object.keys(exports).filter((n) => typeof exports[n] === 'function');
    for (const [i, n] of this.names.entries()) this.ids.set(n, i);
    this.fns = this.names.map((n) => exports[n] as KernelFn);
    const slots = Math.max(1, this.threads - 1) * SLOT_BYTES;
    this.control = heap.alloc(slots);
    new Uint8Array(memory.buffer, this.control, slots).fill(0);
  }

  private int32(): Int32Array {
    return new Int32Array(this.memory.buffer);
  }
  private slot(worker: number, field: number): number {
    return ((this.control + worker * SLOT_BYTES) >>> 2) + field;
  }

  /** Starts the workers (once); they become usable as each reports READY. */
  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.launcher = spawner();
    if (!this.launcher) return;
    for (let w = 0; w < this.threads - 1; w++) {
      const worker = this.launcher.spawn((error) => {
        // A worker that failed to start (e.g. a CSP forbidding blob: workers) is never READY, so
        // jobs simply never use it.
        if (!this.failed.has(w)) console.warn(`[erlangen] wasm worker ${w} failed:`, error);
        this.failed.add(w);
      });
      worker.postMessage({
        memory: this.memory,
        module: this.module,
        names: this.names,
        slot: this.control + w * SLOT_BYTES,
      });
      this.workers.push(worker);
    }
  }

  /** Threads a job can use now: this one plus the workers that are READY (starts them on first call). */
  available(): number {
    if (this.disposed) return 1;
    this.start();
    // A worker reported failed (its 'error' event) is never given another job.
    if (this.failed.size > 0) this.ready = this.ready.filter((w) => !this.failed.has(w));
    if (this.ready.length + this.failed.size < this.workers.length) {
      const mem = this.int32();
      for (let w = 0; w < this.workers.length; w++) {
        if (!this.ready.includes(w) && !this.failed.has(w) && Atomics.load(mem, this.slot(w, READY)) === 1) {
          this.ready.push(w);
        }
      }
    }
    return 1 + this.ready.length;
  }

  /**
   * How many parts to split `work` units into so each gets at least `minPerThread`: between 1 and
   * `threads`. It depends on the configured thread count only, never on how many workers are
   * running yet, so a kernel's result (its summation order) does not depend on timing.
   */
  partsFor(work: number, minPerThread: number): number {
    if (this.threads === 1 || work < 2 * minPerThread) return 1;
    this.start();
    return Math.max(1, Math.min(this.threads, Math.floor(work / minPerThread)));
  }

  /** Resolves when every worker is READY (or has failed to start); starts them if needed. */
  async whenReady(timeoutMs = 10_000): Promise<void> {
    this.start();
    const until = Date.now() + timeoutMs;
    while (this.available() - 1 + this.failed.size < this.workers.length && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  /** An empty call list for one thread's share of a job. */
  list(): CallList {
    return new CallList(this.ids);
  }

  /**
   * Runs a job: `parts[i]` (i ≥ 1) on the i-th READY worker, `parts[0]` and any part without a
   * running worker (while they start) on this thread, and returns when all are done. The parts
   * must write disjoint memory.
   */
  run(parts: readonly CallList[]): void {
    const workers = Math.min(parts.length - 1, this.available() - 1);
    let total = 0;
    for (let i = 1; i <= workers; i++) total += parts[i]!.data.length;
    const cmdBytes = total * 4;
    const cmd = cmdBytes === 0 ? 0 : this.heap.alloc(cmdBytes);
    // Views after the allocation, which may have grown the memory.
    const mem = this.int32();
    this.seq = this.seq >= 0x7fffffff ? 1 : this.seq + 1;
    const seq = this.seq;
    let at = cmd >>> 2;
    for (let i = 1; i <= workers; i++) {
      const w = this.ready[i - 1]!;
      const data = parts[i]!.data;
      mem.set(data, at);
      Atomics.store(mem, this.slot(w, CMD_PTR), at << 2);
      Atomics.store(mem, this.slot(w, CMD_LEN), data.length);
      Atomics.store(mem, this.slot(w, STATUS), 0);
      Atomics.store(mem, this.slot(w, START), seq);
      Atomics.notify(mem, this.slot(w, START));
      at += data.length;
    }
    if (workers > 0) {
      this.stats.jobs++;
      this.stats.workerShares += workers;
    }
    try {
      if (parts.length > 0) this.execute(parts[0]!);
      for (let i = workers + 1; i < parts.length; i++) this.execute(parts[i]!);
    } finally {
      // Even when this thread's share threw, the workers still read and write the memory: wait.
      for (let i = 1; i <= workers; i++) this.join(mem, this.ready[i - 1]!, seq);
      if (cmdBytes !== 0) this.heap.free(cmd, cmdBytes);
    }
    for (let i = 1; i <= workers; i++) {
      const w = this.ready[i - 1]!;
      if (Atomics.load(mem, this.slot(w, STATUS)) !== 0) {
        const fn = this.names[Atomics.load(mem, this.slot(w, FAILED_FN))] ?? '?';
        throw new ErlangenError(`wasm threads: kernel '${fn}' failed on worker ${w} (its error is logged)`);
      }
    }
  }

  private execute(list: CallList): void {
    const data = list.data;
    const args = this.args;
    for (let at = 0; at < data.length; ) {
      const fn = this.fns[data[at]!]!;
      const argc = data[at + 1]!;
      args.length = argc;
      for (let i = 0; i < argc; i++) args[i] = data[at + 2 + i]!;
      fn(...args);
      at += 2 + argc;
    }
  }

  private join(mem: Int32Array, w: number, seq: number): void {
    const done = this.slot(w, DONE);
    let spins = 0;
    for (;;) {
      const v = Atomics.load(mem, done);
      if (v === seq) return;
      if (spins++ < SPIN) continue;
      // Sleeps while DONE still holds v; a timeout only bounds each sleep, the loop re-checks.
      Atomics.wait(mem, done, v, 1000);
    }
  }

  /** Stops and terminates the workers; later jobs run on the calling thread alone. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const mem = this.int32();
    for (let w = 0; w < this.workers.length; w++) {
      Atomics.store(mem, this.slot(w, START), QUIT);
      Atomics.notify(mem, this.slot(w, START));
      this.workers[w]!.terminate();
    }
    this.workers = [];
    this.ready = [];
    this.launcher?.dispose();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }
}
