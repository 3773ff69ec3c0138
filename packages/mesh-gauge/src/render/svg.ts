/**
 * Mesh pictures as SVG strings (no native renderer needed): orthographic projection after a view
 * rotation, back faces culled, faces drawn far to near (painter's algorithm), each face filled with
 * the mean of its vertices' colours and Lambert-shaded by its normal.
 */
import { argError } from '../errors.js';
import { faceNormals } from '../geometry/basic.js';
import type { Mesh } from '../mesh/mesh.js';

export interface SvgViewOptions {
  /** Yaw then pitch of the camera in radians (default 0.6, −0.3). */
  yaw?: number;
  pitch?: number;
  /** Panel size in pixels (default 320). */
  size?: number;
  title?: string;
}

/** A `<g>` with the mesh drawn into a size × size square at (x, y); colours [V, 3] in [0, 1]. */
export function meshSvgGroup(
  mesh: Mesh,
  colors: Float32Array | Float64Array,
  x: number,
  y: number,
  opts: SvgViewOptions = {},
): string {
  if (colors.length !== mesh.numVertices * 3)
    argError(
      'meshSvgGroup',
      'colors',
      `[${mesh.numVertices}, 3] values in [0, 1]`,
      `length ${colors.length}`,
    );
  const size = opts.size ?? 320;
  const yaw = opts.yaw ?? 0.6;
  const pitch = opts.pitch ?? -0.3;
  const cy = Math.cos(yaw);
  const sy = Math.sin(yaw);
  const cp = Math.cos(pitch);
  const sp = Math.sin(pitch);
  const rot = (p: [number, number, number]): [number, number, number] => {
    const x1 = cy * p[0] + sy * p[2];
    const z1 = -sy * p[0] + cy * p[2];
    return [x1, cp * p[1] - sp * z1, sp * p[1] + cp * z1];
  };
  const nv = mesh.numVertices;
  const proj = new Float64Array(nv * 3);
  for (let i = 0; i < nv; i++) proj.set(rot(mesh.vertex(i)), 3 * i);
  let lo = [Infinity, Infinity];
  let hi = [-Infinity, -Infinity];
  for (let i = 0; i < nv; i++) {
    lo = [Math.min(lo[0]!, proj[3 * i]!), Math.min(lo[1]!, proj[3 * i + 1]!)];
    hi = [Math.max(hi[0]!, proj[3 * i]!), Math.max(hi[1]!, proj[3 * i + 1]!)];
  }
  const scale = (0.9 * size) / Math.max(hi[0]! - lo[0]!, hi[1]! - lo[1]!);
  const ox = x + size / 2 - (scale * (lo[0]! + hi[0]!)) / 2;
  const oy = y + size / 2 + (scale * (lo[1]! + hi[1]!)) / 2;
  const fn = faceNormals(mesh);
  const faces: { depth: number; path: string }[] = [];
  const light = [0.3, 0.5, 0.81];
  for (let f = 0; f < mesh.numFaces; f++) {
    const n = rot([fn[3 * f]!, fn[3 * f + 1]!, fn[3 * f + 2]!]);
    if (n[2] <= 0) continue; // facing away (camera looks down −z)
    const shade = 0.35 + 0.65 * Math.max(0, n[0] * light[0]! + n[1] * light[1]! + n[2] * light[2]!);
    let depth = 0;
    const pts: string[] = [];
    const rgb = [0, 0, 0];
    for (let k = 0; k < 3; k++) {
      const v = mesh.faces[3 * f + k]!;
      depth += proj[3 * v + 2]!;
      pts.push(`${(ox + scale * proj[3 * v]!).toFixed(1)},${(oy - scale * proj[3 * v + 1]!).toFixed(1)}`);
      for (let c = 0; c < 3; c++) rgb[c]! += colors[3 * v + c]! / 3;
    }
    const hex = rgb
      .map((c) =>
        Math.round(255 * Math.min(1, Math.max(0, c * shade)))
          .toString(16)
          .padStart(2, '0'),
      )
      .join('');
    faces.push({
      depth,
      path: `<polygon points="${pts.join(' ')}" fill="#${hex}" stroke="#${hex}" stroke-width="0.3"/>`,
    });
  }
  faces.sort((a, b) => a.depth - b.depth);
  const title = opts.title
    ? `<text x="${x + size / 2}" y="${y + 18}" text-anchor="middle" font-family="sans-serif" font-size="14">${opts.title}</text>`
    : '';
  return `<g>${title}${faces.map((f) => f.path).join('')}</g>`;
}

/** One SVG document with a row of panels (mesh, colours, title). */
export function meshPanelsSvg(
  panels: { mesh: Mesh; colors: Float32Array | Float64Array; title?: string }[],
  opts: SvgViewOptions & { caption?: string } = {},
): string {
  const size = opts.size ?? 320;
  const h = size + (opts.caption ? 40 : 0);
  const body = panels
    .map((p, i) => meshSvgGroup(p.mesh, p.colors, i * size, 0, { ...opts, title: p.title }))
    .join('\n');
  const caption = opts.caption
    ? `<text x="8" y="${size + 24}" font-family="sans-serif" font-size="12">${opts.caption}</text>`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${panels.length * size}" height="${h}" viewBox="0 0 ${panels.length * size} ${h}"><rect width="100%" height="100%" fill="white"/>\n${body}\n${caption}</svg>\n`;
}

/** Colour per vertex from its position in the bounding box (a smooth map, so correspondence errors show as colour noise). */
export function positionColors(mesh: Mesh): Float32Array {
  const nv = mesh.numVertices;
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < nv; i++)
    for (let c = 0; c < 3; c++) {
      lo[c] = Math.min(lo[c]!, mesh.vertices[3 * i + c]!);
      hi[c] = Math.max(hi[c]!, mesh.vertices[3 * i + c]!);
    }
  const out = new Float32Array(nv * 3);
  for (let i = 0; i < nv; i++)
    for (let c = 0; c < 3; c++)
      out[3 * i + c] = 0.15 + (0.85 * (mesh.vertices[3 * i + c]! - lo[c]!)) / (hi[c]! - lo[c]! || 1);
  return out;
}
