/**
 * The tour behind `npm start` (dist/tour.js, built by `npm test` before the tests run): its stop
 * list, its errors for bad arguments, and one real stop end to end (the summary row and table).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TOUR } from '../src/tour/tasks.js';

const tour = fileURLToPath(new URL('../dist/tour.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [tour, ...args], { encoding: 'utf8' });

describe('npm start (the 5G tour)', () => {
  it('has one stop per domain, each with a built example script', () => {
    expect(TOUR.map((t) => t.domain).sort()).toEqual([
      'Gauges',
      'Geodesics',
      'Graphs',
      'Grids & Groups',
      'Information',
    ]);
    for (const t of TOUR) expect(existsSync(join(dirname(tour), t.script)), t.script).toBe(true);
    const list = run('--list');
    expect(list.status).toBe(0);
    for (const t of TOUR) expect(list.stdout).toContain(t.name);
  });
  it('names the problem for an unknown stop or backend', () => {
    const unknown = run('nonsense');
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown stop\(s\) 'nonsense'; the stops are/);
    const backend = run('--backend', 'metal');
    expect(backend.status).not.toBe(0);
    expect(backend.stderr).toMatch(/--backend must be one of cpu, wasm, webgpu; received 'metal'/);
    const unsupported = run('graph', '--backend', 'webgpu');
    expect(unsupported.stderr).toMatch(/'graph' runs on cpu\/wasm/);
  });
  it('runs a stop and prints the summary table', () => {
    const out = mkdtempSync(join(tmpdir(), 'tour-test-'));
    try {
      const r = run('graph', '--quick', '--out', out);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/stop\s+task\s+model\s+metric\s+time/);
      expect(r.stdout).toMatch(
        /graph\s+node classification, Cora\s+GCN, 2 layers\s+GCN test \d+\.\d% at best val/,
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
