import { describe, expect, it } from 'vitest';
import {
  buildCorrespondenceBenchmark,
  cotanLaplacian,
  createCorrespondenceModel,
  curvatureFeatures,
  deformMesh,
  faceAreas,
  generalizedEigen,
  HostRandom,
  icosphere,
  lumpedMass,
  meshPanelsSvg,
  positionColors,
  predictCorrespondence,
  randomEdgeFlips,
  randomRotation,
  scoreCorrespondence,
  spot,
  trainCorrespondence,
  validateMesh,
} from '../src/index.js';
import { maxDiff } from './helpers.js';

describe('deformed-shape correspondence benchmark (our own, not FAUST)', () => {
  const template = spot();
  const eig = generalizedEigen(cotanLaplacian(template), lumpedMass(template), 13);

  it('deformations are seeded, valid, non-rigid, and the features ignore the random rotation', () => {
    const a = deformMesh(template, eig.vectors, 13, 4);
    const b = deformMesh(template, eig.vectors, 13, 4);
    expect(Array.from(a.vertices)).toEqual(Array.from(b.vertices));
    expect(validateMesh(a)).toEqual([]);
    const c = deformMesh(template, eig.vectors, 13, 5);
    expect(maxDiff(a.vertices, c.vertices)).toBeGreaterThan(0.01);
    // The same deformation without and with the rotation: identical features (rigid invariance).
    const unrotated = deformMesh(template, eig.vectors, 13, 4, { rotate: false });
    expect(maxDiff(curvatureFeatures(unrotated), curvatureFeatures(a))).toBeLessThan(1e-3);
    // Non-rigid: areas change, but only moderately (bumps of 4% of the diagonal).
    const ratio = faceAreas(a).reduce((s, x) => s + x, 0) / faceAreas(template).reduce((s, x) => s + x, 0);
    expect(ratio).toBeGreaterThan(0.9);
    expect(ratio).toBeLessThan(1.2);
    expect(ratio).not.toBeCloseTo(1, 4);
  });

  it('the remeshed split keeps vertices and validity but changes the triangulation', () => {
    const { mesh, flips } = randomEdgeFlips(template, 3, { passes: 2 });
    expect(validateMesh(mesh)).toEqual([]);
    expect(mesh.eulerCharacteristic).toBe(2);
    expect(Array.from(mesh.vertices)).toEqual(Array.from(template.vertices));
    const before = new Set<string>();
    const e = template.halfedges.edges;
    for (let k = 0; k < e.length / 2; k++) before.add(`${e[2 * k]},${e[2 * k + 1]}`);
    const after = mesh.halfedges.edges;
    let changed = 0;
    for (let k = 0; k < after.length / 2; k++)
      if (!before.has(`${after[2 * k]},${after[2 * k + 1]}`)) changed++;
    expect(flips).toBeGreaterThan(300);
    expect(changed / (after.length / 2)).toBeGreaterThan(0.1);
    expect(() => randomEdgeFlips(template, 1, { probability: 2 })).toThrow(/argument 'probability'/);
  });

  it('random rotations are proper rotations', () => {
    const rng = new HostRandom(1);
    for (let t = 0; t < 5; t++) {
      const R = randomRotation(rng);
      const det =
        R[0]! * (R[4]! * R[8]! - R[5]! * R[7]!) -
        R[1]! * (R[3]! * R[8]! - R[5]! * R[6]!) +
        R[2]! * (R[3]! * R[7]! - R[4]! * R[6]!);
      expect(det).toBeCloseTo(1, 12);
    }
  });

  it('a short GemConv training run lowers the loss; scoring and the SVG picture work', () => {
    const small = icosphere(2); // 162 vertices keep this fast; the example runs the real benchmark
    const bench = buildCorrespondenceBenchmark(small, { numTrain: 2, numTest: 1, seed: 3 });
    expect(bench.train.length).toBe(2);
    const model = createCorrespondenceModel('gem', bench.numFeatures, small.numVertices, 0);
    const losses = trainCorrespondence(model, bench, { epochs: 4, learningRate: 1e-2 });
    expect(losses[3]!).toBeLessThan(losses[0]!);
    const pred = predictCorrespondence(model, bench.test);
    const score = scoreCorrespondence(small, pred, [0, 0.1, 1e9]);
    expect(score.curve[2]!.fraction).toBe(1);
    expect(score.curve[0]!.fraction).toBe(score.accuracy);
    // Perfect predictions score 1 with zero error.
    const perfect = scoreCorrespondence(small, [Int32Array.from({ length: small.numVertices }, (_, i) => i)]);
    expect([perfect.accuracy, perfect.meanError]).toEqual([1, 0]);
    const svg = meshPanelsSvg([{ mesh: template, colors: positionColors(template), title: 'spot' }]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect((svg.match(/<polygon/g) ?? []).length).toBeGreaterThan(500);
  });
});
