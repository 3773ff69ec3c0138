import type { WorkerStatus } from '../shared/messages.js';

/** Which of the page's two models. */
export type ModelName = 'gcnn' | 'cnn';

/** Page → worker. Images are 28×28 row-major pixels in [0, 1], upright (the worker turns them). */
export type GridRequest =
  | { type: 'init'; backend: string | null; weightsUrl: string; checkImage: Float32Array }
  | { type: 'infer'; id: number; image: Float32Array; degrees: number; gcnnField: number };

/** One model's answer for one rotated input. */
export interface ModelResult {
  /** [10] logits and their softmax. */
  logits: Float32Array;
  probs: Float32Array;
  /** [4, 28, 28]: the G-CNN's 4 orientation channels of one lifted field, or the CNN's first 4 channels. */
  maps: Float32Array;
  /**
   * max |logits(input turned by `degrees`) − logits(upright input)| when `degrees` is a multiple of
   * 90°, else null.
   */
  invarianceError: number | null;
  /**
   * At multiples of 90°: max |maps(turned input) − maps(upright input) turned, and for the G-CNN
   * cyclically shifted by the number of quarter turns| relative to the largest map value; else null.
   */
  mapError: number | null;
}

/** Worker → page. */
export type GridMessage =
  | WorkerStatus
  | {
      type: 'ready';
      /** Parameter counts and test accuracies (upright, 90°, 180°, 270°) from the weights' metadata. */
      info: Record<ModelName, { parameters: number; accuracy: number[] }>;
      liftFields: number;
      /** The lifted field shown first (the one with the largest filter). */
      defaultField: number;
      /** The plain CNN's first-layer channels shown. */
      cnnChannels: number[];
    }
  | {
      type: 'check';
      /** The G-CNN's logits of the check digit at 0°, 90°, 180°, 270°, [4][10]. */
      logits: Float32Array[];
      /** max over k of max |logits(k·90°) − logits(0°)|, G-CNN and CNN. */
      gcnnError: number;
      cnnError: number;
      ms: number;
    }
  | {
      type: 'result';
      id: number;
      degrees: number;
      /** The standardised-back rotated input the models saw, [28·28] in [0, 1]. */
      input: Float32Array;
      gcnn: ModelResult;
      cnn: ModelResult;
      ms: number;
    };
