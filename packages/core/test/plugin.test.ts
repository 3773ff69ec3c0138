import { describe, expect, it, vi } from 'vitest';
import {
  CpuBackend,
  defineOp,
  hasKernel,
  listKernels,
  manualSeed,
  randn,
  registerBackend,
  registerKernel,
  runKernel,
  runKernelAsync,
  setBackend,
  type Tensor,
  tensor,
} from '../src/index.js';

// The worked example of BACKENDS.md, verbatim in spirit: a kernel plus a differentiable op.
registerKernel<Record<string, never>>('rowSquaredNorm', 'cpu', (backend, [x]) => {
  const [rows, cols] = x!.shape as [number, number];
  const values = backend.readSync(x!.id, 'float32', rows * cols);
  const out = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += values[i * cols + j]! ** 2;
    out[i] = s;
  }
  return { id: backend.upload(out, 'float32'), shape: [rows], dtype: 'float32' };
});

const rowSquaredNorm = defineOp<Record<string, never>>('rowSquaredNorm', {
  forward: ([x]) => runKernel('rowSquaredNorm', [x!], {})[0]!,
  backward: (dy, [x]) => [x!.mul(dy.unsqueeze(1)).mul(2)],
});

describe('plugin API', () => {
  it('runs a registered kernel and differentiates through defineOp', () => {
    manualSeed(3);
    const x = randn([4, 5]).requireGrad();
    const y: Tensor = rowSquaredNorm([x], {});
    const composed = x.square().sum(1);
    expect(Array.from(y.dataSync())).toEqual(
      Array.from(composed.dataSync()).map((v) => expect.closeTo(v, 5)),
    );
    const w = randn([4]);
    y.mul(w).sum().backward();
    const expected = x.detach().mul(w.unsqueeze(1)).mul(2).dataSync();
    Array.from(x.grad!.dataSync()).forEach((g, i) => {
      expect(g).toBeCloseTo(expected[i]!, 5);
    });
    expect(hasKernel('rowSquaredNorm', 'cpu')).toBe(true);
    expect(listKernels().find((k) => k.name === 'rowSquaredNorm')?.backends).toEqual(['cpu']);
  });

  it('names an unknown kernel clearly', () => {
    expect(() => runKernel('noSuchKernel', [randn([2])], {})).toThrow(/no kernel named 'noSuchKernel'/);
  });

  it('falls back to the CPU kernel on a synchronous backend without one, with a note', async () => {
    registerKernel('onlyCpuDouble', 'cpu', (backend, [x]) => {
      const v = backend.readSync(x!.id, 'float32', x!.shape[0]!) as Float32Array;
      return {
        id: backend.upload(
          v.map((a) => 2 * a),
          'float32',
        ),
        shape: x!.shape,
        dtype: 'float32',
      };
    });
    class TwinBackend extends CpuBackend {
      override readonly name = 'cpu-twin';
    }
    registerBackend('cpu-twin', () => new TwinBackend());
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    await setBackend('cpu-twin');
    try {
      const x = tensor([1, 2, 3]);
      const out = runKernel('onlyCpuDouble', [x], {})[0]!;
      expect(out.backend.name).toBe('cpu-twin');
      expect(Array.from(out.dataSync())).toEqual([2, 4, 6]);
      expect(info).toHaveBeenCalledWith(
        expect.stringContaining("kernel 'onlyCpuDouble' has no 'cpu-twin' implementation"),
      );
    } finally {
      await setBackend('cpu');
      info.mockRestore();
    }
  });

  it('falls back asynchronously on a backend that cannot read synchronously (as GPU backends)', async () => {
    registerKernel('onlyCpuNegate', 'cpu', (backend, [x]) => {
      const v = backend.readSync(x!.id, 'float32', x!.shape[0]!) as Float32Array;
      return {
        id: backend.upload(
          v.map((a) => -a),
          'float32',
        ),
        shape: x!.shape,
        dtype: 'float32',
      };
    });
    class AsyncOnlyBackend extends CpuBackend {
      override readonly name = 'async-only';
      override readonly canReadSync = false;
    }
    registerBackend('async-only', () => new AsyncOnlyBackend());
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    await setBackend('async-only');
    try {
      const x = tensor([1, -2, 3]);
      expect(() => runKernel('onlyCpuNegate', [x], {})).toThrow(/use runKernelAsync/);
      expect(() => x.dataSync()).toThrow(/use 'await t.data\(\)'/);
      const [out] = await runKernelAsync('onlyCpuNegate', [x], {});
      expect(out!.backend.name).toBe('async-only');
      expect(Array.from(await out!.data())).toEqual([-1, 2, -3]);
    } finally {
      await setBackend('cpu');
      info.mockRestore();
    }
  });
});
