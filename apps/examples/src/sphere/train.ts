/**
 * Training and evaluation on spherical-MNIST sets held as plain Float32Arrays (60,000 maps of
 * 32×64 are 490 MB: batches are cut from them on the fly rather than kept as one tensor). Adam with
 * a cosine learning-rate decay to zero over the run, shuffled batches, a progress bar on a terminal
 * and a log line every `logEvery` steps otherwise. Synchronous reads: cpu/wasm backends.
 */
import { nn, noGrad, optim, type Tensor, tensor, tidy } from '@erlangen/core';
import { SingleBar } from 'cli-progress';
import type { SphereSet } from './data.js';

const MAP = 32 * 64;

export interface TrainOptions {
  /** Optimiser steps (the most, with `timeBudget`). */
  steps: number;
  /**
   * Wall-clock budget in seconds: train until it is spent (or `steps` are done), the cosine decay
   * following the elapsed fraction of the budget instead of the step count — for shared machines,
   * where the step rate is not known in advance.
   */
  timeBudget?: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** Without a terminal, write a progress line every this many steps and at the end (default 250). */
  logEvery?: number;
  log?: (line: string) => void;
  /** Extra text for each log line (e.g. a held-out accuracy), given the model and the step. */
  probe?: (model: nn.Module, step: number) => string;
}

/** Deterministic Fisher–Yates shuffle (mulberry32). */
function shuffled(n: number, seed: number): Int32Array {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function batchOf(set: SphereSet, order: Int32Array, start: number, size: number): [Tensor, Tensor] {
  const maps = new Float32Array(size * MAP);
  const labels = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const src = order[start + i]!;
    maps.set(set.maps.subarray(src * MAP, (src + 1) * MAP), i * MAP);
    labels[i] = set.labels[src]!;
  }
  return [tensor(maps, [size, 1, 32, 64]), tensor(labels, [size])];
}

/** Trains for `opts.steps` steps or `opts.timeBudget` seconds (epochs reshuffled); returns the wall time in seconds and the steps taken. */
export function trainOnSpheres(
  name: string,
  model: nn.Module,
  set: SphereSet,
  opts: TrainOptions,
): { seconds: number; steps: number } {
  const optimizer = new optim.Adam(model.parameters(), { lr: opts.lr });
  const perEpoch = Math.floor(set.count / opts.batchSize);
  if (perEpoch < 1)
    throw new Error(`${name}: ${set.count} maps are fewer than one batch of ${opts.batchSize}`);
  const logEvery = opts.logEvery ?? 250;
  const budget = opts.timeBudget;
  const log = opts.log ?? ((line: string) => console.log(line));
  const tty = process.stderr.isTTY === true;
  const bar = tty
    ? new SingleBar({
        format: `${name.padEnd(16)} [{bar}] {value}/{total} steps · epoch {epoch} · loss {loss} · {eta}s left`,
        hideCursor: true,
      })
    : null;
  // with a time budget the bar counts thousandths of the budget
  bar?.start(opts.timeBudget ? 1000 : opts.steps, 0, { epoch: 1, loss: '—' });
  const start = performance.now();
  let order = shuffled(set.count, opts.seed);
  let lossSum = 0;
  let correct = 0;
  let seen = 0;
  model.train();
  let step = 0;
  for (; step < opts.steps; step++) {
    const progress = budget ? (performance.now() - start) / 1000 / budget : step / opts.steps;
    if (progress >= 1) break;
    const epoch = Math.floor(step / perEpoch);
    const within = step % perEpoch;
    if (within === 0 && step > 0) order = shuffled(set.count, opts.seed + epoch);
    // cosine decay to zero over the run
    const lr = (opts.lr * (1 + Math.cos(Math.PI * progress))) / 2;
    for (const g of optimizer.paramGroups) g.lr = lr;
    const [x, y] = batchOf(set, order, within * opts.batchSize, opts.batchSize);
    const [loss, hits] = tidy(() => {
      optimizer.zeroGrad();
      const logits = model.forward(x) as Tensor;
      const l = nn.functional.crossEntropy(logits, y);
      l.backward();
      optimizer.step();
      return [l.item(), logits.argmax(1).eq(y).float().sum().item()] as const;
    });
    x.dispose();
    y.dispose();
    lossSum += loss;
    correct += hits;
    seen += opts.batchSize;
    bar?.update(budget ? Math.round(1000 * progress) : step + 1, { epoch: epoch + 1, loss: loss.toFixed(3) });
    if ((step + 1) % logEvery === 0 || step + 1 === opts.steps) {
      const secs = (performance.now() - start) / 1000;
      const n = seen / opts.batchSize;
      const extra = opts.probe ? opts.probe(model, step + 1) : '';
      model.train();
      if (!tty || extra)
        log(
          `${name}: step ${step + 1}${budget ? '' : `/${opts.steps}`} (epoch ${((step + 1) / perEpoch).toFixed(2)}) loss ${(lossSum / n).toFixed(4)} train acc ${((100 * correct) / seen).toFixed(2)}% lr ${lr.toExponential(2)} ${secs.toFixed(0)} s${extra}`,
        );
      lossSum = 0;
      correct = 0;
      seen = 0;
    }
  }
  bar?.stop();
  model.eval();
  const seconds = (performance.now() - start) / 1000;
  if (budget) log(`${name}: time budget spent after ${step} steps (${seconds.toFixed(0)} s)`);
  return { seconds, steps: step };
}

/** Fraction of `set` the model classifies correctly (eval mode, no gradients, chunks of `chunk`). */
export function sphereAccuracy(model: nn.Module, set: SphereSet, chunk = 250): number {
  model.eval();
  const order = Int32Array.from({ length: set.count }, (_, i) => i);
  let correct = 0;
  for (let s = 0; s < set.count; s += chunk) {
    const size = Math.min(chunk, set.count - s);
    const [x, y] = batchOf(set, order, s, size);
    correct += noGrad(() => tidy(() => (model.forward(x) as Tensor).argmax(1).eq(y).float().sum().item()));
    x.dispose();
    y.dispose();
  }
  return correct / set.count;
}
