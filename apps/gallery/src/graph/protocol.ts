import type { WorkerStatus } from '../shared/messages.js';

/** Page → worker: what to train. */
export interface GraphRequest {
  model: 'gcn' | 'gat';
  epochs: number;
  /** Evaluate and redraw every this many epochs. */
  every: number;
  backend: string | null;
  /** URL of the packed Cora data set (packages/graph/data/cora.bin.gz). */
  dataUrl: string;
  seed: number;
}

/** Worker → page. `points`: [N, 2] PCA of the hidden layer; `labels`: [N] classes. */
export type GraphMessage =
  | WorkerStatus
  | { type: 'data'; numNodes: number; numEdges: number; labels: Int32Array; classes: number }
  | {
      type: 'epoch';
      epoch: number;
      loss: number;
      train: number;
      val: number;
      test: number;
      points: Float32Array;
      msPerEpoch: number;
    }
  | { type: 'done'; bestVal: number; testAtBestVal: number; epochs: number };
