/**
 * `npm start`: the 5G tour — one small, real model per domain, each with its progress bar, then
 * one summary table (task, model, metric, time) and the folder where the figures are.
 *   npm start -- --list          the stops
 *   npm start -- graph grid      only these
 *   npm start -- --quick         shorter runs
 *   npm start -- --backend wasm  another backend (each stop lists the ones it supports)
 * Each stop runs its example program (dist/<script>) as a child process with tour-sized arguments.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import type { TourSummary } from '../tour/summary.js';
import { TOUR } from '../tour/tasks.js';

const BACKENDS = ['cpu', 'wasm', 'webgpu'];

const program = new Command()
  .name('erlangen-tour')
  .description('The Erlangen 5G tour: one small geometric deep learning model per domain.')
  .argument('[names...]', `stops to run (default all): ${TOUR.map((t) => t.name).join(', ')}`)
  .option('-l, --list', 'list the stops and exit')
  .option('-b, --backend <name>', `backend: ${BACKENDS.join(', ')}`, 'cpu')
  .option('-q, --quick', 'shorter runs (fewer epochs and samples)', false)
  .option('-s, --seed <n>', 'random seed', (v) => Number.parseInt(v, 10), 0)
  .option('-o, --out <dir>', 'folder for the figures', 'out/tour')
  .parse();

const opts = program.opts<{ list?: boolean; backend: string; quick: boolean; seed: number; out: string }>();
const names = program.args;

if (opts.list) {
  for (const t of TOUR)
    console.log(
      `${t.name.padEnd(8)} ${t.domain.padEnd(12)} ${t.description} [backends: ${t.backends.join(', ')}]`,
    );
  process.exit(0);
}
if (!BACKENDS.includes(opts.backend))
  program.error(`--backend must be one of ${BACKENDS.join(', ')}; received '${opts.backend}'`);
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

const here = dirname(fileURLToPath(import.meta.url));
// npm runs workspace scripts in the workspace folder; resolve --out against where the user typed the command.
const outRoot = resolve(process.env.INIT_CWD ?? process.cwd(), opts.out);
const scratch = mkdtempSync(join(tmpdir(), 'erlangen-tour-'));
console.log(
  `Erlangen · the 5G tour (backend ${opts.backend}${opts.quick ? ', quick' : ''}): ${stops.map((t) => t.name).join(', ')}\n`,
);

const rows: (TourSummary & { name: string; seconds: number })[] = [];
let failed = false;
for (const stop of stops) {
  console.log(`▶ ${stop.domain}: ${stop.description}`);
  const outDir = join(outRoot, stop.name);
  mkdirSync(outDir, { recursive: true });
  const summaryPath = join(scratch, `${stop.name}.json`);
  const args = [...stop.args({ backend: opts.backend, quick: opts.quick, seed: opts.seed, outDir })];
  if (opts.backend !== 'cpu') args.push('--backend', opts.backend);
  const t0 = performance.now();
  const child = spawnSync(
    process.execPath,
    [join(here, stop.script), ...args, '--summary-json', summaryPath],
    {
      stdio: 'inherit',
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  if (child.status !== 0 || !existsSync(summaryPath)) {
    failed = true;
    console.error(
      `  ✗ ${stop.name} failed (exit ${child.status ?? child.signal}); continuing with the next stop\n`,
    );
    rows.push({
      name: stop.name,
      task: stop.description,
      model: '—',
      metric: 'FAILED',
      figures: [],
      seconds,
    });
    continue;
  }
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as TourSummary;
  rows.push({ ...summary, name: stop.name, seconds });
  console.log(`  ✓ ${summary.metric} (${seconds.toFixed(0)} s)\n`);
}
rmSync(scratch, { recursive: true, force: true });

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
    ? `\nFigures (${figures.length}), under ${outRoot}:\n${figures.map((f) => `  ${f}`).join('\n')}`
    : `\nNo figures written (output folder ${outRoot}).`,
);
console.log(`Total ${rows.reduce((s, r) => s + r.seconds, 0).toFixed(0)} s.`);
process.exit(failed ? 1 : 0);
