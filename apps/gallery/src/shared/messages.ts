/** Messages every gallery worker sends to its page, besides its page-specific ones. */
export type WorkerStatus =
  | { type: 'backend'; backend: string; note: string | null; adapter?: string | null }
  | { type: 'progress'; label: string; value: number; total: number }
  | { type: 'error'; message: string };
