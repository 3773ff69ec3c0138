import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { trainCora } from '../src/graph/cora-train.js';
import { trainMutag } from '../src/graph/mutag-train.js';

// Smoke tests of the graph examples (the full runs are the CLIs; accuracy thresholds are tested in
// packages/graph/test/cora.test.ts): a few epochs must run and learn something.
describe('graph examples', () => {
  it('GCN and GAT on Cora train for a few epochs', () => {
    for (const model of ['gcn', 'gat'] as const) {
      const losses: number[] = [];
      const r = trainCora({ model, epochs: 8, onEpoch: ({ loss }) => losses.push(loss) });
      expect(losses.length).toBe(8);
      expect(losses[7]!).toBeLessThan(losses[0]!);
      expect(r.bestValAccuracy).toBeGreaterThan(0.3);
    }
  }, 120_000);

  it('GIN on MUTAG runs cross-validation', () => {
    const r = trainMutag({ folds: 2, epochs: 2 });
    expect(r.foldAccuracies.length).toBe(2);
    expect(r.selectedFoldAccuracies.length).toBe(2);
    for (const a of [...r.foldAccuracies, ...r.selectedFoldAccuracies]) expect(a).toBeGreaterThanOrEqual(0);
    expect(r.curve.length).toBe(2);
  }, 120_000);
});

describe('the graph package README example', () => {
  it('is src/graph/readme-gcn.ts verbatim (below its two header comments)', () => {
    const readme = readFileSync(new URL('../../../packages/graph/README.md', import.meta.url), 'utf8');
    const block = readme.split('## Example')[1]!.split('```ts\n')[1]!.split('```')[0]!;
    const file = readFileSync(new URL('../src/graph/readme-gcn.ts', import.meta.url), 'utf8');
    expect(file.split('\n').slice(2).join('\n')).toBe(block);
  });
});
