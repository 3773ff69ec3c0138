/** Stateless counterparts of the layers and the losses (torch.nn.functional). */

// The activations and pooling ops live in ops; re-exported so `F.relu` reads as in torch.
export {
  elu,
  gelu,
  leakyRelu,
  logSigmoid,
  logSoftmax,
  silu,
  softmax,
  softplus,
} from '../../ops/activation.js';
export { avgPool2d, conv1d, conv2d, maxPool2d } from '../../ops/conv.js';
export { relu, sigmoid, tanh } from '../../ops/elementwise.js';
export { oneHot } from '../../ops/indexing.js';
export { type DropoutOptions, dropout, embedding, linear } from './linear.js';
export {
  type BceOptions,
  type BceWithLogitsOptions,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  type ClassLossOptions,
  type CrossEntropyOptions,
  crossEntropy,
  type LossOptions,
  l1Loss,
  mseLoss,
  nllLoss,
} from './loss.js';
export { type BatchNormOptions, batchNorm, layerNorm } from './normalization.js';
export type { Reduction } from './util.js';
