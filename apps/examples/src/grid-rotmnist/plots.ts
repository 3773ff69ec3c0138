/** A string-built SVG line chart (no native renderer is available): test accuracy vs training-set size. */
export interface Series {
  name: string;
  colour: string;
  points: { x: number; y: number }[];
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

export function lineChartSvg(title: string, xLabel: string, yLabel: string, series: Series[]): string {
  const w = 600;
  const h = 360;
  const m = { l: 64, r: 190, t: 40, b: 52 };
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.map((p) => p.y));
  // Log scale on x (training sizes 1k, 3k, 10k), linear on y.
  const x0 = Math.log10(Math.min(...xs)) - 0.1;
  const x1 = Math.log10(Math.max(...xs)) + 0.1;
  const y0 = Math.max(0, Math.floor(Math.min(...ys) / 5) * 5 - 5);
  const y1 = 100;
  const px = (x: number) => m.l + ((Math.log10(x) - x0) / (x1 - x0)) * (w - m.l - m.r);
  const py = (y: number) => h - m.b - ((y - y0) / (y1 - y0)) * (h - m.t - m.b);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<text x="${(w - m.r + m.l) / 2}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    `<line x1="${m.l}" y1="${h - m.b}" x2="${w - m.r}" y2="${h - m.b}" stroke="black"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${h - m.b}" stroke="black"/>`,
    `<text x="${(w - m.r + m.l) / 2}" y="${h - 12}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text x="16" y="${(h - m.b + m.t) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(h - m.b + m.t) / 2})">${esc(yLabel)}</text>`,
  ];
  for (let y = y0; y <= y1; y += 5) {
    out.push(
      `<line x1="${m.l - 4}" y1="${py(y)}" x2="${w - m.r}" y2="${py(y)}" stroke="#ddd"/>`,
      `<text x="${m.l - 8}" y="${py(y) + 4}" text-anchor="end">${y}</text>`,
    );
  }
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    out.push(
      `<text x="${px(x)}" y="${h - m.b + 16}" text-anchor="middle">${x >= 1000 ? `${x / 1000}k` : x}</text>`,
    );
  }
  series.forEach((s, i) => {
    const pts = s.points.map((p) => `${px(p.x)},${py(p.y)}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${s.colour}" stroke-width="2"/>`);
    for (const p of s.points) {
      out.push(
        `<circle cx="${px(p.x)}" cy="${py(p.y)}" r="4" fill="${s.colour}"/>`,
        `<text x="${px(p.x) + 6}" y="${py(p.y) - 6}" fill="${s.colour}">${p.y.toFixed(1)}</text>`,
      );
    }
    out.push(
      `<rect x="${w - m.r + 14}" y="${m.t + i * 20}" width="14" height="4" fill="${s.colour}"/>`,
      `<text x="${w - m.r + 34}" y="${m.t + i * 20 + 6}">${esc(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}
