/** Turning measured rows into the console table and the results JSON. */

import { mkdir, writeFile } from 'node:fs/promises';

function throughput(row, ms) {
  if (row.flops) return `${(row.flops / (ms * 1e6)).toFixed(1)} GFLOP/s`;
  if (row.bytes) return `${(row.bytes / (ms * 1e6)).toFixed(2)} GB/s`;
  return '';
}

const fmtMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

/** One line while the benchmark runs, so a long run shows life. */
export function progressLine(i, total, r) {
  const verdict = r.ratio >= 1 ? 'faster' : 'SLOWER';
  return (
    `[${i + 1}/${total}] ${r.id.padEnd(16)} erlangen ${fmtMs(r.erlangen.medianMs).padStart(7)} ms` +
    `  tfjs-cpu ${fmtMs(r.tfjs.medianMs).padStart(7)} ms  ×${r.ratio.toFixed(2)} ${verdict}` +
    `  (${r.erlangen.runs}+${r.tfjs.runs} runs, max rel diff ${r.maxRelDiff.toExponential(1)})`
  );
}

/** A Markdown table: pastes into reports and reads fine in a terminal. */
export function table(results) {
  const head = ['row', 'shape', 'erlangen ms', 'tfjs-cpu ms', 'ratio (tfjs/erl)', 'erlangen', 'tfjs-cpu'];
  const body = results.map((r) => [
    r.id,
    r.description,
    fmtMs(r.erlangen.medianMs),
    fmtMs(r.tfjs.medianMs),
    `${r.ratio.toFixed(2)}${r.ratio < 1 ? ' (slower)' : ''}`,
    throughput(r, r.erlangen.medianMs),
    throughput(r, r.tfjs.medianMs),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const numeric = new Set([2, 3, 4, 5, 6]);
  const line = (cells) =>
    `| ${cells.map((s, c) => (numeric.has(c) ? s.padStart(widths[c]) : s.padEnd(widths[c]))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (numeric.has(c) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(head), rule, ...body.map(line)].join('\n');
}

/** Writes results/cpu-<timestamp>.json and results/latest.json; returns the dated path. */
export async function writeResults(dir, report) {
  await mkdir(dir, { recursive: true });
  // ISO time, with ':' (not allowed in Windows file names) replaced.
  const stamp = report.date.replace(/\.\d+Z$/, 'Z').replaceAll(':', '-');
  const json = `${JSON.stringify(report, null, 1)}\n`;
  const path = new URL(`cpu-${stamp}.json`, dir);
  await writeFile(path, json);
  await writeFile(new URL('latest.json', dir), json);
  return path;
}
