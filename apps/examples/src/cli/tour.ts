/**
 * `npm start`: the 5G tour — one small, real model per domain, each with a progress bar, then one
 * summary table (task, model, metric, time) and the folder where the figures are.
 *   npm start -- --list          the stops
 *   npm start -- graph grid      only these
 *   npm start -- --quick         shorter runs
 *   npm start -- --backend wasm  another backend (each stop lists the ones it supports)
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getBackend, listBackends, registerWebGPUBackend, setBackend } from '@erlangen/core';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import type { TourResult } from '../tour/task.js';
import { TOUR } from '../tour/tasks.js';

const program = new Command()
  .name('erlangen-tour')
  .description('The Erlangen 5G tour: one small geometric deep learning model per domain.')
  .argument('[names...]', `stops to run (default all): ${TOUR.map((t) => t.name).join(', ')}`)
  .option('-l, --list', 'list the stops and exit')
  .option('-b, --backend <name>', 'backend: cpu, wasm or webgpu', 'cpu')
  .option('-q, --quick', 'shorter runs (fewer epochs and samples)', false)
  .option('-s, --seed <n>', 'random seed', (v) => Number.parseInt(v, 10), 0)
  .option('-o, --out <dir>', 'folder for the figures', 'out/tour')
  .parse();

const opts = program.opts<{ list?: boolean; backend: string; quick: boolean; seed: number; out: string }>();
const names = program.args;

if (opts.list) {
  for (const t of TOUR)
    console.log(`${t.name.padEnd(10)} ${t.domain.padEnd(12)} ${t.description} [${t.backends.join(', ')}]`);
  process.exit(0);
}
const unknown = names.filter((n) => !TOUR.some((t) => t.name === n));
if (unknown.length > 0)
  program.error(
    `unknown stop(s) ${unknown.map((n) => `'${n}'`).join(', ')}; the stops are ${TOUR.map((t) => t.name).join(', ')}`,
  );
const stops = names.length > 0 ? TOUR.filter((t) => names.includes(t.name)) : TOUR;
const unsupported = stops.filter((t) => !t.backends.includes(opts.backend));
if (unsupported.length > 0)
  program.error(
    `--backend ${opts.backend}: ${unsupported.map((t) => `'${t.name}' runs on ${t.backends.join('/')}`).join('; ')}`,
  );

if (opts.backend === 'webgpu') registerWebGPUBackend();
if (!listBackends().includes(opts.backend))
  program.error(`--backend must be one of ${listBackends().join(', ')}, webgpu; received '${opts.backend}'`);
await setBackend(opts.backend);

// npm runs workspace scripts in the workspace folder; resolve --out against where the user typed the command.
const outRoot = resolve(process.env.INIT_CWD ?? process.cwd(), opts.out);
console.log(
  `Erlangen · the 5G tour (backend ${getBackend()}${opts.quick ? ', quick' : ''}): ${stops.map((t) => t.name).join(', ')}\n`,
);
const rows: (TourResult & { name: string; seconds: number })[] = [];
for (const stop of stops) {
  console.log(`▶ ${stop.domain}: ${stop.description}`);
  const outDir = join(outRoot, stop.name);
  mkdirSync(outDir, { recursive: true });
  const bar = new SingleBar({
    format: '  {label} [{bar}] {value}/{total} · {duration_formatted}',
    hideCursor: true,
  });
  let label = '';
  const t0 = performance.now();
  const result = await stop.run({
    backend: getBackend(),
    quick: opts.quick,
    seed: opts.seed,
    outDir,
    progress: (l, value, total) => {
      if (l !== label) {
        if (label) bar.stop();
        label = l;
        bar.start(total, value, { label: l });
      } else bar.update(value);
    },
  });
  if (label) bar.stop();
  const seconds = (performance.now() - t0) / 1000;
  rows.push({ ...result, name: stop.name, seconds });
  console.log(`  ${result.metric} (${seconds.toFixed(0)} s)\n`);
}

const header = ['stop', 'task', 'model', 'metric', 'time'];
const table = rows.map((r) => [r.name, r.task, r.model, r.metric, `${r.seconds.toFixed(0)} s`]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(line(header));
console.log(widths.map((w) => '─'.repeat(w)).join('  '));
for (const row of table) console.log(line(row));
const figures = rows.flatMap((r) => r.figures);
console.log(
  figures.length > 0
    ? `\nFigures (${figures.length}) in ${outRoot}:\n${figures.map((f) => `  ${f}`).join('\n')}`
    : `\nNo figures written (output folder ${outRoot}).`,
);
const total = rows.reduce((s, r) => s + r.seconds, 0);
console.log(`Total ${total.toFixed(0)} s.`);
