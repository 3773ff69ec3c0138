/**
 * One stop of the 5G tour (`npm start`): a small, real model of one domain, run as its example
 * program (so it shows the example's own progress bar) with arguments sized for the tour. The
 * example writes a one-row summary (`--summary-json`, see summary.ts) that the tour collects.
 */
export interface TourOptions {
  /** Backend to run on (`cpu`, `wasm`, `webgpu`). */
  backend: string;
  /** A shorter run: same code, fewer epochs / samples. */
  quick: boolean;
  seed: number;
  /** Folder for this stop's figures (created before the run). */
  outDir: string;
}

export interface TourTask {
  /** Short name for `npm start -- <name>`. */
  name: string;
  /** The "G" it belongs to: Grids, Groups, Graphs, Geodesics, Gauges, or Information. */
  domain: string;
  description: string;
  /** Backends it runs on; the tour says so instead of failing deep inside. */
  backends: readonly string[];
  /** The example's built script in dist/ (e.g. `cora.js`). */
  script: string;
  /** Its command-line arguments for this run (the tour adds `--summary-json`). */
  args(o: TourOptions): string[];
}
