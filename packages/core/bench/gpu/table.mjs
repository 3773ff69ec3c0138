#!/usr/bin/env node
/**
 * Joins bench/gpu/bench.mjs's and torch_bench.py's JSON into the Markdown table of issue 4, with
 * its targets:
 *   - matmul 4096²: Erlangen ≥ 60% of cuBLAS fp32 (TF32 off) and ≥ 2× tfjs-webgpu;
 *   - memory-bound kernels: Erlangen ≥ 70% of the copy bandwidth PyTorch reaches on the same card.
 *
 *   node bench/gpu/table.mjs webgpu.json torch.json > table.md
 */

import { readFile } from 'node:fs/promises';

const [webgpuPath, torchPath] = process.argv.slice(2);
if (!webgpuPath || !torchPath) {
  console.error('usage: node bench/gpu/table.mjs webgpu.json torch.json');
  process.exit(1);
}
const webgpu = JSON.parse(await readFile(webgpuPath, 'utf8'));
const torch = JSON.parse(await readFile(torchPath, 'utf8'));
const torchRow = (id) => torch.rows.find((r) => r.id === id) ?? null;

const MATMUL_TARGET = { ofCublas: 0.6, ofTfjs: 2 };
const BANDWIDTH_TARGET = 0.7;

/** Three significant digits, without exponent notation for the small rates of a software adapter. */
const fmt = (x) => (x === null || x === undefined ? '—' : x >= 100 ? x.toFixed(0) : x.toPrecision(3));
const pct = (x) => (x === null || x === undefined ? '—' : `${(100 * x).toFixed(0)}%`);
const verdict = (ok) => (ok === null ? '—' : ok ? 'PASS' : 'FAIL');

const torchCopy = torch.rows.find((r) => r.group === 'copy' && r.id.startsWith('copy-')) ?? null;
const lines = [];
lines.push(
  `GPU: ${webgpu.adapter} (WebGPU via Dawn, Node ${webgpu.node}); PyTorch ${torch.torch} on ${torch.device}, ` +
    `TF32 ${torch.tf32.matmul ? 'ON' : 'off'}. ${webgpu.date}.`,
);
if (webgpu.software || !torch.cuda) {
  lines.push('', '**Not a GPU measurement**: a software adapter or no CUDA; this only tests the scripts.');
}
lines.push(
  '',
  '| kernel | shape | Erlangen | tfjs-webgpu | PyTorch | Erlangen / PyTorch | Erlangen / tfjs | target | met |',
  '|---|---|--:|--:|--:|--:|--:|---|:-:|',
);
for (const r of webgpu.rows) {
  const t = torchRow(r.id);
  const e = r.erlangen.rate;
  const tf = r.tfjs?.rate ?? null;
  const unit = r.unit;
  let target = '';
  let ok = null;
  let vsTorch = t ? e / t.rate : null;
  if (r.group === 'matmul') {
    if (r.id === 'matmul-4096') {
      target = `≥ ${pct(MATMUL_TARGET.ofCublas)} cuBLAS, ≥ ${MATMUL_TARGET.ofTfjs}× tfjs`;
      ok =
        t !== null && tf !== null && e >= MATMUL_TARGET.ofCublas * t.rate && e >= MATMUL_TARGET.ofTfjs * tf;
    }
  } else if (torchCopy) {
    // Memory-bound rows are held against PyTorch's copy bandwidth, the card's practical ceiling.
    vsTorch = e / torchCopy.rate;
    target = `≥ ${pct(BANDWIDTH_TARGET)} of PyTorch copy (${fmt(torchCopy.rate)} GB/s)`;
    ok = vsTorch >= BANDWIDTH_TARGET;
  }
  lines.push(
    `| ${r.id} | ${r.description} | ${fmt(e)} ${unit} | ${tf === null ? '—' : `${fmt(tf)} ${unit}`} | ` +
      `${t ? `${fmt(t.rate)} ${unit}` : '—'} | ${pct(vsTorch)} | ${tf === null ? '—' : `${fmt(e / tf)}×`} | ${target} | ${verdict(ok)} |`,
  );
}
lines.push(
  '',
  'Rates are medians; each WebGPU run submits and waits for the queue inside the clock, PyTorch is timed',
  'with CUDA events. Memory-bound rows count bytes read + written by an ideal kernel. "Erlangen / PyTorch"',
  "compares matmuls with cuBLAS at the same size and memory-bound rows with PyTorch's copy bandwidth.",
);
console.log(lines.join('\n'));
