/**
 * @erlangen/mesh-gauge: triangle meshes (I/O, validation, half-edges), discrete differential
 * geometry on a float64 CPU path (normals, areas, cotan Laplacian, mass, curvature, spectra,
 * gradients, gauges, log map, parallel transport, heat-method geodesics), and mesh convolutions
 * on core tensors: the gauge-equivariant GemConv with RegularNonlinearity, and the isotropic GCN,
 * geodesic polar and DiffusionNet-style baselines.
 */

export {
  type BenchmarkOptions,
  type BenchmarkShape,
  buildCorrespondenceBenchmark,
  type CorrespondenceBenchmark,
  type CorrespondenceModel,
  type CorrespondenceScore,
  createCorrespondenceModel,
  GcnCorrespondenceNet,
  GemCorrespondenceNet,
  type ModelKind,
  PolarCorrespondenceNet,
  predictCorrespondence,
  scoreCorrespondence,
  type TrainOptions,
  trainCorrespondence,
} from './benchmark/correspondence.js';
export { type DeformOptions, deformMesh, HostRandom, randomRotation } from './benchmark/deform.js';
export { curvatureFeatures, FEATURE_SCALES } from './benchmark/features.js';
export { type FlipResult, randomEdgeFlips } from './benchmark/remesh.js';
export { bunny, icosphere, parseMesh, readMeshFile, spot, type TorusOptions, torus } from './datasets.js';
export {
  angle3,
  angleDefect,
  cornerAngles,
  faceAreas,
  faceNormals,
  meanEdgeLength,
  vertexAreas,
  vertexNormals,
} from './geometry/basic.js';
export { reverseCuthillMcKee, SparseCholesky } from './geometry/cholesky.js';
export { type EigenOptions, type EigenResult, generalizedEigen, symmetricEigen } from './geometry/eigen.js';
export {
  directedEdges,
  type EdgeGeometry,
  edgeGeometry,
  type MeshGauge,
  rotateGauge,
  vertexGauges,
} from './geometry/gauge.js';
export { HeatGeodesics } from './geometry/geodesic.js';
export { divergence, faceGradient, vertexGradient } from './geometry/gradient.js';
export { cotanLaplacian, galerkinMass, lumpedMass } from './geometry/laplacian.js';
export { CsrMatrix } from './geometry/sparse.js';
export { parseObj, writeObj } from './io/obj.js';
export { parseOff, writeOff } from './io/off.js';
export { type PlyFormat, parsePly, writePly } from './io/ply.js';
export { type Halfedges, oneRing } from './mesh/halfedge.js';
export { Mesh } from './mesh/mesh.js';
export {
  assertValidMesh,
  type MeshIssue,
  type MeshIssueKind,
  type RepairOptions,
  type RepairResult,
  repairMesh,
  type ValidateOptions,
  validateMesh,
  type WeldResult,
  weldVertices,
} from './mesh/validate.js';
export { GeodesicPolarConv, MeshGCN, type PolarConvOptions } from './nn/baselines.js';
export { DiffusionBlock, GradientFeatures, LearnedDiffusion, SpectralGeometry } from './nn/diffusion.js';
export { GemConv, type GemConvOptions } from './nn/gem-conv.js';
export { FieldType, rotateFields, rotateFieldsHost } from './nn/irreps.js';
export { ConvGeometry, type ConvGeometryOptions } from './nn/mesh-geometry.js';
export { RegularNonlinearity } from './nn/regular-nonlinearity.js';
export { meshPanelsSvg, meshSvgGroup, positionColors, type SvgViewOptions } from './render/svg.js';
