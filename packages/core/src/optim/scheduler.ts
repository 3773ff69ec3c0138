import { argError, describeValue } from '../errors.js';
import type { Optimizer } from './optimizer.js';
import { checkNonNegative } from './validate.js';

/**
 * Base of the learning-rate schedulers (torch.optim.lr_scheduler). Construction records each group's
 * `initialLr` and applies the epoch-0 rate; each `step()` advances one epoch and writes the rate into
 * every parameter group. Rates come from closed forms in the base rates and the epoch, so they are
 * reproducible from `lastEpoch` alone (`loadStateDict`).
 */
export abstract class LRScheduler {
  readonly optimizer: Optimizer<{ lr: number }>;
  readonly baseLrs: number[];
  lastEpoch: number;
  private lastLr: number[] = [];

  constructor(optimizer: Optimizer<{ lr: number }>, lastEpoch = -1) {
    if (!optimizer || !Array.isArray(optimizer.paramGroups)) {
      argError(this.constructor.name, 'optimizer', 'an Optimizer', describeValue(optimizer));
    }
    this.optimizer = optimizer;
    if (lastEpoch === -1) for (const g of optimizer.paramGroups) g.initialLr = g.lr;
    this.baseLrs = optimizer.paramGroups.map((g, i) => {
      if (g.initialLr === undefined) {
        argError(
          this.constructor.name,
          `optimizer.paramGroups[${i}].initialLr`,
          'a number when resuming (lastEpoch ≠ −1)',
          'undefined',
        );
      }
      return g.initialLr;
    });
    this.lastEpoch = lastEpoch;
  }

  /** Subclasses call this at the end of their constructor (after their fields are set), as torch's _initial_step. */
  protected initialStep(): void {
    this.step();
  }

  /** The learning rate of each group at `epoch`. */
  protected abstract lrAt(epoch: number): number[];

  /** Advances one epoch and sets the groups' learning rates. */
  step(): void {
    this.lastEpoch += 1;
    const lrs = this.lrAt(this.lastEpoch);
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = lrs[i]!;
    });
    this.lastLr = lrs;
  }

  /** The rates the last `step` set, one per parameter group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): { lastEpoch: number; baseLrs: number[] } {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  loadStateDict(dict: { lastEpoch: number; baseLrs?: number[] }): void {
    if (!dict || !Number.isInteger(dict.lastEpoch)) {
      argError(
        `${this.constructor.name}.loadStateDict`,
        'dict.lastEpoch',
        'an integer',
        describeValue(dict?.lastEpoch),
      );
    }
    if (dict.baseLrs)
      dict.baseLrs.forEach((lr, i) => {
        this.baseLrs[i] = lr;
      });
    this.lastEpoch = dict.lastEpoch;
    this.lastLr = this.lrAt(this.lastEpoch);
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = this.lastLr[i]!;
    });
  }
}

function checkPositiveInteger(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    argError(op, arg, 'a positive integer', describeValue(v));
  return v;
}

/** lr = base · γ^⌊epoch / stepSize⌋. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(
    optimizer: Optimizer<{ lr: number }>,
    opts: { stepSize: number; gamma?: number; lastEpoch?: number },
  ) {
    super(optimizer, opts?.lastEpoch ?? -1);
    this.stepSize = checkPositiveInteger('StepLR', 'stepSize', opts?.stepSize);
    this.gamma = checkNonNegative('StepLR', 'gamma', opts.gamma ?? 0.1);
    this.initialStep();
  }
  protected lrAt(epoch: number): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** Math.floor(epoch / this.stepSize));
  }
}

/** lr = base · γ^(number of milestones ≤ epoch). */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  readonly gamma: number;
  constructor(
    optimizer: Optimizer<{ lr: number }>,
    opts: { milestones: readonly number[]; gamma?: number; lastEpoch?: number },
  ) {
    super(optimizer, opts?.lastEpoch ?? -1);
    if (!Array.isArray(opts?.milestones) || !opts.milestones.every((m) => Number.isInteger(m) && m >= 0)) {
      argError(
        'MultiStepLR',
        'milestones',
        'an array of non-negative integers',
        describeValue(opts?.milestones),
      );
    }
    this.milestones = [...opts.milestones].sort((a, b) => a - b);
    this.gamma = checkNonNegative('MultiStepLR', 'gamma', opts.gamma ?? 0.1);
    this.initialStep();
  }
  protected lrAt(epoch: number): number[] {
    // Repeated milestones count repeatedly, as torch's Counter does.
    const passed = this.milestones.filter((m) => m <= epoch).length;
    return this.baseLrs.map((lr) => lr * this.gamma ** passed);
  }
}

/** lr = base · γ^epoch. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;
  constructor(optimizer: Optimizer<{ lr: number }>, opts: { gamma: number; lastEpoch?: number }) {
    super(optimizer, opts?.lastEpoch ?? -1);
    this.gamma = checkNonNegative('ExponentialLR', 'gamma', opts?.gamma);
    this.initialStep();
  }
  protected lrAt(epoch: number): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** epoch);
  }
}

/** lr = ηmin + (base − ηmin)·(1 + cos(π·epoch/tMax))/2, continuing periodically past tMax as torch. */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;
  constructor(
    optimizer: Optimizer<{ lr: number }>,
    opts: { tMax: number; etaMin?: number; lastEpoch?: number },
  ) {
    super(optimizer, opts?.lastEpoch ?? -1);
    this.tMax = checkPositiveInteger('CosineAnnealingLR', 'tMax', opts?.tMax);
    this.etaMin = checkNonNegative('CosineAnnealingLR', 'etaMin', opts.etaMin ?? 0);
    this.initialStep();
  }
  protected lrAt(epoch: number): number[] {
    return this.baseLrs.map(
      (lr) => this.etaMin + ((lr - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2,
    );
  }
}

/**
 * Linear warm-up (or decay) of a multiplicative factor from startFactor to endFactor over totalIters
 * epochs, then constant: lr = base · (s + (e − s)·min(epoch, T)/T). Defaults as torch: s = 1/3, e = 1, T = 5.
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;
  constructor(
    optimizer: Optimizer<{ lr: number }>,
    opts: { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number } = {},
  ) {
    super(optimizer, opts.lastEpoch ?? -1);
    const s = opts.startFactor ?? 1 / 3;
    const e = opts.endFactor ?? 1;
    if (typeof s !== 'number' || !(s > 0 && s <= 1))
      argError('LinearLR', 'startFactor', 'a number in (0, 1]', describeValue(s));
    if (typeof e !== 'number' || !(e >= 0 && e <= 1))
      argError('LinearLR', 'endFactor', 'a number in [0, 1]', describeValue(e));
    this.startFactor = s;
    this.endFactor = e;
    this.totalIters = checkPositiveInteger('LinearLR', 'totalIters', opts.totalIters ?? 5);
    this.initialStep();
  }
  protected lrAt(epoch: number): number[] {
    const t = Math.min(epoch, this.totalIters) / this.totalIters;
    return this.baseLrs.map((lr) => lr * (this.startFactor + (this.endFactor - this.startFactor) * t));
  }
}

/** lr = base · λ(epoch), with one function for all groups or one per group. */
export class LambdaLR extends LRScheduler {
  readonly lambdas: ((epoch: number) => number)[];
  constructor(
    optimizer: Optimizer<{ lr: number }>,
    lrLambda: ((epoch: number) => number) | readonly ((epoch: number) => number)[],
    opts: { lastEpoch?: number } = {},
  ) {
    super(optimizer, opts.lastEpoch ?? -1);
    const n = optimizer.paramGroups.length;
    const list = Array.isArray(lrLambda) ? [...lrLambda] : new Array(n).fill(lrLambda);
    if (list.length !== n || !list.every((f) => typeof f === 'function')) {
      argError(
        'LambdaLR',
        'lrLambda',
        `a function or ${n} functions (one per parameter group)`,
        describeValue(lrLambda),
      );
    }
    this.lambdas = list;
    this.initialStep();
  }
  protected lrAt(epoch: number): number[] {
    return this.baseLrs.map((lr, i) => lr * this.lambdas[i]!(epoch));
  }
}
