/**
 * The eval-mode cache of an expanded filter bank and bias, shared by the group and steerable
 * convolutions. In training mode the filter is expanded afresh on every forward (so gradients reach
 * the base parameters); in eval mode it is expanded once, keyed on the storage of the base weight
 * and bias, which an optimiser step or `loadStateDict` replaces (`assign`), so it never goes stale.
 */
import { noGrad, type Tensor } from '@erlangen/core';

export interface ExpandedFilter {
  filter: Tensor;
  bias: Tensor | null;
}

const storageOf = (t: Tensor | null): unknown => (t ? (t as unknown as { id: unknown }).id : null);

export class ExpandedFilterCache {
  private entry: (ExpandedFilter & { weightId: unknown; biasId: unknown }) | null = null;

  /** The cached filter and bias (eval mode), or null. */
  get cached(): ExpandedFilter | null {
    return this.entry ? { filter: this.entry.filter, bias: this.entry.bias } : null;
  }

  /** Drops the cached filter and bias. */
  invalidate(): void {
    if (this.entry) {
      this.entry.filter.dispose();
      this.entry.bias?.dispose();
      this.entry = null;
    }
  }

  /** The expanded filter and bias for a forward; `expand` builds them from `weight` and `bias`. */
  get(training: boolean, weight: Tensor, bias: Tensor | null, expand: () => ExpandedFilter): ExpandedFilter {
    if (training) {
      this.invalidate();
      return expand();
    }
    const weightId = storageOf(weight);
    const biasId = storageOf(bias);
    if (!this.entry || this.entry.weightId !== weightId || this.entry.biasId !== biasId) {
      this.invalidate();
      const built = noGrad(() => {
        const e = expand();
        return { filter: e.filter.keep(), bias: e.bias?.keep() ?? null };
      });
      this.entry = { ...built, weightId, biasId };
    }
    return { filter: this.entry.filter, bias: this.entry.bias };
  }
}
