import { ErlangenError, type Tensor } from '@erlangen/core';
import { argError, checkPositiveInt, fmtShape } from '../errors.js';
import type { PlanarGroup } from '../groups/planar-group.js';
import {
  type Representation,
  regularRepresentation,
  trivialRepresentation,
} from '../groups/representation.js';

/**
 * The type of a feature map on the plane (escnn's FieldType): a group and a list of representations,
 * one per field. A tensor of this type has `size = Σ ρᵢ.size` channels, field i occupying the next
 * ρᵢ.size channels; the group acts on each pixel's channels by the block-diagonal ⊕ ρᵢ(g).
 */
export class FieldType {
  readonly group: PlanarGroup;
  readonly representations: readonly Representation[];
  /** The number of channels, Σ ρᵢ.size. */
  readonly size: number;

  constructor(group: PlanarGroup, representations: readonly Representation[]) {
    if (!Array.isArray(representations) || representations.length === 0)
      argError(
        'FieldType',
        'representations',
        'a non-empty list of representations',
        String(representations),
      );
    for (const r of representations) {
      if (!r.group.equals(group))
        argError(
          'FieldType',
          'representations',
          `representations of ${group.name}`,
          `one of ${r.group.name} (${r.name})`,
        );
    }
    this.group = group;
    this.representations = [...representations];
    this.size = representations.reduce((s, r) => s + r.size, 0);
  }

  /** `count` fields of the trivial representation (plain scalar channels, e.g. an image's colours). */
  static trivial(group: PlanarGroup, count: number): FieldType {
    checkPositiveInt('FieldType.trivial', 'count', count);
    return new FieldType(group, Array(count).fill(trivialRepresentation(group)));
  }

  /** `count` regular fields: |G| channels each, one per group element (GrouPy's feature maps). */
  static regular(group: PlanarGroup, count: number): FieldType {
    checkPositiveInt('FieldType.regular', 'count', count);
    return new FieldType(group, Array(count).fill(regularRepresentation(group)));
  }

  /** The number of fields. */
  get fields(): number {
    return this.representations.length;
  }

  /** Whether every field uses the same representation named `name` ('regular', 'trivial', …). */
  isUniform(name: string): boolean {
    return this.representations.every((r) => r.name === name);
  }

  /** Same group and the same representations in the same order. */
  equals(other: FieldType): boolean {
    return (
      other instanceof FieldType &&
      other.group.equals(this.group) &&
      other.representations.length === this.representations.length &&
      other.representations.every((r, i) => r.equals(this.representations[i]!))
    );
  }

  /** The block-diagonal fibre matrix ⊕ ρᵢ(g), row-major [size, size]. */
  fibreMatrix(g: number): Float64Array {
    const m = new Float64Array(this.size * this.size);
    let o = 0;
    for (const r of this.representations) {
      const block = r.matrix(g);
      for (let i = 0; i < r.size; i++)
        for (let j = 0; j < r.size; j++) m[(o + i) * this.size + o + j] = block[i * r.size + j]!;
      o += r.size;
    }
    return m;
  }

  /**
   * Checks that `x` is a feature map of this type: rank 4 [batch, size, height, width], float32.
   * Throws an ErlangenError naming `op` and `arg` otherwise.
   */
  check(op: string, arg: string, x: Tensor): void {
    if (x === null || typeof x !== 'object' || !('shape' in x))
      argError(op, arg, `a Tensor of shape [batch, ${this.size}, height, width]`, String(x));
    if (x.ndim !== 4)
      argError(
        op,
        arg,
        `a rank-4 tensor [batch, ${this.size}, height, width] (field type ${this})`,
        `rank ${x.ndim}, shape ${fmtShape(x.shape)}`,
      );
    if (x.shape[1] !== this.size)
      argError(
        op,
        arg,
        `${this.size} channels for field type ${this}`,
        `${x.shape[1]} channels (shape ${fmtShape(x.shape)})`,
      );
    if (x.dtype !== 'float32') argError(op, arg, 'a float32 tensor', x.dtype);
  }

  /** 'C4[regular×3]', 'D4[trivial, irrep_1,1]' … (runs of equal representations are collapsed). */
  toString(): string {
    const parts: string[] = [];
    let i = 0;
    while (i < this.representations.length) {
      let j = i;
      while (
        j < this.representations.length &&
        this.representations[j]!.name === this.representations[i]!.name
      )
        j++;
      parts.push(j - i > 1 ? `${this.representations[i]!.name}×${j - i}` : this.representations[i]!.name);
      i = j;
    }
    return `${this.group.name}[${parts.join(', ')}]`;
  }
}

/** Throws unless `actual` equals `expected` (field types must match exactly between layers). */
export function checkFieldType(op: string, arg: string, expected: FieldType, actual: FieldType): void {
  if (!(actual instanceof FieldType))
    throw new ErlangenError(
      `${op}: argument '${arg}' expected a GeometricTensor of type ${expected} but received ${String(actual)}`,
    );
  if (!expected.equals(actual))
    argError(op, arg, `a GeometricTensor of type ${expected}`, `one of type ${actual}`);
}
