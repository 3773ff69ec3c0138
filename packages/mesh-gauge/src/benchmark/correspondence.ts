/**
 * The deformed-bunny correspondence benchmark (our own; see deform.ts for the deformations) and the
 * three networks compared on it: GemConv (gauge-equivariant), an isotropic mesh GCN and a geodesic
 * polar convolution. Every network maps per-vertex input features [V, F] to logits [V, V]: vertex i
 * of a test shape is classified as one of the template's V vertices.
 */
import { arange, Generator, manualSeed, nn, noGrad, optim, type Tensor, tensor, tidy } from '@erlangen/core';
import { argError } from '../errors.js';
import { faceAreas } from '../geometry/basic.js';
import { generalizedEigen } from '../geometry/eigen.js';
import { rotateGauge } from '../geometry/gauge.js';
import { HeatGeodesics } from '../geometry/geodesic.js';
import { cotanLaplacian, lumpedMass } from '../geometry/laplacian.js';
import type { Mesh } from '../mesh/mesh.js';
import { GeodesicPolarConv, MeshGCN } from '../nn/baselines.js';
import { GemConv } from '../nn/gem-conv.js';
import { FieldType } from '../nn/irreps.js';
import { ConvGeometry } from '../nn/mesh-geometry.js';
import { RegularNonlinearity } from '../nn/regular-nonlinearity.js';
import { type DeformOptions, deformMesh, HostRandom } from './deform.js';
import { curvatureFeatures } from './features.js';
import { randomEdgeFlips } from './remesh.js';

export interface BenchmarkShape {
  mesh: Mesh;
  geometry: ConvGeometry;
  /** float32 [V, F] standardised features. */
  features: Tensor;
}

export interface CorrespondenceBenchmark {
  template: Mesh;
  train: BenchmarkShape[];
  test: BenchmarkShape[];
  /** The test shapes re-triangulated by random edge flips (same vertices, other connectivity); empty unless asked for. */
  remeshedTest: BenchmarkShape[];
  /** Edge flips applied to each remeshed test shape. */
  remeshedFlips: number[];
  /**
   * The test shapes with every vertex's gauge turned by a random angle (same meshes and features):
   * a gauge-invariant network must score as on `test`; empty unless asked for.
   */
  gaugeRandomizedTest: BenchmarkShape[];
  numFeatures: number;
}

export interface BenchmarkOptions extends DeformOptions {
  numTrain?: number;
  numTest?: number;
  /** Seed of the deformations; train shapes use seeds seed·1000 + i, test shapes seed·1000 + 500 + i. */
  seed?: number;
  /** Radial rings of the conv geometry (default 2). */
  rings?: number;
  /** Also build the remeshed test split (default false). */
  remeshed?: boolean;
  /** Also build the gauge-randomised copy of the test split (default false). */
  gaugeRandomized?: boolean;
  onShape?: (done: number, total: number) => void;
}

/** Builds the train and test shapes, their features (standardised with train statistics) and geometry. */
export function buildCorrespondenceBenchmark(
  template: Mesh,
  opts: BenchmarkOptions = {},
): CorrespondenceBenchmark {
  const numTrain = opts.numTrain ?? 80;
  const numTest = opts.numTest ?? 20;
  const seed = opts.seed ?? 0;
  const k = (opts.modes ?? 12) + 1;
  const eig = generalizedEigen(cotanLaplacian(template), lumpedMass(template), k);
  const total = numTrain + numTest;
  const raw: { mesh: Mesh; f: Float32Array }[] = [];
  for (let s = 0; s < total; s++) {
    const shapeSeed = seed * 1000 + (s < numTrain ? s : 500 + s - numTrain);
    const mesh = deformMesh(template, eig.vectors, k, shapeSeed, opts);
    raw.push({ mesh, f: curvatureFeatures(mesh) });
    opts.onShape?.(s + 1, total);
  }
  const nv = template.numVertices;
  const nf = raw[0]!.f.length / nv;
  const mean = new Float64Array(nf);
  const sq = new Float64Array(nf);
  for (const { f } of raw.slice(0, numTrain))
    for (let i = 0; i < nv; i++)
      for (let c = 0; c < nf; c++) {
        mean[c]! += f[i * nf + c]! / (numTrain * nv);
        sq[c]! += f[i * nf + c]! ** 2 / (numTrain * nv);
      }
  const std = sq.map((s, c) => Math.sqrt(Math.max(s - mean[c]! ** 2, 1e-12)));
  const toShape = (mesh: Mesh, f: Float32Array): BenchmarkShape => {
    const z = f.map((x, idx) => Math.max(-5, Math.min(5, (x - mean[idx % nf]!) / std[idx % nf]!)));
    return {
      mesh,
      geometry: new ConvGeometry(mesh, { rings: opts.rings ?? 2 }),
      features: tensor(z, [nv, nf]).keep(),
    };
  };
  const shapes = raw.map(({ mesh, f }) => toShape(mesh, f));
  const remeshedTest: BenchmarkShape[] = [];
  const remeshedFlips: number[] = [];
  if (opts.remeshed)
    raw.slice(numTrain).forEach(({ mesh }, t) => {
      const { mesh: flipped, flips } = randomEdgeFlips(mesh, seed * 1000 + 900 + t, { passes: 2 });
      remeshedFlips.push(flips);
      remeshedTest.push(toShape(flipped, curvatureFeatures(flipped)));
    });
  const test = shapes.slice(numTrain);
  const gaugeRandomizedTest = opts.gaugeRandomized
    ? test.map((shape, t) => {
        const rng = new HostRandom(seed * 1000 + 700 + t);
        const alpha = Float64Array.from({ length: nv }, () => 2 * Math.PI * rng.uniform());
        const gauge = rotateGauge(shape.geometry.gauge, alpha);
        return { ...shape, geometry: new ConvGeometry(shape.mesh, { rings: opts.rings ?? 2, gauge }) };
      })
    : [];
  return {
    template,
    train: shapes.slice(0, numTrain),
    test,
    remeshedTest,
    remeshedFlips,
    gaugeRandomizedTest,
    numFeatures: nf,
  };
}

export type ModelKind = 'gem' | 'gcn' | 'polar';

export interface CorrespondenceModel extends nn.Module {
  forward(x: Tensor, geom: ConvGeometry): Tensor;
}

/** GemConv network: scalars → 3 × (GemConv to orders 0…2 + RegularNonlinearity) → scalars → linear to V classes. */
export class GemCorrespondenceNet extends nn.Module implements CorrespondenceModel {
  convs: GemConv[];
  nonlinearities: RegularNonlinearity[];
  head: GemConv;
  classifier: nn.Linear;
  constructor(
    inFeatures: number,
    numClasses: number,
    opts: {
      channels?: number;
      order?: number;
      layers?: number;
      rings?: number;
      samples?: number;
      generator?: Generator;
    } = {},
  ) {
    super();
    const c = opts.channels ?? 12;
    const order = opts.order ?? 2;
    const hidden = FieldType.uniform(c, order);
    const rings = opts.rings ?? 2;
    const convs: GemConv[] = [];
    const nls: RegularNonlinearity[] = [];
    let inType = FieldType.scalars(inFeatures);
    for (let l = 0; l < (opts.layers ?? 3); l++) {
      convs.push(new GemConv(inType, hidden, rings, { generator: opts.generator }));
      nls.push(new RegularNonlinearity(hidden, opts.samples ?? 2 * order + 3));
      inType = hidden;
    }
    this.convs = convs;
    this.nonlinearities = nls;
    this.head = new GemConv(hidden, FieldType.scalars(4 * c), rings, { generator: opts.generator });
    this.classifier = new nn.Linear(4 * c, numClasses, { generator: opts.generator });
  }
  forward(x: Tensor, geom: ConvGeometry): Tensor {
    let h = x;
    this.convs.forEach((conv, l) => {
      h = this.nonlinearities[l]!.forward(conv.forward(h, geom));
    });
    return this.classifier.forward(this.head.forward(h, geom).relu());
  }
}

/** A mesh convolution of the baselines: features [V, in] → [V, out] on one mesh's geometry. */
interface MeshConvLayer extends nn.Module {
  forward(x: Tensor, geom: ConvGeometry): Tensor;
}

/**
 * The baselines' network: `layers` mesh convolutions of width `channels`, each followed by ReLU,
 * then a linear layer to V classes. x [V, inFeatures] → logits [V, numClasses].
 */
abstract class ReluConvStackNet<C extends MeshConvLayer> extends nn.Module implements CorrespondenceModel {
  convs: C[];
  classifier: nn.Linear;
  protected constructor(
    inFeatures: number,
    numClasses: number,
    channels: number,
    layers: number,
    makeConv: (inChannels: number, outChannels: number) => C,
    generator: Generator | undefined,
  ) {
    super();
    const convs: C[] = [];
    for (let l = 0; l < layers; l++) convs.push(makeConv(l === 0 ? inFeatures : channels, channels));
    this.convs = convs;
    this.classifier = new nn.Linear(channels, numClasses, { generator });
  }
  forward(x: Tensor, geom: ConvGeometry): Tensor {
    let h = x;
    for (const conv of this.convs) h = conv.forward(h, geom).relu();
    return this.classifier.forward(h);
  }
}

/** MeshGCN baseline: 4 × (MeshGCN, 64 channels, ReLU) → linear to V classes. */
export class GcnCorrespondenceNet extends ReluConvStackNet<MeshGCN> {
  constructor(
    inFeatures: number,
    numClasses: number,
    opts: { channels?: number; layers?: number; generator?: Generator } = {},
  ) {
    const make = (i: number, o: number) => new MeshGCN(i, o, opts);
    super(inFeatures, numClasses, opts.channels ?? 64, opts.layers ?? 4, make, opts.generator);
  }
}

/** Geodesic polar baseline: 4 × (GeodesicPolarConv, 24 channels, ReLU) → linear to V classes. */
export class PolarCorrespondenceNet extends ReluConvStackNet<GeodesicPolarConv> {
  constructor(
    inFeatures: number,
    numClasses: number,
    opts: {
      channels?: number;
      layers?: number;
      angularBins?: number;
      radialBins?: number;
      generator?: Generator;
    } = {},
  ) {
    const make = (i: number, o: number) => new GeodesicPolarConv(i, o, opts);
    super(inFeatures, numClasses, opts.channels ?? 24, opts.layers ?? 4, make, opts.generator);
  }
}

export function createCorrespondenceModel(
  kind: ModelKind,
  inFeatures: number,
  numClasses: number,
  seed = 0,
): CorrespondenceModel {
  const generator = new Generator(seed);
  if (kind === 'gem') return new GemCorrespondenceNet(inFeatures, numClasses, { generator });
  if (kind === 'gcn') return new GcnCorrespondenceNet(inFeatures, numClasses, { generator });
  if (kind === 'polar') return new PolarCorrespondenceNet(inFeatures, numClasses, { generator });
  return argError('createCorrespondenceModel', 'kind', "'gem', 'gcn' or 'polar'", JSON.stringify(kind));
}

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  seed?: number;
  onStep?: (info: { epoch: number; step: number; stepsPerEpoch: number; loss: number }) => void;
}

/** Trains with Adam on cross-entropy over every vertex of every training shape (one shape per step). */
export function trainCorrespondence(
  model: CorrespondenceModel,
  bench: CorrespondenceBenchmark,
  opts: TrainOptions = {},
): number[] {
  const epochs = opts.epochs ?? 20;
  const opt = new optim.Adam(model.parameters(), { lr: opts.learningRate ?? 5e-3 });
  const nv = bench.template.numVertices;
  const target = arange(0, nv, 1, 'int32').keep();
  const losses: number[] = [];
  manualSeed(opts.seed ?? 0);
  let state = (opts.seed ?? 0) + 1;
  for (let epoch = 0; epoch < epochs; epoch++) {
    // Seeded shuffle of the training shapes.
    const order = bench.train.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      state = (state * 1103515245 + 12345) % 2147483648;
      const j = state % (i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let sum = 0;
    order.forEach((s, step) => {
      const shape = bench.train[s]!;
      const loss = tidy(() => {
        opt.zeroGrad();
        const l = nn.functional.crossEntropy(model.forward(shape.features, shape.geometry), target);
        l.backward();
        opt.step();
        return l.item();
      });
      sum += loss;
      opts.onStep?.({ epoch, step, stepsPerEpoch: order.length, loss });
    });
    losses.push(sum / order.length);
  }
  return losses;
}

/** Predicted template vertex for every vertex of every test shape: int32 [shapes][V]. */
export function predictCorrespondence(model: CorrespondenceModel, shapes: BenchmarkShape[]): Int32Array[] {
  return shapes.map((s) =>
    noGrad(() =>
      tidy(() => Int32Array.from(model.forward(s.features, s.geometry).argmax(1).dataSync() as Int32Array)),
    ),
  );
}

export interface CorrespondenceScore {
  /** Fraction of vertices whose prediction is exactly right (geodesic error 0). */
  accuracy: number;
  /** Thresholds (geodesic error / √(template area)) and the fraction of vertices within each. */
  curve: { threshold: number; fraction: number }[];
  /** Mean geodesic error / √area. */
  meanError: number;
}

/**
 * Scores predictions by the geodesic distance on the template between the predicted and the true
 * vertex (heat method, one solve per true vertex), normalised by √(template area).
 */
export function scoreCorrespondence(
  template: Mesh,
  predictions: Int32Array[],
  thresholds: readonly number[] = [0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25],
): CorrespondenceScore {
  const nv = template.numVertices;
  const heat = new HeatGeodesics(template);
  const scale = Math.sqrt(faceAreas(template).reduce((s, a) => s + a, 0));
  const errors: number[] = [];
  for (let i = 0; i < nv; i++) {
    const wrong = predictions.filter((p) => p[i] !== i);
    if (!wrong.length) {
      for (let k = 0; k < predictions.length; k++) errors.push(0);
      continue;
    }
    const d = heat.distance(i);
    for (const p of predictions) errors.push(p[i] === i ? 0 : Math.max(d[p[i]!]!, 0) / scale);
  }
  const n = errors.length;
  return {
    accuracy: errors.filter((e) => e === 0).length / n,
    curve: thresholds.map((t) => ({ threshold: t, fraction: errors.filter((e) => e <= t).length / n })),
    meanError: errors.reduce((s, e) => s + e, 0) / n,
  };
}
