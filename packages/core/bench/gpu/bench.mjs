#!/usr/bin/env node
/**
 * The WebGPU half of the real-GPU table (bench/gpu/README.md): Erlangen 'webgpu' vs
 * tfjs-backend-webgpu on matmul 1024/2048/4096 (TFLOP/s) and memory-bound kernels (GB/s), in one
 * process on one GPU through Dawn. torch_bench.py measures PyTorch on the same card; table.mjs
 * joins the two.
 *
 *   node bench/gpu/bench.mjs --out results.json [--small] [--require-hardware] [--dawn-flag backend=vulkan]
 *
 * --small runs sizes a CPU (Mesa lavapipe) can do in a minute, to test the script itself.
 * --require-hardware fails when Dawn picked a software adapter (lavapipe, SwiftShader).
 */

import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { rowInfo } from '../report.mjs';
import { maxRelDiff } from '../rows.mjs';
import {
  compareGpu,
  installNavigatorGpu,
  loadErlangenWebGPU,
  loadTfjsWebGPU,
  prepare,
} from '../webgpu-lib.mjs';
import {
  addRow,
  copyRow,
  expRow,
  matmulRow,
  sumAllRow,
  sumLastAxisRow,
  transposeRow,
} from '../webgpu-rows.mjs';

const { values: cli } = parseArgs({
  options: {
    out: { type: 'string' },
    small: { type: 'boolean', default: false },
    'require-hardware': { type: 'boolean', default: false },
    'dawn-flag': { type: 'string', multiple: true, default: [] },
    budget: { type: 'string' },
  },
});

// Memory-bound rows move 2^26 floats (256 MiB) per operand on a GPU: far beyond any cache (H100:
// 50 MB of L2), so they measure DRAM bandwidth.
const big = !cli.small;
const N = big ? 1 << 26 : 1 << 20;
const SIDE = big ? 8192 : 1024;
const rows = [
  ...(big ? [1024, 2048, 4096] : [128, 256, 512]).map(matmulRow),
  copyRow(N),
  addRow(N),
  expRow(N),
  sumAllRow(N),
  sumLastAxisRow(SIDE, SIDE),
  transposeRow(SIDE, SIDE),
];
const budgetMs = Number(cli.budget ?? (big ? 2 : 0.3)) * 1000;
const timing = {
  warmupRuns: 3,
  minRuns: big ? 10 : 3,
  maxRuns: big ? 50 : 10,
  budgetMs,
  targetRunMs: 20,
  maxReps: 200,
};

installNavigatorGpu(cli['dawn-flag']);
const erl = await loadErlangenWebGPU();
const tfw = await loadTfjsWebGPU();
const software = /llvmpipe|lavapipe|swiftshader/i.test(erl.adapter);
console.error(`adapter: ${erl.adapter}${software ? ' (SOFTWARE: not a GPU measurement)' : ''}`);
if (software && cli['require-hardware']) {
  erl.destroy();
  tfw.destroy();
  console.error(
    '--require-hardware: Dawn found no hardware adapter (is the Vulkan loader and ICD installed?)',
  );
  process.exit(2);
}

const results = [];
try {
  for (const row of rows) {
    const p = prepare(row, erl.E, tfw.tf, erl, tfw);
    try {
      const outputs = await p.outputs();
      const diff = outputs ? maxRelDiff(outputs) : null;
      const { reps, stats } = await compareGpu(p.sides, timing);
      // TFLOP/s = flops / (ms · 1e9); GB/s = bytes / (ms · 1e6).
      const rate = (ms) => (row.flops ? row.flops / (ms * 1e9) : row.bytes / (ms * 1e6));
      const r = {
        ...rowInfo(row),
        unit: row.flops ? 'TFLOP/s' : 'GB/s',
        reps,
        maxRelDiff: diff,
        erlangen: { ...stats.erlangen, rate: rate(stats.erlangen.medianMs) },
        tfjs: stats.tfjs ? { ...stats.tfjs, rate: rate(stats.tfjs.medianMs) } : null,
      };
      results.push(r);
      const fmt = (s) => (s ? `${s.rate.toFixed(2)} ${r.unit} (${s.medianMs.toFixed(3)} ms)` : '—');
      console.error(
        `${row.id.padEnd(22)} erlangen ${fmt(r.erlangen)}  tfjs-webgpu ${fmt(r.tfjs)}  reps ${reps}`,
      );
      if (diff !== null && !(diff < 1e-3))
        console.error(`  WARNING: outputs disagree (max relative difference ${diff})`);
    } finally {
      p.dispose();
    }
  }
} finally {
  await erl.E.setBackend('cpu');
  erl.destroy();
  tfw.destroy();
}

const report = {
  date: new Date().toISOString(),
  adapter: erl.adapter,
  software,
  node: process.version,
  platform: `${os.platform()} ${os.arch()}`,
  options: { small: cli.small, timing, dawnFlags: cli['dawn-flag'] },
  rows: results,
};
if (cli.out) await writeFile(cli.out, `${JSON.stringify(report, null, 1)}\n`);
else console.log(JSON.stringify(report, null, 1));
process.exit(0);
