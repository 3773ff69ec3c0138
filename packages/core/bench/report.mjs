/** Turning measured rows into the console table and the results JSON. */

import { mkdir, writeFile } from 'node:fs/promises';

export function throughput(row, ms) {
  if (row.flops) return `${(row.flops / (ms * 1e6)).toFixed(1)} GFLOP/s`;
  if (row.bytes) return `${(row.bytes / (ms * 1e6)).toFixed(2)} GB/s`;
  return '';
}

const fmtMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

/** What every results row records about its benchmark row. */
export function rowInfo(row) {
  return {
    id: row.id,
    group: row.group,
    description: row.description,
    flops: row.flops ?? null,
    bytes: row.bytes ?? null,
  };
}

/** One line while the benchmark runs, so a long run shows life. */
export function progressLine(i, total, r) {
  const verdict = r.ratio >= 1 ? 'faster' : 'SLOWER';
  return (
    `[${i + 1}/${total}] ${r.id.padEnd(16)} erlangen ${fmtMs(r.erlangen.medianMs).padStart(7)} ms` +
    `  tfjs-cpu ${fmtMs(r.tfjs.medianMs).padStart(7)} ms  ×${r.ratio.toFixed(2)} ${verdict}` +
    `  (${r.erlangen.runs}+${r.tfjs.runs} runs, max rel diff ${r.maxRelDiff.toExponential(1)})`
  );
}

/**
 * A Markdown table: pastes into reports and reads fine in a terminal. `peer` names the tfjs side's
 * columns, `fmt` formats milliseconds, and `reps: true` adds the GPU benchmark's reps column.
 */
export function table(results, { peer = 'tfjs-cpu', fmt = fmtMs, reps = false } = {}) {
  const head = ['row', 'shape', 'erlangen ms', `${peer} ms`, 'ratio (tfjs/erl)', 'erlangen', peer];
  if (reps) head.push('reps');
  const body = results.map((r) => [
    r.id,
    r.description,
    fmt(r.erlangen.medianMs),
    fmt(r.tfjs.medianMs),
    `${r.ratio.toFixed(2)}${r.ratio < 1 ? ' (slower)' : ''}`,
    throughput(r, r.erlangen.medianMs),
    throughput(r, r.tfjs.medianMs),
    ...(reps ? [String(r.reps)] : []),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((row) => row[c].length)));
  const numeric = new Set(head.map((_, c) => c).filter((c) => c >= 2));
  const line = (cells) =>
    `| ${cells.map((s, c) => (numeric.has(c) ? s.padStart(widths[c]) : s.padEnd(widths[c]))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (numeric.has(c) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(head), rule, ...body.map(line)].join('\n');
}

/**
 * Writes results/<kind>-<timestamp>.json and results/latest.json (latest-<kind>.json for kinds
 * other than 'cpu', e.g. bench/wasm.mjs's 'wasm'); returns the dated path.
 */
export async function writeResults(dir, report, kind = 'cpu') {
  await mkdir(dir, { recursive: true });
  // ISO time, with ':' (not allowed in Windows file names) replaced.
  const stamp = report.date.replace(/\.\d+Z$/, 'Z').replaceAll(':', '-');
  const json = `${JSON.stringify(report, null, 1)}\n`;
  const path = new URL(`${kind}-${stamp}.json`, dir);
  await writeFile(path, json);
  await writeFile(new URL(kind === 'cpu' ? 'latest.json' : `latest-${kind}.json`, dir), json);
  return path;
}
