import { setBackend } from '@erlangen/core';
import { probeWebGPU } from '@erlangen/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type MnistOptions, trainMnistCnn } from '../src/mnist-train.js';

// The MNIST training test of the core, on the 'webgpu' backend: the same program (src/mnist-train.ts,
// reads through `await t.data()`) trains the same CNN from the same seed on webgpu and on cpu, and the
// two must reach the same accuracy. In CI the GPU is Mesa's lavapipe, a software Vulkan driver on two
// CPU cores, so this run is smaller than the cpu test's 3 epochs on 8,000 digits: 2 epochs on 4,000
// (500 per class), tested on 1,000 (about 50 s of CPU time for both backends).
//
// Without an adapter the test is skipped with the reason, except under CI=true, where it fails.

const CONFIG: MnistOptions = { epochs: 2, batchSize: 32, seed: 0, limitPerClass: 500 };
/** The two backends sum in different orders (GPU tiles and trees), so training trajectories drift
 * apart by float32 rounding; over 250 steps that moves a handful of the 1,000 test digits at most. */
const ACCURACY_MARGIN = 0.01;
/** The core's MNIST bar (test/mnist.test.ts); this configuration reaches 95.9% on both backends (seed 0). */
const MIN_ACCURACY = 0.95;

const { backend: gpu, unavailable, skip } = await probeWebGPU('webgpu MNIST test');

describe.skipIf(skip)('small CNN on MNIST digits (webgpu backend)', () => {
  afterAll(async () => {
    await setBackend('cpu');
    // Dawn's worker threads must stop before the process exits, or lavapipe aborts at exit.
    (gpu as { destroy?: () => void } | null)?.destroy?.();
  });

  it('reaches the accuracy of the same training on cpu', async () => {
    expect(unavailable).toBeNull();
    const onGpu = await trainMnistCnn({ ...CONFIG, backend: 'webgpu' });
    const onCpu = await trainMnistCnn({ ...CONFIG, backend: 'cpu' });
    const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
    console.log(
      `MNIST (${onGpu.numTrain} train / ${onGpu.numTest} test digits, ${CONFIG.epochs} epochs): ` +
        `webgpu ${pct(onGpu.testAccuracy)} test, ${pct(onGpu.trainAccuracy)} train; ` +
        `cpu ${pct(onCpu.testAccuracy)} test, ${pct(onCpu.trainAccuracy)} train; ` +
        `losses webgpu ${onGpu.epochLosses.map((l) => l.toFixed(4)).join(' → ')}, cpu ${onCpu.epochLosses.map((l) => l.toFixed(4)).join(' → ')}`,
    );
    expect(Math.abs(onGpu.testAccuracy - onCpu.testAccuracy)).toBeLessThanOrEqual(ACCURACY_MARGIN);
    expect(Math.abs(onGpu.trainAccuracy - onCpu.trainAccuracy)).toBeLessThanOrEqual(ACCURACY_MARGIN);
    expect(onGpu.testAccuracy).toBeGreaterThanOrEqual(MIN_ACCURACY);
    onGpu.epochLosses.forEach((l, k) => {
      expect(l).toBeCloseTo(onCpu.epochLosses[k]!, 2);
    });
    expect(onGpu.epochLosses[1]!).toBeLessThan(onGpu.epochLosses[0]!);
  }, 300_000);
});
