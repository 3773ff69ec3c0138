/**
 * The one-row summary an example writes for the tour (`--summary-json FILE`): what it learnt, with
 * which model, the headline number and the figures it wrote. Examples run standalone ignore it.
 */
import { writeFileSync } from 'node:fs';

export interface TourSummary {
  /** What was learnt, e.g. "node classification, Cora". */
  task: string;
  /** Which model(s), e.g. "GCN, 2 layers". */
  model: string;
  /** The headline number(s), formatted, e.g. "test 81.5%". */
  metric: string;
  /** Figures written (absolute paths). */
  figures: string[];
}

/** Writes `summary` to `path` as JSON when a path was given. */
export function writeTourSummary(path: string | undefined, summary: TourSummary): void {
  if (path) writeFileSync(path, `${JSON.stringify(summary, null, 2)}\n`);
}
