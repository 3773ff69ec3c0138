/**
 * Timing of two implementations of one computation, built for a noisy shared machine where only
 * ratios are meaningful:
 * - both run in the same process, interleaved run by run (ABBA order), so a burst of machine noise
 *   or a CPU-frequency change lands on both rather than on whichever happened to run then;
 * - each run reads its result back inside the timed region (the functions do it), so lazy or
 *   asynchronous work cannot escape the clock;
 * - the garbage collector is run (when available) between runs, outside the clock, so one
 *   implementation's garbage is not collected on the other's time;
 * - the reported figure is the median of per-run times, robust to the outliers noise produces.
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// Exposes V8's gc() without requiring `node --expose-gc`, so `npm run bench` stays a plain `node`.
setFlagsFromString('--expose-gc');
export const collectGarbage = runInNewContext('gc');

function timeOnce(fn) {
  collectGarbage();
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** A side slower than this many budgets per row gets only `FLOOR_RUNS` samples (tfjs conv2d backward: ~40 s a run). */
const SLOW_BUDGETS = 20;
const FLOOR_RUNS = 3;

/**
 * The stopping rule of an interleaved comparison (also bench/webgpu-lib.mjs's): `done(name)` once
 * that side has `maxRuns` samples, or `minRuns` and `budgetMs` of measured time (`spent`), or only
 * `FLOOR_RUNS` when it is slower than `slowBudgets` budgets.
 */
export function samplingDone(samples, spent, { minRuns, maxRuns, budgetMs }, slowBudgets = SLOW_BUDGETS) {
  return (n) =>
    samples[n].length >= maxRuns ||
    (samples[n].length >= minRuns && spent[n] >= budgetMs) ||
    (samples[n].length >= FLOOR_RUNS && spent[n] >= slowBudgets * budgetMs);
}

/**
 * Runs each implementation until it has `minRuns` samples and `budgetMs` of measured time (or
 * `maxRuns` samples), after warming each up for `warmupRuns` runs (fewer, but at least one, when
 * warming up alone takes half the budget).
 * `impls` maps names to zero-argument functions; returns per-name stats in milliseconds.
 */
export function compare(impls, { warmupRuns, minRuns, maxRuns, budgetMs }) {
  const names = Object.keys(impls);
  for (const name of names) {
    const t0 = performance.now();
    for (let i = 0; i < warmupRuns && (i === 0 || performance.now() - t0 < budgetMs / 2); i++) impls[name]();
  }
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  const spent = Object.fromEntries(names.map((n) => [n, 0]));
  const done = samplingDone(samples, spent, { minRuns, maxRuns, budgetMs });
  for (let round = 0; !names.every(done); round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      // Keep pairing runs until both are done, so every sample has a neighbour from the other side.
      const ms = timeOnce(impls[name]);
      samples[name].push(ms);
      spent[name] += ms;
    }
  }
  return Object.fromEntries(names.map((n) => [n, summarize(samples[n])]));
}

function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    runs: samples.length,
    medianMs: quantile(sorted, 0.5),
    minMs: sorted[0],
    p25Ms: quantile(sorted, 0.25),
    p75Ms: quantile(sorted, 0.75),
    samplesMs: samples,
  };
}
