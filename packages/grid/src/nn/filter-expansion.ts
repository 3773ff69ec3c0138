import { type Tensor, tensor } from '@erlangen/core';
import { argError, checkPositiveInt, fmtShape } from '../errors.js';
import { gridPermutation } from '../groups/grid-action.js';
import type { PlanarGroup } from '../groups/planar-group.js';

/** Throws unless `k` is an odd positive integer (a filter with a centre pixel that every grid symmetry fixes). */
export function checkOddKernel(op: string, k: unknown): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k % 2 === 0)
    argError(
      op,
      'kernelSize',
      'an odd positive integer (group filters are rotated about their centre pixel)',
      String(k),
    );
  return k;
}

/** Throws unless every element of `group` is a grid symmetry (C1, C2, C4, D1, D2, D4). */
export function checkGridGroup(op: string, group: PlanarGroup): void {
  if (!group.actsOnGrid)
    argError(
      op,
      'group',
      'a group of exact grid symmetries (C1, C2, C4, D1, D2 or D4; for other N use the steerable R2Conv)',
      group.name,
    );
}

/**
 * The gather index that expands a base filter into the filter bank of a group convolution (GrouPy's
 * transformation indices): the filter for output element g is the base filter transformed by g,
 *   W_g[co, ci, h, p] = W[co, ci, g⁻¹h, g⁻¹p],
 * where h runs over the input fibre (|G| regular channels, or a single trivial channel when
 * `inFibre` is 'trivial': the lifting convolution) and p over the k×k kernel offsets.
 * The base filter flattened to [out, inChannels·fibre·k²] gathered along axis 1 by this index gives
 * [out, |G|·inChannels·fibre·k²], i.e. the bank [out·|G|, inChannels·fibre, k, k].
 */
export function filterExpansionIndex(
  group: PlanarGroup,
  inFibre: 'trivial' | 'regular',
  inChannels: number,
  kernelSize: number,
): Int32Array {
  checkGridGroup('filterExpansionIndex', group);
  checkPositiveInt('filterExpansionIndex', 'inChannels', inChannels);
  const k = checkOddKernel('filterExpansionIndex', kernelSize);
  const k2 = k * k;
  const fibre = inFibre === 'regular' ? group.order : 1;
  const perBank = inChannels * fibre * k2;
  const index = new Int32Array(group.order * perBank);
  for (const g of group.elements()) {
    const gInv = group.inverse(g);
    const pixels = gridPermutation(group, g, k, k);
    for (let ci = 0; ci < inChannels; ci++) {
      for (let h = 0; h < fibre; h++) {
        const source = inFibre === 'regular' ? group.compose(gInv, h) : 0;
        const dst = g * perBank + (ci * fibre + h) * k2;
        const src = (ci * fibre + source) * k2;
        for (let p = 0; p < k2; p++) index[dst + p] = src + pixels[p]!;
      }
    }
  }
  return index;
}

/**
 * Expands a base filter into its group filter bank with one differentiable index gather (so gradients
 * of the bank flow back to `weight` through core's indexSelect / indexAdd).
 * Shapes: weight [out, inChannels, (fibre,) k, k] and `index` from `filterExpansionIndex` →
 * [out·|G|, inChannels·fibre, k, k].
 */
export function expandFilter(weight: Tensor, index: Tensor, order: number, kernelSize: number): Tensor {
  const out = weight.shape[0]!;
  const perBank = weight.size / out;
  if (index.shape[0] !== order * perBank)
    argError(
      'expandFilter',
      'index',
      `length ${order * perBank} (|G| = ${order} × ${perBank} filter entries of weight ${fmtShape(weight.shape)})`,
      `length ${index.shape[0]}`,
    );
  const inWidth = perBank / (kernelSize * kernelSize);
  return weight
    .reshape([out, perBank])
    .indexSelect(1, index)
    .reshape([out * order, inWidth, kernelSize, kernelSize]);
}

/** The index as a kept int32 tensor (it outlives tidy scopes, like a module's parameters). */
export function indexTensor(index: Int32Array): Tensor {
  return tensor(index, [index.length], 'int32').keep();
}
