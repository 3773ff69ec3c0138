import { ErlangenError, manualSeed, nn, randn, tensor } from '@erlangen/core';
import { describe, expect, it } from 'vitest';
import {
  binnedInformation,
  InformationPlaneRecorder,
  informationPlaneFrames,
  informationPlaneSvg,
  kdeInformation,
  layerCurvesSvg,
  logSpacedEpochs,
  planeSeries,
} from '../src/index.js';

describe('logSpacedEpochs', () => {
  it('is sorted, unique, includes 0 and the last epoch, and is dense early', () => {
    const e = logSpacedEpochs(8000, 40);
    expect(e[0]).toBe(0);
    expect(e.at(-1)).toBe(8000);
    for (let i = 1; i < e.length; i++) expect(e[i]!).toBeGreaterThan(e[i - 1]!);
    expect(e.filter((v) => v < 100).length).toBeGreaterThan(e.filter((v) => v >= 1000).length);
  });
});

describe('InformationPlaneRecorder', () => {
  function setup() {
    manualSeed(3);
    const model = new nn.Sequential(
      new nn.Linear(4, 6),
      new nn.ReLU(),
      new nn.Linear(6, 3),
      new nn.Tanh(),
      new nn.Linear(3, 2),
    );
    const x = randn([128, 4]);
    const y = Int32Array.from({ length: 128 }, (_, i) => i % 2);
    return { model, x, y };
  }

  it('taps a Sequential after each activation and at the output, with several estimators', () => {
    const { model, x, y } = setup();
    const rec = new InformationPlaneRecorder({
      model,
      probeInputs: x,
      probeLabels: y,
      estimators: [
        { kind: 'binning' },
        { kind: 'kde', noiseVariance: 0.05 },
        { kind: 'ksg', k: 3, maxSamples: 64 },
        { kind: 'renyi', maxSamples: 32 },
      ],
      epochs: [0],
    });
    const r = rec.recordNow(0);
    expect(rec.layerNames).toEqual(['layer 1 (1)', 'layer 2 (3)', 'output']);
    expect(r.records.length).toBe(4 * 3);
    for (const q of r.records) {
      expect(Number.isFinite(q.ixt)).toBe(true);
      expect(Number.isFinite(q.ity)).toBe(true);
    }
    const kde = r.records.filter((q) => q.estimator.startsWith('kde'));
    for (const q of kde) expect(q.ixt).toBeGreaterThanOrEqual(q.ixtLower!);
    expect(Object.keys(r.estimatorMs).length).toBe(4);
    rec.dispose();
  });

  it('accepts custom taps; a tap with the wrong sample count and an empty probe set are clear errors', () => {
    const { x, y } = setup();
    const rec = new InformationPlaneRecorder({
      taps: (inp) => [inp.tanh(), inp.narrow(0, 0, 10)],
      probeInputs: x,
      probeLabels: y,
    });
    expect(() => rec.recordNow(0)).toThrow(/layer 1 returned 10 samples for a probe set of 128/);
    expect(
      () =>
        new InformationPlaneRecorder({ taps: (i) => [i], probeInputs: tensor([], [0, 4]), probeLabels: [] }),
    ).toThrow(/non-empty probe set/);
    expect(
      () => new InformationPlaneRecorder({ taps: (i) => [i], probeInputs: x, probeLabels: [0, 1] }),
    ).toThrow(ErlangenError);
  });
});

describe('ReLU and the clipping artefact', () => {
  it('fixed [−1, 1] binning collapses large ReLU activations; floor binning and KDE do not', () => {
    manualSeed(5);
    // A ReLU layer whose activations grow past 1, as in training: scale × relu(z).
    const z = randn([512, 3]).relu();
    const codes = Int32Array.from({ length: 512 }, (_, i) => i);
    const labels = Int32Array.from({ length: 512 }, (_, i) => i % 2);
    const small = binnedInformation(z, codes, labels, { kind: 'fixed' }).ixt;
    const big = z.mul(20);
    const clipped = binnedInformation(big, codes, labels, { kind: 'fixed' }).ixt;
    const floor = binnedInformation(big, codes, labels, { kind: 'floor', binSize: 0.07 }).ixt;
    // Larger activations carry the same information about X, but fixed bins see "compression".
    expect(clipped).toBeLessThan(small - 2);
    expect(floor).toBeGreaterThan(clipped + 3);
    const kdeSmall = kdeInformation(z, labels, { noiseVariance: 0.1 }).ixtUpper;
    const kdeBig = kdeInformation(big, labels, { noiseVariance: 0.1 }).ixtUpper;
    expect(kdeBig).toBeGreaterThanOrEqual(kdeSmall);
  });
});

describe('plots', () => {
  const history = [0, 10, 100].map((epoch, e) => ({
    epoch,
    diagnostics: [],
    estimatorMs: {},
    records: [0, 1, 2].map((layer) => ({
      epoch,
      estimator: 'b',
      layer,
      ixt: 10 - 3 * layer - e,
      ity: 0.3 * e + 0.1 * layer,
    })),
  }));

  it('the information plane has one marker per layer per epoch, a colour bar and the caveat', () => {
    const s = planeSeries(history, 'b', ['a', 'b', 'c']);
    expect(s.ixt.length).toBe(3);
    const svg = informationPlaneSvg(s, { title: 'test' });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<circle /g)?.length).toBe(9);
    expect(svg.match(/<polyline /g)?.length).toBe(3);
    expect(svg).toContain('clustering');
    expect(svg).toContain('>epoch<');
    expect(layerCurvesSvg(s).match(/<polyline /g)?.length).toBe(6);
    const frames = informationPlaneFrames(s);
    expect(frames.length).toBe(3);
    expect(frames[0]!.match(/<circle /g)?.length).toBe(3);
    expect(() => planeSeries(history, 'nope')).toThrow(/one of: b/);
  });
});
