/** Optimisers and learning-rate schedulers after torch.optim. */

export { Adam, type AdamOptions, AdamW } from './adam.js';
export {
  Optimizer,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
} from './optimizer.js';
export {
  CosineAnnealingLR,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  LRScheduler,
  MultiStepLR,
  StepLR,
} from './scheduler.js';
export { SGD, type SGDOptions } from './sgd.js';
