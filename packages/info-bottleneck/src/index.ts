/**
 * @erlangen/info-bottleneck: mutual-information estimators (binning, exact discrete, KDE bounds, KSG,
 * MINE, matrix-based Rényi), a per-layer information-plane recorder for @erlangen/core models,
 * information-plane plots (SVG) and the 12-bit and MNIST presets of the information-bottleneck debate.
 * All information values are in bits.
 */

export {
  type BinnedInformation,
  type BinningStrategy,
  binActivations,
  binnedCodes,
  binnedInformation,
  describeBinning,
} from './estimators/binning.js';
export { digamma } from './estimators/digamma.js';
export {
  compactCodes,
  discreteEntropy,
  discreteMutualInformation,
  jointEntropy,
  matrixCodes,
  rowCodes,
  tableMutualInformation,
} from './estimators/discrete.js';
export {
  type KdeInformation,
  type KdeOptions,
  kdeEntropy,
  kdeInformation,
  pairwiseSquaredDistances,
} from './estimators/kde.js';
export { type KsgOptions, ksgEntropy, ksgMixedInformation, ksgMutualInformation } from './estimators/ksg.js';
export { type MineOptions, type MineResult, mineMutualInformation } from './estimators/mine.js';
export {
  normalizedGram,
  type RenyiOptions,
  renyiEntropy,
  renyiMutualInformation,
  symmetricEigenvalues,
} from './estimators/renyi.js';
export { type LabelInput, type Matrix, type SampleInput, toLabels, toMatrix } from './matrix.js';
export {
  DEFAULT_NOTE,
  informationPlaneFrames,
  informationPlaneSvg,
  layerCurvesSvg,
  type PlaneSeries,
  type PlaneSvgOptions,
  planeSeries,
  viridis,
} from './plot.js';
export {
  type Activation,
  mlp,
  SAXE_MNIST_WIDTHS,
  saxeMnistNetwork,
  TWELVE_BIT_WIDTHS,
  twelveBitNetwork,
  type WeightInit,
} from './presets/networks.js';
export {
  type TwelveBitRunOptions,
  type TwelveBitRunResult,
  trainTwelveBit,
} from './presets/train-twelve-bit.js';
export {
  ICOSAHEDRON_ANTIPODES,
  ICOSAHEDRON_NEIGHBOURS,
  type Split,
  TWELVE_BIT_SAMPLES,
  type TwelveBitData,
  twelveBitDataset,
  twelveBitLabel,
  twelveBitSplit,
} from './presets/twelve-bit.js';
export {
  type EpochRecord,
  type EstimatorSpec,
  estimatorName,
  InformationPlaneRecorder,
  type InformationRecord,
  type LayerDiagnostics,
  type LayerTaps,
  logSpacedEpochs,
  type RecorderOptions,
  sequentialTaps,
} from './recorder.js';
