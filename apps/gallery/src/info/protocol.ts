import type { WorkerStatus } from '../shared/messages.js';

/** The binning estimators the page computes at every recorded epoch (all cheap: O(N·d) counts). */
export const ESTIMATORS = [
  { key: 'fixed', label: '30 bins on [−1, 1] (Shwartz-Ziv & Tishby)' },
  { key: 'floor', label: 'floor(a / 0.07), unbounded (Saxe et al.)' },
  { key: 'adaptive', label: '30 equal-mass bins per unit' },
] as const;
export type EstimatorKey = (typeof ESTIMATORS)[number]['key'];

/** Page → worker: what to train. */
export interface InfoRequest {
  activation: 'tanh' | 'relu';
  epochs: number;
  /** number of log-spaced recording epochs (0 and `epochs` always included) */
  recordPoints: number;
  backend: string | null;
  seed: number;
}

/** I(X;T) and I(T;Y) in bits per layer ([layers]) for one estimator at one epoch. */
export interface LayerInformation {
  ixt: number[];
  ity: number[];
}

/** Worker → page. */
export type InfoMessage =
  | WorkerStatus
  | {
      type: 'plan';
      /** the recording epochs, ascending, 0 first */
      epochs: number[];
      /** one name per recorded layer: hidden activations T₁…T₅, then the softmax output */
      layerNames: string[];
      /** H(Y) of the 4096 labels, in bits: the ceiling of every I(T;Y) */
      labelEntropy: number;
    }
  | {
      type: 'record';
      epoch: number;
      /** training loss (cross-entropy, nats) at this epoch; NaN at epoch 0 */
      loss: number;
      estimates: Record<EstimatorKey, LayerInformation>;
      /** milliseconds the three estimators took on all layers */
      msEstimators: number;
    }
  | {
      type: 'done';
      trainAccuracy: number;
      testAccuracy: number;
      seconds: number;
      msPerEpoch: number;
      /** training loss (cross-entropy, nats) of the first epoch (the initial weights) and of the last */
      firstLoss: number;
      lastLoss: number;
    };
