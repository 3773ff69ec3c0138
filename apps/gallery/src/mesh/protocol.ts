import type { WorkerStatus } from '../shared/messages.js';

/** Page → worker: what to train and check. */
export interface MeshRequest {
  backend: string | null;
  /** Full-batch Adam steps to train from scratch in the tab; 0 = load the pretrained weights. */
  steps: number;
  /** URL of the pretrained weights (assets/region-net.safetensors). */
  weightsUrl: string;
  /** Post predictions every this many steps. */
  every: number;
  /** Number of regions (classes). */
  regions: number;
  seed: number;
}

/** Worker → page. Per-vertex arrays are [V] over Spot's 829 vertices. */
export type MeshMessage =
  | WorkerStatus
  | {
      type: 'data';
      /** int32 [V]: the true region of each vertex. */
      labels: Int32Array;
      /** uint8 [V]: 1 for training vertices, 0 for held-out ones. */
      trainMask: Uint8Array;
      /** The region seeds (vertex indices). */
      seeds: number[];
      parameters: number;
      features: number;
      /** Training steps and held-out accuracy of the pretrained weights (their metadata), or null. */
      pretrained: { steps: number; train: number; test: number } | null;
    }
  | {
      type: 'step';
      step: number;
      loss: number;
      train: number;
      test: number;
      /** int32 [V]: predicted region of each vertex. */
      predicted: Int32Array;
      msPerStep: number;
    }
  | {
      type: 'check';
      /** The check on the trained network and on freshly initialised weights. */
      trained: GaugeCheck;
      fresh: GaugeCheck;
      /** float64 [V]: the random gauge angles used. */
      alpha: Float64Array;
      ms: number;
    }
  | { type: 'done'; train: number; test: number; steps: number };

/** One network under a random gauge change α_i at every vertex. */
export interface GaugeCheck {
  /** max |logits(turned gauge) − logits(original gauge)| over all vertices and classes. */
  error: number;
  /** max |logits|, for scale. */
  scale: number;
  /** max |hidden(turned) − ρ(−α) hidden(original)| over the order-1 and 2 fields (equivariance). */
  vectorError: number;
  /** max |hidden(turned) − hidden(original)|: what a gauge-blind comparison would see. */
  control: number;
  /** max |hidden order ≥ 1 entry| in the original gauge. */
  vectorScale: number;
}
