/**
 * Neural-network building blocks after torch.nn: the `Module` base class, layers, `functional`
 * (stateless ops and losses) and `init` (parameter initialisers).
 */

export * as functional from './functional/index.js';
export * as init from './init.js';
export { GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Tanh } from './layers/activation.js';
export { Sequential } from './layers/container.js';
export { AvgPool2d, Conv2d, type Conv2dLayerOptions, MaxPool2d } from './layers/conv.js';
export { Dropout } from './layers/dropout.js';
export { Embedding, type EmbeddingOptions } from './layers/embedding.js';
export { Identity, Linear, type LinearOptions } from './layers/linear.js';
export {
  BatchNorm1d,
  BatchNorm2d,
  type BatchNormOptions,
  LayerNorm,
  type LayerNormOptions,
} from './layers/normalization.js';
export { Flatten } from './layers/reshape.js';
export { type LoadStateDictResult, Module } from './module.js';
