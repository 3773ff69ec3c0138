/** Seeded splits: random node splits (per class, as PyG's RandomNodeSplit) and stratified k-fold. */
import { argError } from '../errors.js';
import { HostRandom } from './random.js';

export interface NodeSplit {
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
}

function labelsArray(op: string, labels: ArrayLike<number>): Int32Array {
  const out = Int32Array.from(labels as ArrayLike<number>);
  for (let i = 0; i < out.length; i++)
    if (!Number.isInteger(labels[i]) || labels[i]! < -1)
      argError(op, 'labels', 'integer class ids (−1 = unlabelled)', `${labels[i]} at ${i}`);
  return out;
}

/**
 * `numTrainPerClass` random nodes of every class for training, then `numVal` and `numTest` random
 * nodes among the rest (PyG RandomNodeSplit(split='random')). Unlabelled nodes (−1) are never
 * drawn. Index arrays are sorted.
 */
export function randomNodeSplit(
  labels: ArrayLike<number>,
  opts: { numTrainPerClass?: number; numVal?: number; numTest?: number; seed?: number } = {},
): NodeSplit {
  const y = labelsArray('randomNodeSplit', labels);
  const perClass = opts.numTrainPerClass ?? 20;
  const numVal = opts.numVal ?? 500;
  const numTest = opts.numTest ?? 1000;
  const rng = new HostRandom(opts.seed ?? 0);
  const order = rng.permutation(y.length);
  const taken = new Uint8Array(y.length);
  const perClassCount = new Map<number, number>();
  const train: number[] = [];
  for (const i of order) {
    if (y[i]! < 0) continue;
    const c = perClassCount.get(y[i]!) ?? 0;
    if (c < perClass) {
      perClassCount.set(y[i]!, c + 1);
      train.push(i);
      taken[i] = 1;
    }
  }
  const rest = [...order].filter((i) => !taken[i] && y[i]! >= 0);
  if (rest.length < numVal + numTest) {
    argError(
      'randomNodeSplit',
      'numVal + numTest',
      `at most ${rest.length} (labelled nodes left after training)`,
      `${numVal + numTest}`,
    );
  }
  const sorted = (a: number[]) => Int32Array.from(a).sort();
  return {
    train: sorted(train),
    val: sorted(rest.slice(0, numVal)),
    test: sorted(rest.slice(numVal, numVal + numTest)),
  };
}

/**
 * Stratified k-fold (as scikit-learn's StratifiedKFold with shuffling): items of each class are
 * shuffled and dealt round-robin to the folds, so every fold has the class proportions. Returns,
 * per fold, the test items and the rest for training.
 */
export function stratifiedKFold(
  labels: ArrayLike<number>,
  k: number,
  opts: { seed?: number } = {},
): { train: Int32Array; test: Int32Array }[] {
  const y = labelsArray('stratifiedKFold', labels);
  if (!Number.isInteger(k) || k < 2 || k > y.length)
    argError('stratifiedKFold', 'k', `an integer in [2, ${y.length}]`, String(k));
  const rng = new HostRandom(opts.seed ?? 0);
  const fold = new Int32Array(y.length);
  let dealt = 0;
  const classes = [...new Set(y)].sort((a, b) => a - b);
  for (const c of classes) {
    const members = [...rng.permutation(y.length)].filter((i) => y[i] === c);
    for (const i of members) fold[i] = dealt++ % k;
  }
  return Array.from({ length: k }, (_, f) => {
    const test: number[] = [];
    const train: number[] = [];
    for (let i = 0; i < y.length; i++) (fold[i] === f ? test : train).push(i);
    return { train: Int32Array.from(train), test: Int32Array.from(test) };
  });
}
