/**
 * @erlangen/sphere: samplings of the sphere (Gauss–Legendre, equiangular, Driscoll–Healy, MW/MWSS
 * points, HEALPix, icosahedral), stable real spherical harmonics, exact spherical harmonic
 * transforms (float64 CPU path and a differentiable float32 path on core tensors), Wigner-d
 * rotations, and harmonic, DISCO and graph spherical convolutions.
 */

export {
  type DiscoBasis,
  type DiscoConvOptions,
  DiscoConvS2,
  DiscoConvTransposeS2,
  type DiscoFilter,
  type DiscoFilterOptions,
  discoFilter,
  evaluateDiscoBasis,
} from './conv/disco.js';
export {
  applySparse,
  type ChebConvOptions,
  HealpixChebConv,
  healpixLaplacian,
  healpixPool,
  healpixUnpool,
  type SparseOperator,
  type SparseTensors,
  sparseTensors,
} from './conv/graph.js';
export {
  type IcosahedralHierarchy,
  icosahedralHierarchy,
  icosahedralPool,
  icosahedralUnpool,
} from './conv/icosahedral-pooling.js';
export { sphericalMean } from './conv/pooling.js';
export {
  fromRingMajor,
  RingMajorZonalConv,
  type RingMajorZonalConvOptions,
  ringMajorSphericalMean,
  toRingMajor,
} from './conv/ring-major.js';
export { type S2ConvOptions, S2ToSO3Conv, SO3Conv, SO3FFT } from './conv/so3.js';
export { SpectralZonalConv, type SpectralZonalConvOptions } from './conv/zonal.js';
export {
  gridPoints,
  projectImagesToSphere,
  type SpherePoints,
  type SphericalMnistOptions,
} from './data/spherical-mnist.js';
export {
  legendreColumn,
  legendreTable,
  realSphericalHarmonic,
  type ShNorm,
  type ShOptions,
  sectoralLogSeeds,
} from './harmonics/legendre.js';
export {
  type EulerAngles,
  eulerToMatrix,
  matrixToEuler,
  randomRotation,
  rotateCoefficients,
  seededUniform,
} from './rotation/rotate.js';
export { wignerD, wignerDPlanes } from './rotation/wigner.js';
export {
  checkBandLimit,
  clenshawCurtisWeights,
  driscollHealyWeights,
  type GridKind,
  type GridOptions,
  type GridSampling,
  gaussLegendreNodes,
  gridSampling,
  mwSampling,
  mwWeights,
} from './sampling/grid.js';
export {
  ang2pix,
  checkNside,
  HEALPIX_MAX_NSIDE,
  type HealpixOrder,
  type HealpixRing,
  type HealpixSampling,
  healpixRings,
  healpixSampling,
  neighbours,
  nest2ring,
  pix2ang,
  ring2nest,
} from './sampling/healpix.js';
export {
  ICOSAHEDRAL_MAX_LEVEL,
  type IcosahedralSampling,
  icosahedralSampling,
} from './sampling/icosahedral.js';
export { fftInPlace } from './sht/fft.js';
export { gridSHT64, type SHT64 } from './sht/grid-sht64.js';
export { InverseRealSHT, packCoefficients, RealSHT, unpackCoefficients } from './sht/real-sht.js';
export { SpectralResample } from './sht/resample.js';
export { gridRings, healpixRingLayout, type Ring } from './sht/rings.js';
export { coeffIndex, HealpixSHT64, RingSHT64 } from './sht/sht64.js';
export { TorusSHT64 } from './sht/torus.js';
