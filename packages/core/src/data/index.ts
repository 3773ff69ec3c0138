/** Mini-batching, datasets of named tensors and reproducible splits. */
export { BatchIterator, type BatchOptions, batches } from './batches.js';
export { TensorDataset, type TensorDict } from './dataset.js';
export { permutation, permutationFrom } from './random.js';
export { randomSplit } from './split.js';
