import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nn, tensor } from '@erlangen/core';
import { describe, expect, it } from 'vitest';
import {
  binnedInformation,
  discreteEntropy,
  ICOSAHEDRON_ANTIPODES,
  ICOSAHEDRON_NEIGHBOURS,
  saxeMnistNetwork,
  sequentialTaps,
  TWELVE_BIT_SAMPLES,
  trainTwelveBit,
  twelveBitDataset,
  twelveBitNetwork,
  twelveBitSplit,
} from '../src/index.js';

// ../shared relative to the repository root (research-only licence: read in place, never copied).
const SHARED = fileURLToPath(new URL('../../../../shared/data/ib-var-u/var_u.json', import.meta.url));

describe('12-bit task generator', () => {
  const data = twelveBitDataset();

  it('the icosahedron tables are consistent: symmetric neighbours, involutive antipodes, degree 5', () => {
    ICOSAHEDRON_NEIGHBOURS.forEach((ns, a) => {
      expect(ns.length).toBe(5);
      for (const b of ns) expect(ICOSAHEDRON_NEIGHBOURS[b]).toContain(a);
      const anti = ICOSAHEDRON_ANTIPODES[a]!;
      expect(ICOSAHEDRON_ANTIPODES[anti]).toBe(a);
      expect(ns).not.toContain(anti);
    });
  });

  it('row i is i in binary (MSB first); 2118 positives with the per-weight counts of the issue', () => {
    expect(Array.from(data.inputs.subarray(12, 24))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(data.inputs.subarray(2048 * 12, 2048 * 12 + 2))).toEqual([1, 0]);
    const byWeight = new Array(13).fill(0);
    let positives = 0;
    for (let i = 0; i < TWELVE_BIT_SAMPLES; i++) {
      if (!data.labels[i]) continue;
      positives++;
      let k = 0;
      for (let j = 0; j < 12; j++) k += data.inputs[i * 12 + j]!;
      byWeight[k]++;
    }
    expect(positives).toBe(2118);
    expect(byWeight).toEqual([0, 0, 0, 0, 0, 60, 532, 732, 495, 220, 66, 12, 1]);
    expect(discreteEntropy(data.labels)).toBeCloseTo(0.99916, 5);
  });

  it.skipIf(!existsSync(SHARED))(
    'matches the original var_u.mat labels and inputs exactly (../shared/data/ib-var-u)',
    () => {
      const orig = JSON.parse(readFileSync(SHARED, 'utf8')) as { F: number[][]; y: number[] };
      expect(orig.F.length).toBe(TWELVE_BIT_SAMPLES);
      let mismatches = 0;
      for (let i = 0; i < TWELVE_BIT_SAMPLES; i++) {
        if (orig.y[i] !== data.labels[i]) mismatches++;
        for (let j = 0; j < 12; j++) if (orig.F[i]![j] !== data.inputs[i * 12 + j]) mismatches++;
      }
      expect(mismatches).toBe(0);
    },
  );
  if (!existsSync(SHARED)) console.log(`skipping the var_u comparison: ${SHARED} is absent`);

  it("the original unshuffled 80% split is biased (p(y=1) ≈ 0.437 train vs 0.836 test); 'shuffled' is not", () => {
    const frac = (idx: Int32Array) => idx.reduce((s, i) => s + data.labels[i]!, 0) / idx.length;
    const o = twelveBitSplit('original');
    expect(o.train.length).toBe(3276);
    expect(frac(o.train)).toBeCloseTo(0.437, 3);
    expect(frac(o.test)).toBeCloseTo(0.836, 2);
    const s = twelveBitSplit('shuffled', 0.8, 1);
    expect(Math.abs(frac(s.train) - frac(s.test))).toBeLessThan(0.06);
    expect(new Set([...s.train, ...s.test]).size).toBe(TWELVE_BIT_SAMPLES);
  });
});

describe('12-bit network at initialisation', () => {
  it('first tanh layer: I(X;T) = 12.00 bits and I(T;Y) = H(Y) with 30-bin binning', () => {
    const data = twelveBitDataset();
    const net = twelveBitNetwork('tanh', 0);
    const { taps, names } = sequentialTaps(net);
    expect(names.length).toBe(6);
    const layers = taps(tensor(data.inputs, [TWELVE_BIT_SAMPLES, 12]));
    expect(layers.map((t) => t.shape[1])).toEqual([10, 7, 5, 4, 3, 2]);
    const rows = Int32Array.from({ length: TWELVE_BIT_SAMPLES }, (_, i) => i);
    const r = binnedInformation(layers[0]!, rows, data.labels, { kind: 'fixed', edges: 30 });
    expect(r.ixt.toFixed(2)).toBe('12.00');
    expect(r.ity).toBeCloseTo(discreteEntropy(data.labels), 10);
  });

  it("Saxe's MNIST network has the 784-1024-20-20-20-10 shape", () => {
    const net = saxeMnistNetwork('relu', 0);
    const widths = net
      .children()
      .filter((m) => m instanceof nn.Linear)
      .map((m) => (m as nn.Linear).outFeatures);
    expect(widths).toEqual([1024, 20, 20, 20, 10]);
  });
});

describe('short 12-bit training run with the recorder', () => {
  it('fits, then the 3-unit layer compresses (tanh, binning); log-spaced records, diagnostics, streaming', () => {
    // A short run: 10× the paper's learning rate and 2 minibatches per epoch, so fitting and compression
    // happen within 150 epochs (the full 8000-epoch run is the example; its numbers are in the README).
    const streamed: number[] = [];
    const r = trainTwelveBit({
      epochs: 150,
      batchSize: 1638,
      lr: 4e-3,
      recordPoints: 12,
      estimators: [{ kind: 'binning' }, { kind: 'binning', strategy: { kind: 'floor', binSize: 0.07 } }],
      onRecord: (rec) => streamed.push(rec.epoch),
    });
    const h = r.recorder.history;
    expect(streamed).toEqual(h.map((x) => x.epoch));
    expect(h[0]!.epoch).toBe(0);
    expect(h.at(-1)!.epoch).toBe(150);
    const fixed = (i: number, layer: number) =>
      h[i]!.records.find((q) => q.layer === layer && q.estimator.startsWith('binning(fixed'))!;
    expect(fixed(h.length - 1, 5).ity).toBeGreaterThan(0.7);
    expect(r.trainAccuracy).toBeGreaterThan(0.9);
    const threeUnit = h.map((_, i) => fixed(i, 4).ixt);
    const peak = Math.max(...threeUnit);
    expect(peak).toBeGreaterThan(7.5);
    expect(threeUnit.at(-1)!).toBeLessThan(peak - 1.5);
    const diag = h.at(-1)!.diagnostics;
    expect(diag.map((d) => d.name)).toEqual([
      '0.weight',
      '2.weight',
      '4.weight',
      '6.weight',
      '8.weight',
      '10.weight',
    ]);
    for (const d of diag) {
      expect(d.weightNorm).toBeGreaterThan(0);
      expect(d.gradientSnr).toBeGreaterThan(0);
    }
    expect(h[0]!.diagnostics[0]!.gradientSnr).toBeNull();
    // Everything is plain JSON.
    const json = JSON.parse(JSON.stringify(r.recorder.toJSON()));
    expect(json.history.length).toBe(h.length);
    r.recorder.dispose();
  }, 30_000);

  it("batchOrder 'fixed' (IDNNs' consecutive slices) and init 'torch' run; bad values name the argument", () => {
    const run = (o: Parameters<typeof trainTwelveBit>[0]) => {
      const r = trainTwelveBit({ epochs: 2, batchSize: 1024, recordPoints: 2, split: 'original', ...o });
      r.recorder.dispose();
      return r;
    };
    const a = run({ batchOrder: 'fixed' });
    const b = run({ batchOrder: 'fixed', seed: 0 });
    expect(a.finalLoss).toBe(b.finalLoss); // deterministic
    expect(run({ batchOrder: 'shuffled' }).finalLoss).not.toBe(a.finalLoss);
    expect(Number.isFinite(run({ init: 'torch' }).finalLoss)).toBe(true);
    expect(() => run({ batchOrder: 'random' as 'fixed' })).toThrow(/batchOrder/);
    expect(() => run({ init: 'xavier' as 'torch' })).toThrow(/init/);
  }, 20_000);
});
