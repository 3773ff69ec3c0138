#!/usr/bin/env node
/**
 * Erlangen (built package, CPU backend) against TensorFlow.js's CPU backend, in one process.
 *
 *   npx tsup && node bench/run.mjs [--quick] [--rows matmul,conv2d] [--budget 1]
 *
 * Prints one progress line per row, then a table, and writes bench/results/cpu-<ISO time>.json and
 * bench/results/latest.json. ratio = tfjs time / Erlangen time: above 1 means Erlangen is faster.
 * On a noisy machine trust ratios, not absolute times.
 */

import os from 'node:os';
import { parseArgs } from 'node:util';
import { compare } from './harness.mjs';
import { loadErlangen, loadTfjs, versions } from './libs.mjs';
import { progressLine, rowInfo, table, writeResults } from './report.mjs';
import { maxRelDiff, ROWS, selectRows } from './rows.mjs';

const USAGE = `usage: node bench/run.mjs [options]
  --quick            fewer runs (smoke test of the benchmark itself)
  --rows LIST        comma-separated groups or ids: ${[...new Set(ROWS.flatMap((r) => [r.group, r.id]))].join(', ')}
  --budget SECONDS   measured time per implementation per row (default 1, quick 0.25)
  --no-write         print only; do not write bench/results
  --backend cpu|wasm|webgpu  cpu (default): this table; wasm: bench/wasm.mjs (Erlangen wasm vs
                     tfjs-backend-wasm); webgpu: bench/webgpu.mjs (Erlangen webgpu vs tfjs-backend-webgpu)
  -h, --help`;

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      rows: { type: 'string' },
      budget: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      backend: { type: 'string', default: 'cpu' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const budget = values.budget === undefined ? (values.quick ? 0.25 : 1) : Number(values.budget);
  if (!(budget > 0)) throw new Error(`--budget expects a positive number of seconds, got ${values.budget}`);
  return {
    rows: selectRows(values.rows),
    write: !values['no-write'],
    timing: values.quick
      ? { warmupRuns: 1, minRuns: 3, maxRuns: 20, budgetMs: budget * 1000 }
      : { warmupRuns: 3, minRuns: 5, maxRuns: 200, budgetMs: budget * 1000 },
    quick: values.quick,
  };
}

async function main() {
  // `--backend wasm`: the WebAssembly backend's table (Erlangen wasm vs tfjs-backend-wasm vs
  // Erlangen cpu), a script of its own that reads the same options from process.argv.
  const backendAt = process.argv.indexOf('--backend');
  const backend = backendAt >= 0 ? process.argv[backendAt + 1] : 'cpu';
  // `--backend webgpu`: bench/webgpu.mjs (Erlangen webgpu vs tfjs-backend-webgpu), likewise.
  const scripts = { wasm: './wasm.mjs', webgpu: './webgpu.mjs' };
  if (scripts[backend]) {
    await import(scripts[backend]);
    return;
  }
  if (backend !== 'cpu') throw new Error(`--backend expects cpu, wasm or webgpu, got ${backend}`);
  const opts = options();
  const [E, tf, libVersions] = await Promise.all([loadErlangen(), loadTfjs(), versions()]);
  await E.setBackend('cpu');
  const cpus = os.cpus();
  console.error(
    `erlangen ${libVersions.erlangen} vs tfjs-core ${libVersions.tfjsCore} (cpu backend), node ${process.version}, ` +
      `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}; ${opts.rows.length} rows${opts.quick ? ' (quick)' : ''}`,
  );

  const results = [];
  for (const [i, row] of opts.rows.entries()) {
    const bench = row.setup(E, tf);
    try {
      const diff = maxRelDiff(bench.outputs());
      const stats = compare({ erlangen: bench.erlangen, tfjs: bench.tfjs }, opts.timing);
      const r = {
        ...rowInfo(row),
        erlangen: stats.erlangen,
        tfjs: stats.tfjs,
        ratio: stats.tfjs.medianMs / stats.erlangen.medianMs,
        maxRelDiff: diff,
      };
      results.push(r);
      console.error(progressLine(i, opts.rows.length, r));
      if (!(diff < 1e-3)) console.error(`  WARNING: outputs disagree (max relative difference ${diff})`);
    } finally {
      bench.dispose();
    }
  }

  console.log(`\n${table(results)}\n`);
  console.log('ratio = tfjs-cpu median / erlangen median (> 1: erlangen faster); medians of per-run times.');
  if (opts.write) {
    const report = {
      date: new Date().toISOString(),
      versions: libVersions,
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: { count: cpus.length, model: cpus[0]?.model ?? null },
      options: { quick: opts.quick, timing: opts.timing },
      rows: results,
    };
    const path = await writeResults(new URL('./results/', import.meta.url), report);
    console.log(`wrote ${path.pathname} and latest.json`);
  }
}

main().catch((e) => {
  console.error(`bench: ${e.message}`);
  process.exit(1);
});
