/** The tour's stops, in the order `npm start` runs them. */
import { graphTask } from './graph-task.js';
import type { TourTask } from './task.js';

export const TOUR: readonly TourTask[] = [graphTask];
