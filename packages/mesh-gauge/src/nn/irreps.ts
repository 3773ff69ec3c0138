/**
 * Feature fields made of irreducible representations of SO(2). A `FieldType` lists the
 * multiplicity of each order n = 0 … N: order 0 is the trivial 1-d irrep (a scalar), order n ≥ 1
 * the 2-d rotation ρ_n(θ) = [[cos nθ, −sin nθ], [sin nθ, cos nθ]]. A feature vector stores the
 * orders one after the other, order n ≥ 1 as `mult[n]` interleaved pairs (a, b):
 * [scalars…, (a, b) of order 1 …, (a, b) of order 2 …]. Shapes: features [N, type.dim].
 */
import { concat, indexSelect, type Tensor, tensor } from '@erlangen/core';
import { argError, checkNonNegativeInt, fmtShape } from '../errors.js';

export class FieldType {
  /** Multiplicity of order n at index n. */
  readonly multiplicities: readonly number[];

  constructor(multiplicities: readonly number[]) {
    if (!Array.isArray(multiplicities) || multiplicities.length === 0)
      argError(
        'FieldType',
        'multiplicities',
        'a non-empty array of counts per order',
        String(multiplicities),
      );
    multiplicities.forEach((m, n) => {
      checkNonNegativeInt('FieldType', `multiplicities[${n}]`, m);
    });
    if (multiplicities.every((m) => m === 0))
      argError('FieldType', 'multiplicities', 'at least one field', '[all zero]');
    this.multiplicities = [...multiplicities];
  }

  /** `channels` copies of every order 0 … maxOrder (the type a RegularNonlinearity acts on). */
  static uniform(channels: number, maxOrder: number): FieldType {
    return new FieldType(Array.from({ length: maxOrder + 1 }, () => channels));
  }

  /** `channels` scalars. */
  static scalars(channels: number): FieldType {
    return new FieldType([channels]);
  }

  get maxOrder(): number {
    return this.multiplicities.length - 1;
  }

  /** Total feature dimension Σ mult[n] · dim ρ_n. */
  get dim(): number {
    return this.multiplicities.reduce((s, m, n) => s + (n === 0 ? m : 2 * m), 0);
  }

  /** Offset of order n's block. */
  offset(n: number): number {
    let o = 0;
    for (let k = 0; k < n; k++) o += k === 0 ? this.multiplicities[0]! : 2 * this.multiplicities[k]!;
    return o;
  }

  toString(): string {
    return `FieldType[${this.multiplicities.join(', ')}]`;
  }

  check(op: string, arg: string, x: Tensor, rows?: number): void {
    if (x.ndim !== 2 || x.shape[1] !== this.dim || (rows !== undefined && x.shape[0] !== rows))
      argError(op, arg, `features of shape [${rows ?? 'N'}, ${this.dim}] (${this})`, fmtShape(x.shape));
  }
}

/**
 * Per-dimension bookkeeping of a field type for the one-gather rotation: the order of each
 * dimension, the partner dimension of each (a ↔ b; itself for scalars) and the sign the partner
 * enters with (a' = a cos − b sin, b' = b cos + a sin; 0 for scalars).
 */
export interface FieldLayout {
  order: Tensor;
  partner: Tensor;
  sign: Tensor;
}

const layouts = new WeakMap<FieldType, FieldLayout>();

export function fieldLayout(type: FieldType): FieldLayout {
  let l = layouts.get(type);
  if (l) return l;
  const d = type.dim;
  const order = new Int32Array(d);
  const partner = new Int32Array(d);
  const sign = new Float32Array(d);
  for (let i = 0; i < type.multiplicities[0]!; i++) partner[i] = i;
  for (let n = 1; n <= type.maxOrder; n++)
    for (let k = 0; k < type.multiplicities[n]!; k++) {
      const a = type.offset(n) + 2 * k;
      order[a] = order[a + 1] = n;
      partner[a] = a + 1;
      partner[a + 1] = a;
      sign[a] = -1;
      sign[a + 1] = 1;
    }
  l = {
    order: tensor(order, [d], 'int32').keep(),
    partner: tensor(partner, [d], 'int32').keep(),
    sign: tensor(sign, [1, d]).keep(),
  };
  layouts.set(type, l);
  return l;
}

/** cos(n φ_e) and sin(n φ_e) for n = 0 … maxOrder: two float32 tensors [E, maxOrder + 1]. */
export function angleTables(angles: ArrayLike<number>, maxOrder: number): { cos: Tensor; sin: Tensor } {
  const e = angles.length;
  const w = maxOrder + 1;
  const c = new Float32Array(e * w);
  const s = new Float32Array(e * w);
  for (let k = 0; k < e; k++)
    for (let n = 0; n < w; n++) {
      c[k * w + n] = Math.cos(n * angles[k]!);
      s[k * w + n] = Math.sin(n * angles[k]!);
    }
  return { cos: tensor(c, [e, w]).keep(), sin: tensor(s, [e, w]).keep() };
}

/**
 * ρ(φ_e) applied to each row with precomputed angle tables: x [E, type.dim] → [E, type.dim], as
 * x ⊙ cos + x[:, partner] ⊙ sign ⊙ sin (one column gather and three elementwise ops).
 */
export function rotateFieldsWith(x: Tensor, type: FieldType, tables: { cos: Tensor; sin: Tensor }): Tensor {
  if (type.maxOrder === 0) return x;
  if (tables.cos.shape[1]! <= type.maxOrder)
    argError(
      'rotateFieldsWith',
      'tables',
      `angle tables up to order ≥ ${type.maxOrder}`,
      `order ${tables.cos.shape[1]! - 1}`,
    );
  const l = fieldLayout(type);
  const c = indexSelect(tables.cos, 1, l.order);
  const s = indexSelect(tables.sin, 1, l.order).mul(l.sign);
  return x.mul(c).add(indexSelect(x, 1, l.partner).mul(s));
}

/**
 * Applies ρ(φ_e) to each row: x [E, type.dim], angles [E] (host float64) → [E, type.dim].
 * Order n rotates by n·φ; order 0 is left alone.
 */
export function rotateFields(x: Tensor, type: FieldType, angles: ArrayLike<number>): Tensor {
  const e = x.shape[0]!;
  if (angles.length !== e)
    argError('rotateFields', 'angles', `length ${e} (one per row of x)`, `length ${angles.length}`);
  const blocks: Tensor[] = [];
  if (type.multiplicities[0]) blocks.push(x.narrow(1, 0, type.multiplicities[0]));
  for (let n = 1; n <= type.maxOrder; n++) {
    const c = type.multiplicities[n]!;
    if (!c) continue;
    const cos = new Float32Array(e);
    const sin = new Float32Array(e);
    for (let k = 0; k < e; k++) {
      cos[k] = Math.cos(n * angles[k]!);
      sin[k] = Math.sin(n * angles[k]!);
    }
    blocks.push(
      rotatePairs(x.narrow(1, type.offset(n), 2 * c), c, tensor(cos, [e, 1, 1]), tensor(sin, [e, 1, 1])),
    );
  }
  return blocks.length === 1 ? blocks[0]! : concat(blocks, 1);
}

/** Rotates c interleaved pairs per row by precomputed cos/sin [E, 1, 1]: [E, 2c] → [E, 2c]. */
export function rotatePairs(block: Tensor, c: number, cos: Tensor, sin: Tensor): Tensor {
  const e = block.shape[0]!;
  const p = block.reshape([e, c, 2]);
  const a = p.narrow(2, 0, 1);
  const b = p.narrow(2, 1, 1);
  return concat([a.mul(cos).sub(b.mul(sin)), a.mul(sin).add(b.mul(cos))], 2).reshape([e, 2 * c]);
}

/** Float64 reference of rotateFields on a host array [E, dim] (for tests and gauge changes of inputs). */
export function rotateFieldsHost(
  x: Float32Array | Float64Array,
  type: FieldType,
  angles: ArrayLike<number>,
): Float32Array {
  const d = type.dim;
  const out = Float32Array.from(x);
  for (let r = 0; r < angles.length; r++)
    for (let n = 1; n <= type.maxOrder; n++) {
      const c = Math.cos(n * angles[r]!);
      const s = Math.sin(n * angles[r]!);
      const off = type.offset(n);
      for (let k = 0; k < type.multiplicities[n]!; k++) {
        const i = r * d + off + 2 * k;
        const a = x[i]!;
        const b = x[i + 1]!;
        out[i] = c * a - s * b;
        out[i + 1] = s * a + c * b;
      }
    }
  return out;
}
