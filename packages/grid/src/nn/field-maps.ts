import { type Tensor, tensor } from '@erlangen/core';
import type { FieldType } from '../fields/field-type.js';
import type { Representation } from '../groups/representation.js';

/** Channel offset of each field. */
export function fieldOffsets(type: FieldType): number[] {
  const out: number[] = [];
  let s = 0;
  for (const r of type.representations) {
    out.push(s);
    s += r.size;
  }
  return out;
}

/** The [fields, channels] 0/1 matrix with S[f, c] = 1 iff channel c belongs to field f (kept). */
export function fieldIndicator(type: FieldType): Tensor {
  const offsets = fieldOffsets(type);
  const s = new Float32Array(type.fields * type.size);
  type.representations.forEach((r, f) => {
    for (let i = 0; i < r.size; i++) s[f * type.size + offsets[f]! + i] = 1;
  });
  return tensor(s, [type.fields, type.size]).keep();
}

/** An orthonormal basis of the vectors every ρ(g) fixes (the directions a bias or a mean may take). */
export function invariantVectors(rep: Representation): Float64Array[] {
  const d = rep.size;
  const p = new Float64Array(d * d);
  for (const g of rep.group.elements()) {
    const m = rep.matrix(g);
    for (let i = 0; i < d * d; i++) p[i] = p[i]! + m[i]! / rep.group.order;
  }
  const out: Float64Array[] = [];
  for (let col = 0; col < d; col++) {
    const v = Float64Array.from({ length: d }, (_, r) => p[r * d + col]!);
    for (const b of out) {
      const dot = b.reduce((s, x, r) => s + x * v[r]!, 0);
      for (let r = 0; r < d; r++) v[r] = v[r]! - dot * b[r]!;
    }
    const norm = Math.hypot(...v);
    if (norm > 1e-6) out.push(v.map((x) => x / norm));
  }
  return out;
}

/**
 * The [channels, k] matrix whose columns are the invariant directions of every field (embedded at the
 * field's channels), or null when no field has one. E·b places a per-field bias; E·Eᵀ projects onto
 * the invariant subspace.
 */
export function invariantEmbedding(type: FieldType): Tensor | null {
  const offsets = fieldOffsets(type);
  const columns: { channel: number; vector: Float64Array }[] = [];
  type.representations.forEach((rep, f) => {
    for (const v of invariantVectors(rep)) columns.push({ channel: offsets[f]!, vector: v });
  });
  if (columns.length === 0) return null;
  const e = new Float32Array(type.size * columns.length);
  columns.forEach(({ channel, vector }, j) => {
    vector.forEach((x, r) => {
      e[(channel + r) * columns.length + j] = x;
    });
  });
  return tensor(e, [type.size, columns.length]).keep();
}
