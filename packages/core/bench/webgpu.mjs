#!/usr/bin/env node
/**
 * Erlangen's 'webgpu' backend against @tensorflow/tfjs-backend-webgpu, in one process, on the same
 * GPU (Dawn, through the optional `webgpu` package), float32.
 *
 *   cd packages/core && npx tsup && node bench/webgpu.mjs [--quick] [--rows matmul,scatter] [--budget S]
 *   npm run bench -- --backend webgpu [same options]            (from the repository root)
 *
 * Each timed run records the operation (repeated `reps` times for small ones), submits and waits
 * for the GPU queue, inside the clock (webgpu-lib.mjs); the two libraries alternate run by run.
 * ratio = tfjs median / Erlangen median (> 1: Erlangen faster). Writes results/webgpu-<ISO time>.json
 * and results/latest-webgpu.json unless --no-write. Without a GPU, Dawn runs on Mesa's lavapipe
 * (Vulkan on the CPU): the numbers then say how the kernels map to a CPU, not to a GPU.
 */

import os from 'node:os';
import { parseArgs } from 'node:util';
import { table as reportTable, rowInfo, writeResults } from './report.mjs';
import { maxRelDiff } from './rows.mjs';
import {
  compareGpu,
  installNavigatorGpu,
  loadErlangenWebGPU,
  loadTfjsWebGPU,
  prepare,
} from './webgpu-lib.mjs';
import { webgpuRows } from './webgpu-rows.mjs';

const USAGE = `usage: node bench/webgpu.mjs [options]
  --quick            fewer runs, matmuls up to 1024 (smoke test of the benchmark itself)
  --max-matmul N     largest matmul row (default 4096; 1024 on a software adapter such as lavapipe,
                     where a 4096² product takes minutes a run)
  --matmul-tile 64|128  force Erlangen's matmul tile (default: 128×128 from 256 tiles on, else 64×64)
  --rows LIST        comma-separated groups (matmul, conv2d, elementwise, reduce, scatter) or row ids
  --budget SECONDS   measured time per implementation per row (default 1, quick 0.3)
  --no-write         print only; do not write bench/results
  --backend webgpu   accepted (how \`npm run bench -- --backend webgpu\` reaches this script)`;

const { values: cli } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'max-matmul': { type: 'string' },
    'matmul-tile': { type: 'string' },
    rows: { type: 'string' },
    budget: { type: 'string' },
    backend: { type: 'string', default: 'webgpu' },
    'no-write': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (cli.help) {
  console.log(USAGE);
  process.exit(0);
}
const budgetMs = (cli.budget === undefined ? (cli.quick ? 0.3 : 1) : Number(cli.budget)) * 1000;
if (!(budgetMs > 0)) throw new Error(`--budget expects a positive number of seconds, got ${cli.budget}`);
const timing = cli.quick
  ? { warmupRuns: 1, minRuns: 3, maxRuns: 10, budgetMs }
  : { warmupRuns: 2, minRuns: 5, maxRuns: 100, budgetMs };

function selectRows(all, filter) {
  const tokens = (filter ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (tokens.length === 0) return all;
  const hit = (r, t) => r.id === t || r.group === t || r.id.startsWith(`${t}-`);
  const unknown = tokens.filter((t) => !all.some((r) => hit(r, t)));
  if (unknown.length)
    throw new Error(`unknown row(s) ${unknown.join(', ')}; choose from ${all.map((r) => r.id).join(', ')}`);
  return all.filter((r) => tokens.some((t) => hit(r, t)));
}

// Finer than report.mjs's default: small GPU ops take well under a millisecond.
const fmtMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));

export const table = (results) => reportTable(results, { peer: 'tfjs-webgpu', fmt: fmtMs, reps: true });

async function main() {
  installNavigatorGpu();
  const matmulTile = cli['matmul-tile'] === undefined ? undefined : Number(cli['matmul-tile']);
  if (matmulTile !== undefined && matmulTile !== 64 && matmulTile !== 128)
    throw new Error(`--matmul-tile expects 64 or 128, got ${cli['matmul-tile']}`);
  const erl = await loadErlangenWebGPU(matmulTile ? { matmulTile } : {});
  const tfw = await loadTfjsWebGPU();
  const { E } = erl;
  const { tf } = tfw;
  const software = /llvmpipe|lavapipe|swiftshader/i.test(erl.adapter);
  const maxMatmul = Number(cli['max-matmul'] ?? (cli.quick || software ? 1024 : 4096));
  const rows = selectRows(webgpuRows({ maxMatmul }), cli.rows);
  console.error(
    `erlangen webgpu vs tfjs-backend-webgpu on ${erl.adapter}${software ? ' (software adapter)' : ''}, ` +
      `node ${process.version}; ${rows.length} rows, matmul up to ${maxMatmul}${cli.quick ? ' (quick)' : ''}`,
  );
  const results = [];
  try {
    for (const [i, row] of rows.entries()) {
      const p = prepare(row, E, tf, erl, tfw);
      try {
        const diff = maxRelDiff(await p.outputs());
        const { reps, stats } = await compareGpu(p.sides, timing);
        const r = {
          ...rowInfo(row),
          reps,
          erlangen: stats.erlangen,
          tfjs: stats.tfjs,
          ratio: stats.tfjs.medianMs / stats.erlangen.medianMs,
          maxRelDiff: diff,
        };
        results.push(r);
        console.error(
          `[${i + 1}/${rows.length}] ${row.id.padEnd(22)} erlangen ${fmtMs(r.erlangen.medianMs).padStart(8)} ms` +
            `  tfjs-webgpu ${fmtMs(r.tfjs.medianMs).padStart(8)} ms  ×${r.ratio.toFixed(2)}` +
            `  (${r.erlangen.runs}+${r.tfjs.runs} runs of ${reps}, max rel diff ${diff.toExponential(1)})`,
        );
        if (!(diff < 1e-3)) console.error(`  WARNING: outputs disagree (max relative difference ${diff})`);
      } finally {
        p.dispose();
      }
    }
  } finally {
    await E.setBackend('cpu');
    erl.destroy();
    tfw.destroy();
  }
  console.log(`\n${table(results)}\n`);
  console.log(
    `adapter: ${erl.adapter}. ratio = tfjs-webgpu median / erlangen median (> 1: erlangen faster); ` +
      'per-operation medians, each run submitted and awaited inside the clock.',
  );
  if (!cli['no-write']) {
    const cpus = os.cpus();
    const require = (await import('node:module')).createRequire(import.meta.url);
    const report = {
      date: new Date().toISOString(),
      adapter: erl.adapter,
      versions: {
        erlangen: require('../package.json').version,
        tfjsCore: require('@tensorflow/tfjs-core/package.json').version,
        tfjsBackendWebgpu: require('@tensorflow/tfjs-backend-webgpu/package.json').version,
        webgpu: require('webgpu/package.json').version,
      },
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: { count: cpus.length, model: cpus[0]?.model ?? null },
      options: { quick: cli.quick, maxMatmul, matmulTile: matmulTile ?? 'auto', timing },
      rows: results,
    };
    const path = await writeResults(new URL('./results/', import.meta.url), report, 'webgpu');
    console.log(`wrote ${path.pathname} and latest-webgpu.json`);
  }
}

main().then(
  // Dawn's worker threads can keep Node alive (or abort lavapipe at exit) after the devices are gone.
  () => process.exit(0),
  (e) => {
    console.error(`bench webgpu: ${e.stack ?? e.message}`);
    process.exit(1);
  },
);
