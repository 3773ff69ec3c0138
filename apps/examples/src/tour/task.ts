/**
 * One stop of the 5G tour (`npm start`): a small, real model of one domain. A task reports
 * progress through `progress`, writes its figures under `outDir`, and returns one summary row.
 */
export interface TourContext {
  /** Backend already selected (`cpu`, `wasm`, `webgpu`, …). */
  backend: string;
  /** A shorter run (CI smoke runs, impatient readers): same code, fewer epochs / samples. */
  quick: boolean;
  seed: number;
  /** Folder for this task's figures (exists). */
  outDir: string;
  /** Progress of the current phase: `label` names it, value/total count steps. */
  progress(label: string, value: number, total: number): void;
}

export interface TourResult {
  /** What was learnt, e.g. "node classification, Cora". */
  task: string;
  /** Which model(s), e.g. "GCN (2 layers)". */
  model: string;
  /** The headline number(s), formatted, e.g. "test 81.5%". */
  metric: string;
  /** Figures written (absolute paths). */
  figures: string[];
}

export interface TourTask {
  /** Short name for `npm start -- <name>`. */
  name: string;
  /** The "G" it belongs to: Grids, Groups, Graphs, Geodesics, Gauges, or Information. */
  domain: string;
  description: string;
  /** Backends it runs on; the tour says so instead of failing deep inside. */
  backends: readonly string[];
  run(ctx: TourContext): Promise<TourResult>;
}
