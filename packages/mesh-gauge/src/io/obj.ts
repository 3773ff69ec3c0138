/**
 * Wavefront OBJ: `v x y z` and `f a b c` lines (1-based indices, `a/t/n` forms and negative
 * relative indices accepted). Polygons with more than three corners are fan-triangulated.
 */
import { ErlangenError } from '../errors.js';
import { Mesh } from '../mesh/mesh.js';

export function parseObj(text: string): Mesh {
  const verts: number[] = [];
  const faces: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln]!.trim();
    if (!line || line[0] === '#') continue;
    const parts = line.split(/\s+/);
    if (parts[0] === 'v') {
      if (parts.length < 4)
        throw new ErlangenError(`parseObj: line ${ln + 1}: expected 'v x y z' but received '${line}'`);
      for (let k = 1; k <= 3; k++) {
        const x = Number(parts[k]);
        if (!Number.isFinite(x))
          throw new ErlangenError(
            `parseObj: line ${ln + 1}: coordinate '${parts[k]}' is not a finite number`,
          );
        verts.push(x);
      }
    } else if (parts[0] === 'f') {
      const nv = verts.length / 3;
      const idx = parts.slice(1).map((p) => {
        const i = Number.parseInt(p.split('/')[0]!, 10);
        if (!Number.isInteger(i) || i === 0)
          throw new ErlangenError(`parseObj: line ${ln + 1}: face index '${p}' is not a valid 1-based index`);
        return i < 0 ? nv + i : i - 1;
      });
      if (idx.length < 3)
        throw new ErlangenError(
          `parseObj: line ${ln + 1}: a face needs at least 3 vertices, received ${idx.length}`,
        );
      for (let k = 1; k + 1 < idx.length; k++) faces.push(idx[0]!, idx[k]!, idx[k + 1]!);
    }
  }
  return new Mesh(Float64Array.from(verts), Int32Array.from(faces));
}

/** OBJ text with full float64 precision (shortest round-trip decimal). */
export function writeObj(mesh: Mesh): string {
  const out: string[] = [`# ${mesh.numVertices} vertices, ${mesh.numFaces} faces (@erlangen/mesh-gauge)`];
  for (let i = 0; i < mesh.numVertices; i++)
    out.push(`v ${mesh.vertices[3 * i]} ${mesh.vertices[3 * i + 1]} ${mesh.vertices[3 * i + 2]}`);
  for (let f = 0; f < mesh.numFaces; f++)
    out.push(`f ${mesh.faces[3 * f]! + 1} ${mesh.faces[3 * f + 1]! + 1} ${mesh.faces[3 * f + 2]! + 1}`);
  return `${out.join('\n')}\n`;
}
