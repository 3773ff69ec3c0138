/** The grid page's canvas builder (and the shared `el`). */
import { el } from '../shared/dom.js';

export { el };

/** A size×size canvas (CSS scales it up) announced as an image with `label`. */
export function canvas(size: number, label: string, cls = ''): HTMLCanvasElement {
  const c = el('canvas', { width: String(size), height: String(size), role: 'img', 'aria-label': label });
  if (cls) c.className = cls;
  return c;
}
