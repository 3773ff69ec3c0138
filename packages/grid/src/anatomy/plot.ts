import { argError } from '../errors.js';

export interface EnergyPlotInput {
  /** One row per stage, e.g. 'conv1', 'conv1 + ReLU', … */
  stages: string[];
  /** Isotypic component labels (columns), e.g. 'L0' … 'L4'. */
  components: string[];
  /** fractions[stage][component]: energy fraction (rows need not sum to 1). */
  fractions: number[][];
  title?: string;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** White → dark blue, on a square-root scale so small fractions stay visible. */
function shade(v: number): string {
  const t = Math.sqrt(Math.min(1, Math.max(0, v)));
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(255, 8)},${mix(255, 48)},${mix(255, 107)})`;
}

/**
 * An SVG heat map of how a network's energy is spread over the frequencies of C_N: one row per stage
 * (layer, before and after its nonlinearity), one column per isotypic component, each cell coloured
 * and labelled with its energy fraction. Returns the SVG document as a string.
 */
export function energyPlotSvg(input: EnergyPlotInput): string {
  const { stages, components, fractions } = input;
  if (fractions.length !== stages.length)
    argError('energyPlotSvg', 'fractions', `${stages.length} rows (one per stage)`, `${fractions.length}`);
  for (const row of fractions)
    if (row.length !== components.length)
      argError('energyPlotSvg', 'fractions', `rows of ${components.length} values`, `a row of ${row.length}`);
  const cell = 56;
  const rowH = 26;
  const left = 12 + Math.max(40, ...stages.map((s) => s.length * 7));
  const top = 56;
  const title = input.title ?? 'Energy per isotypic component';
  const caption = "fraction of each stage's energy per frequency (colour: square-root scale)";
  // Wide enough for the title (14 px) and the caption (12 px), not only the grid: a renderer clips
  // at the declared width (about 0.55 em per character of sans-serif).
  const width = Math.ceil(
    Math.max(left + components.length * cell + 20, title.length * 7.7 + 24, left + caption.length * 6.6 + 12),
  );
  const height = top + stages.length * rowH + 40;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
  ];
  components.forEach((c, j) => {
    parts.push(
      `<text x="${left + j * cell + cell / 2}" y="${top - 8}" text-anchor="middle">${escapeXml(c)}</text>`,
    );
  });
  stages.forEach((s, i) => {
    const y = top + i * rowH;
    parts.push(`<text x="${left - 6}" y="${y + rowH / 2 + 4}" text-anchor="end">${escapeXml(s)}</text>`);
    components.forEach((_, j) => {
      const v = fractions[i]![j]!;
      const x = left + j * cell;
      parts.push(
        `<rect x="${x}" y="${y}" width="${cell - 2}" height="${rowH - 2}" fill="${shade(v)}"/>`,
        `<text x="${x + cell / 2 - 1}" y="${y + rowH / 2 + 4}" text-anchor="middle" fill="${v > 0.3 ? 'white' : 'black'}">${v.toFixed(3)}</text>`,
      );
    });
  });
  parts.push(`<text x="${left}" y="${height - 12}" fill="#555">${escapeXml(caption)}</text>`, '</svg>');
  return parts.join('\n');
}
