/**
 * The page's segmentation-like task on Spot: split the surface into k regions (geodesic Voronoi
 * cells of k seeds spread by farthest-point sampling with heat-method distances) and predict each
 * vertex's region from gauge-invariant, XYZ-free inputs: the package benchmark's curvature features
 * (mean and Gaussian curvature diffused at five scales, log vertex area). Half the vertices train,
 * the other half are held out. Float64 CPU path (package geometry); runs in the worker.
 */
import { curvatureFeatures, HeatGeodesics, HostRandom, type Mesh } from '@erlangen/mesh-gauge';

export interface RegionTask {
  /** float32 [V, numFeatures], standardised per channel and clipped to ±5. */
  features: Float32Array;
  numFeatures: number;
  /** int32 [V]: region of each vertex. */
  labels: Int32Array;
  /** Seed vertex of each region. */
  seeds: number[];
  /** uint8 [V]: 1 = training vertex. */
  trainMask: Uint8Array;
}

export function buildRegionTask(mesh: Mesh, regions: number, seed: number): RegionTask {
  const nv = mesh.numVertices;
  const heat = new HeatGeodesics(mesh);
  // Farthest-point sampling: start from the vertex farthest from vertex 0, add the farthest each time.
  const nearest = new Float64Array(nv).fill(Infinity);
  const labels = new Int32Array(nv);
  const argmax = (d: Float64Array) => d.reduce((best, x, i) => (x > d[best]! ? i : best), 0);
  const seeds = [argmax(heat.distance(0))];
  for (let r = 0; r < regions; r++) {
    const d = heat.distance(seeds[r]!);
    for (let i = 0; i < nv; i++)
      if (d[i]! < nearest[i]!) {
        nearest[i] = d[i]!;
        labels[i] = r;
      }
    if (r + 1 < regions) seeds.push(argmax(nearest));
  }
  const raw = curvatureFeatures(mesh);
  const nf = raw.length / nv;
  const features = new Float32Array(raw.length);
  for (let c = 0; c < nf; c++) {
    let mean = 0;
    let sq = 0;
    for (let i = 0; i < nv; i++) {
      mean += raw[i * nf + c]! / nv;
      sq += raw[i * nf + c]! ** 2 / nv;
    }
    const std = Math.sqrt(Math.max(sq - mean * mean, 1e-12));
    for (let i = 0; i < nv; i++)
      features[i * nf + c] = Math.max(-5, Math.min(5, (raw[i * nf + c]! - mean) / std));
  }
  const rng = new HostRandom(seed + 17);
  const trainMask = Uint8Array.from({ length: nv }, () => (rng.uniform() < 0.5 ? 1 : 0));
  return { features, numFeatures: nf, labels, seeds, trainMask };
}
