/**
 * Object File Format: `OFF`, then `V F E`, V lines `x y z`, F lines `n i j k …` (0-based indices;
 * anything after the indices on a face line, such as a colour, is ignored). Polygons are
 * fan-triangulated.
 */
import { ErlangenError } from '../errors.js';
import { Mesh } from '../mesh/mesh.js';

export function parseOff(text: string): Mesh {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l.length);
  let first = lines.shift()?.split(/\s+/) ?? [];
  if (first[0] !== 'OFF')
    throw new ErlangenError(`parseOff: expected the header 'OFF' but received '${first.join(' ')}'`);
  first = first.slice(1);
  const counts = (first.length ? first : (lines.shift()?.split(/\s+/) ?? [])).map(Number);
  if (counts.length < 2 || !counts.slice(0, 2).every((c) => Number.isInteger(c) && c >= 0))
    throw new ErlangenError(`parseOff: expected the counts line 'V F E' but received '${counts.join(' ')}'`);
  const [nv, nf] = counts as [number, number];
  if (lines.length < nv + nf)
    throw new ErlangenError(
      `parseOff: header announces ${nv} vertices and ${nf} faces but the file has only ${lines.length} data lines`,
    );
  const verts = new Float64Array(nv * 3);
  for (let i = 0; i < nv; i++) {
    const xs = lines[i]!.split(/\s+/).slice(0, 3).map(Number);
    if (xs.length < 3 || !xs.every(Number.isFinite))
      throw new ErlangenError(`parseOff: vertex ${i}: expected 'x y z' but received '${lines[i]}'`);
    verts.set(xs, 3 * i);
  }
  const faces: number[] = [];
  for (let f = 0; f < nf; f++) {
    const xs = lines[nv + f]!.split(/\s+/).map(Number);
    const n = xs[0]!;
    if (!Number.isInteger(n) || n < 3 || xs.length < n + 1)
      throw new ErlangenError(
        `parseOff: face ${f}: expected 'n i j k …' with n ≥ 3 indices but received '${lines[nv + f]}'`,
      );
    for (let k = 2; k < n; k++) faces.push(xs[1]!, xs[k]!, xs[k + 1]!);
  }
  return new Mesh(verts, faces);
}

export function writeOff(mesh: Mesh): string {
  const out = ['OFF', `${mesh.numVertices} ${mesh.numFaces} 0`];
  for (let i = 0; i < mesh.numVertices; i++)
    out.push(`${mesh.vertices[3 * i]} ${mesh.vertices[3 * i + 1]} ${mesh.vertices[3 * i + 2]}`);
  for (let f = 0; f < mesh.numFaces; f++)
    out.push(`3 ${mesh.faces[3 * f]} ${mesh.faces[3 * f + 1]} ${mesh.faces[3 * f + 2]}`);
  return `${out.join('\n')}\n`;
}
