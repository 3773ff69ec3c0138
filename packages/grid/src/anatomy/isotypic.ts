import { type Tensor, tensor } from '@erlangen/core';
import { argError } from '../errors.js';
import type { FieldType } from '../fields/field-type.js';
import { GeometricTensor } from '../fields/geometric-tensor.js';
import type { PlanarGroup } from '../groups/planar-group.js';
import { decomposeRegular } from '../groups/representation.js';

/**
 * The isotypic decomposition of a regular field's fibre (the Fourier transform over the group): the
 * orthogonal change of basis Q of `decomposeRegular` splits ℝ^|G| into one isotypic component per
 * irrep ψ. For C_N the irreps are the frequencies k = 0 … ⌊N/2⌋, so component L_k holds the DFT
 * coefficients at k and N − k; for D_N it holds all copies of ψ_{j,k}.
 */
export interface IsotypicBasis {
  group: PlanarGroup;
  /** One label per isotypic component ('L0', 'L1', … for C_N; the irrep names for D_N). */
  labels: string[];
  /** The rotation frequency k of each component. */
  frequencies: number[];
  /** Component of each column of Q. */
  componentOfColumn: Int32Array;
  /** Q, row-major [|G|, |G|] (rows: group elements, columns: irrep coordinates), orthogonal. */
  changeOfBasis: Float64Array;
}

const basisCache = new Map<string, IsotypicBasis>();

/** The isotypic basis of the regular representation of `group` (cached per group). */
export function isotypicBasis(group: PlanarGroup): IsotypicBasis {
  const cached = basisCache.get(group.name);
  if (cached) return cached;
  const { irreps, changeOfBasis } = decomposeRegular(group);
  const names: string[] = [];
  const frequencies: number[] = [];
  const componentOfColumn = new Int32Array(group.order);
  let column = 0;
  for (const psi of irreps) {
    let c = names.indexOf(psi.name);
    if (c < 0) {
      c = names.length;
      names.push(psi.name);
      frequencies.push(psi.irrep!.k);
    }
    for (let i = 0; i < psi.size; i++) componentOfColumn[column++] = c;
  }
  const labels = group.kind === 'cyclic' ? frequencies.map((k) => `L${k}`) : names;
  const basis = { group, labels, frequencies, componentOfColumn, changeOfBasis };
  basisCache.set(group.name, basis);
  return basis;
}

/**
 * Energy per isotypic component of one fibre vector f ∈ ℝ^|G| (float64): E_c = Σ_{columns of c} (Qᵀf)².
 * The energies sum to |f|² (Q is orthogonal: Parseval).
 */
export function fibreEnergies(basis: IsotypicBasis, f: ArrayLike<number>): Float64Array {
  const n = basis.group.order;
  if (f.length !== n) argError('fibreEnergies', 'f', `a vector of length |G| = ${n}`, `length ${f.length}`);
  const out = new Float64Array(basis.labels.length);
  const q = basis.changeOfBasis;
  for (let c = 0; c < n; c++) {
    let s = 0;
    for (let h = 0; h < n; h++) s += q[h * n + c]! * f[h]!;
    out[basis.componentOfColumn[c]!] = out[basis.componentOfColumn[c]!]! + s * s;
  }
  return out;
}

function checkRegular(op: string, type: FieldType): void {
  if (!type.isUniform('regular'))
    argError(
      op,
      'x',
      'a GeometricTensor of regular fields only (its fibre is a function on the group)',
      String(type),
    );
}

/**
 * The energy of each regular field in each isotypic component, summed over the batch and the plane:
 * E[field, c] = Σ_{b, pixels} |P_c f_field(b, p)|² with P_c the orthogonal projector onto component c.
 * Shapes: x [batch, fields·|G|, H, W] (regular fields) → [fields, components] (float32, differentiable).
 * `isotypicBasis(x.type.group).labels` names the components.
 */
export function isotypicEnergies(x: GeometricTensor): Tensor {
  if (!(x instanceof GeometricTensor)) argError('isotypicEnergies', 'x', 'a GeometricTensor', String(x));
  checkRegular('isotypicEnergies', x.type);
  const group = x.type.group;
  const basis = isotypicBasis(group);
  const n = group.order;
  const [batch, , height, width] = x.shape as [number, number, number, number];
  const fields = x.type.fields;
  const qt = tensor(transpose(basis.changeOfBasis, n), [n, n]);
  const indicator = new Float32Array(n * basis.labels.length);
  for (let c = 0; c < n; c++) indicator[c * basis.labels.length + basis.componentOfColumn[c]!] = 1;
  // [B, F, |G|, HW] → coefficients Qᵀf → squared → summed over batch and pixels → [F, |G|] → [F, components].
  const coefficients = qt.matmul(x.tensor.reshape([batch, fields, n, height * width]));
  const perColumn = coefficients.square().sum([0, 3]);
  return perColumn.matmul(tensor(indicator, [n, basis.labels.length]));
}

/**
 * The fraction of each field's energy in each isotypic component: `isotypicEnergies` normalised per
 * field (rows sum to 1; a field with zero energy gives a row of zeros). Returns float64 rows.
 */
export async function isotypicFractions(x: GeometricTensor): Promise<Float64Array[]> {
  const energies = isotypicEnergies(x);
  const values = await energies.data();
  const [fields, components] = energies.shape as [number, number];
  energies.dispose();
  const rows: Float64Array[] = [];
  for (let f = 0; f < fields; f++) {
    const row = Float64Array.from(values.subarray(f * components, (f + 1) * components));
    const total = row.reduce((a, b) => a + b, 0);
    if (total > 0) for (let c = 0; c < components; c++) row[c] = row[c]! / total;
    rows.push(row);
  }
  return rows;
}

function transpose(m: Float64Array, n: number): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j * n + i] = m[i * n + j]!;
  return out;
}
