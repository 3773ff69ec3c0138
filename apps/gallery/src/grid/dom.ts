/** Small DOM builders for the grid page. */

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A size×size canvas (CSS scales it up) announced as an image with `label`. */
export function canvas(size: number, label: string, cls = ''): HTMLCanvasElement {
  const c = el('canvas', { width: String(size), height: String(size), role: 'img', 'aria-label': label });
  if (cls) c.className = cls;
  return c;
}
