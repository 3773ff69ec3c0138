import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The pixel size an SVG declares (its width/height attributes, else its viewBox), or null. */
export function svgSize(svg: string): { width: number; height: number } | null {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0];
  if (!root) return null;
  const attr = (name: string) => {
    const m = new RegExp(`\\b${name}="([0-9.]+)(px)?"`).exec(root);
    return m ? Number.parseFloat(m[1]!) : Number.NaN;
  };
  let width = attr('width');
  let height = attr('height');
  if (!(width > 0 && height > 0)) {
    const box = /\bviewBox="([^"]+)"/
      .exec(root)?.[1]
      ?.trim()
      .split(/[\s,]+/)
      .map(Number);
    if (box?.length !== 4) return null;
    [width, height] = [box[2]!, box[3]!];
  }
  return width > 0 && height > 0 ? { width: Math.ceil(width), height: Math.ceil(height) } : null;
}

/**
 * Renders an SVG file to a PNG beside it (same name, `.png`) with a headless Chromium screenshot —
 * Node ships no SVG rasteriser, and Chromium is what the browser tests already need. The window is
 * the SVG's declared size unless `size` is given. Returns the PNG's path, or null (with a line on
 * stdout) when no Chromium could render it, so callers keep the SVG either way.
 */
export function renderPng(svgPath: string, size?: { width: number; height: number }): string | null {
  const absolute = resolve(svgPath);
  const png = absolute.replace(/\.svg$/, '.png');
  const { width, height } = size ?? svgSize(readFileSync(absolute, 'utf8')) ?? { width: 800, height: 600 };
  for (const bin of ['chromium', 'chromium-browser', 'google-chrome']) {
    const r = spawnSync(
      bin,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--hide-scrollbars',
        `--screenshot=${png}`,
        `--window-size=${width},${height}`,
        `file://${absolute}`,
      ],
      { stdio: 'ignore', timeout: 60_000 },
    );
    if (r.status === 0) return png;
  }
  console.log(`  (no headless Chromium found: ${png} not written; the SVG is)`);
  return null;
}
