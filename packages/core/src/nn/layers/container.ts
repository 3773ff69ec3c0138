import { argError, describeValue } from '../../errors.js';
import { Module } from '../module.js';

/**
 * Runs its modules in order, each on the previous one's output. Children are named '0', '1', … as
 * in torch, so `stateDict` keys read `0.weight`, `2.bias`.
 */
export class Sequential extends Module {
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m) => {
      this.append(m);
    });
  }

  get length(): number {
    return this.children().length;
  }

  /** The i-th module (negative counts from the end). */
  at(i: number): Module {
    const kids = this.children();
    const m = kids[i < 0 ? i + kids.length : i];
    if (!m)
      argError('Sequential.at', 'i', `an index in [${-kids.length}, ${kids.length - 1}]`, describeValue(i));
    return m;
  }

  append(m: Module): this {
    if (!(m instanceof Module)) argError('Sequential', 'module', 'a Module', describeValue(m));
    // Integer-like keys enumerate in numeric order, which is exactly the order we want.
    (this as unknown as Record<string, Module>)[String(this.length)] = m;
    return this;
  }

  forward(x: unknown): any {
    let y = x;
    for (const m of this.children()) y = m.forward(y);
    return y;
  }
}
