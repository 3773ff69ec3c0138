/**
 * CPU kernels for per-segment max / min, registered through core's plugin API (core has sum and
 * mean scatters but no max). One pass over the rows of `src`; empty segments give 0, as PyG's
 * `scatter(..., reduce='max')`. NaN propagates (a NaN in a segment makes its maximum NaN).
 */
import { type Backend, registerKernel, type TensorInfo } from '@erlangen/core';
import { argError } from '../errors.js';

export interface SegmentReduceAttrs {
  /** Number of segments (output rows). */
  numSegments: number;
}

function segmentExtreme(
  backend: Backend,
  src: TensorInfo,
  index: TensorInfo,
  numSegments: number,
  isMax: boolean,
) {
  const rows = src.shape[0]!;
  const width = src.shape.slice(1).reduce((a, b) => a * b, 1);
  const values = backend.readSync(src.id, 'float32', rows * width);
  const idx = backend.readSync(index.id, 'int32', rows);
  const out = new Float32Array(numSegments * width).fill(isMax ? -Infinity : Infinity);
  const seen = new Uint8Array(numSegments);
  for (let r = 0; r < rows; r++) {
    const s = idx[r]!;
    if (!(s >= 0 && s < numSegments)) {
      argError(
        isMax ? 'scatterMax' : 'scatterMin',
        'index',
        `values in [0, ${numSegments - 1}]`,
        `${s} at position ${r}`,
      );
    }
    seen[s] = 1;
    const o = s * width;
    const v = r * width;
    if (isMax) {
      for (let f = 0; f < width; f++) {
        const x = values[v + f]!;
        const cur = out[o + f]!;
        // `!(x <= cur)` is true for x > cur and for a NaN x; a NaN already there stays.
        if (!Number.isNaN(cur) && !(x <= cur)) out[o + f] = x;
      }
    } else {
      for (let f = 0; f < width; f++) {
        const x = values[v + f]!;
        const cur = out[o + f]!;
        if (!Number.isNaN(cur) && !(x >= cur)) out[o + f] = x;
      }
    }
  }
  for (let s = 0; s < numSegments; s++) if (!seen[s]) out.fill(0, s * width, (s + 1) * width);
  return {
    id: backend.upload(out, 'float32'),
    shape: [numSegments, ...src.shape.slice(1)],
    dtype: 'float32' as const,
  };
}

let registered = false;

/** Registers the graph package's CPU kernels once (idempotent; called on import of the ops). */
export function registerSegmentKernels(): void {
  if (registered) return;
  registered = true;
  registerKernel<SegmentReduceAttrs>('graph.segmentMax', 'cpu', (backend, [src, index], attrs) =>
    segmentExtreme(backend, src!, index!, attrs.numSegments, true),
  );
  registerKernel<SegmentReduceAttrs>('graph.segmentMin', 'cpu', (backend, [src, index], attrs) =>
    segmentExtreme(backend, src!, index!, attrs.numSegments, false),
  );
}
