/**
 * The source of one kernel worker thread, as a string: Node runs it with
 * `new Worker(source, { eval: true })`, browsers from a `blob:` URL of it. Shipping the worker as a
 * string built into the same module (rather than a second file found with
 * `new URL('./worker.js', import.meta.url)`) means it loads identically from the TypeScript sources
 * under vitest, from the tsup bundle in dist/, and from any application bundler, with no extra
 * file to resolve, copy or serve. It is plain ES2020 with no imports, so it needs no transpiling.
 * (A browser page with a Content-Security-Policy must allow `worker-src blob:`.)
 *
 * Protocol (see threads.ts): the worker receives `{ memory, module, names, slot }` once,
 * instantiates the kernels over the shared memory, sets READY, then loops: wait until START
 * changes, run the call list at CMD_PTR (CMD_LEN int32s of `[fn, argc, ...args]`), write STATUS,
 * publish DONE = START and notify. START = -1 ends the loop. All slots are int32 indices into the
 * memory: the control block is a block of the wasm heap.
 */
export const WORKER_SOURCE = `'use strict';
const START = 0, DONE = 1, CMD_PTR = 2, CMD_LEN = 3, STATUS = 4, READY = 5, FAILED_FN = 6;
const SPIN = 1 << 15;
function serve(init) {
  const memory = init.memory;
  const instance = new WebAssembly.Instance(init.module, { env: { memory: memory } });
  const fns = init.names.map(function (n) { return instance.exports[n]; });
  const base = init.slot >>> 2;
  let mem = new Int32Array(memory.buffer);
  const args = [];
  Atomics.store(mem, base + READY, 1);
  Atomics.notify(mem, base + READY);
  let seen = 0;
  for (;;) {
    // Kernels often come back to back (a layer's forward, its gradients): spin briefly before
    // sleeping, since waking a sleeping thread (a futex, an idle vCPU) can cost far more.
    for (let i = 0; i < SPIN && Atomics.load(mem, base + START) === seen; i++);
    Atomics.wait(mem, base + START, seen);
    const seq = Atomics.load(mem, base + START);
    if (seq === seen) continue;
    if (seq === -1) return;
    seen = seq;
    let status = 0;
    let at = Atomics.load(mem, base + CMD_PTR) >>> 2;
    const end = at + Atomics.load(mem, base + CMD_LEN);
    // The main thread may have grown the memory since the last job: re-view it.
    if (end > mem.length) mem = new Int32Array(memory.buffer);
    let fn = -1;
    try {
      while (at < end) {
        fn = mem[at];
        const argc = mem[at + 1];
        args.length = argc;
        for (let i = 0; i < argc; i++) args[i] = mem[at + 2 + i];
        fns[fn].apply(null, args);
        at += 2 + argc;
      }
    } catch (e) {
      status = 1;
      Atomics.store(mem, base + FAILED_FN, fn);
      console.error('[erlangen] wasm worker: kernel ' + init.names[fn] + ' failed:', e);
    }
    Atomics.store(mem, base + STATUS, status);
    Atomics.store(mem, base + DONE, seq);
    Atomics.notify(mem, base + DONE);
  }
}
if (typeof require === 'function') {
  require('node:worker_threads').parentPort.once('message', serve);
} else {
  self.onmessage = function (event) { self.onmessage = null; serve(event.data); };
}
`;
