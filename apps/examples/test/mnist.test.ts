import { describe, expect, it } from 'vitest';
import { trainMnistCnn } from '../src/mnist-train.js';

// The real-data check of the core: a small CNN trained on real handwritten digits must generalise.
// Threshold from the issue: ≥ 95% test accuracy on held-out MNIST digits.
describe('small CNN on MNIST digits (cpu backend)', () => {
  it('reaches ≥ 95% test accuracy', async () => {
    const result = await trainMnistCnn({ epochs: 3, batchSize: 32, seed: 0 });
    console.log(
      `MNIST test accuracy ${(100 * result.testAccuracy).toFixed(2)}%, losses ${result.epochLosses.map((l) => l.toFixed(3)).join(' → ')}`,
    );
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(result.epochLosses[result.epochLosses.length - 1]!).toBeLessThan(result.epochLosses[0]!);
  }, 600_000);
});
