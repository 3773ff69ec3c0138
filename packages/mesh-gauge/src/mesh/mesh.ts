/**
 * A triangle mesh: vertex positions [V, 3] (float64) and faces [F, 3] (int32, counter-clockwise
 * seen from outside). Construction checks only the structure (lengths, finite coordinates,
 * indices in range); topological problems are reported by `validateMesh` and fixed by `repairMesh`.
 */
import { argError, ErlangenError } from '../errors.js';
import { buildHalfedges, type Halfedges } from './halfedge.js';

export class Mesh {
  /** Vertex positions, row-major [V, 3]. */
  readonly vertices: Float64Array;
  /** Triangle corner indices, row-major [F, 3]. */
  readonly faces: Int32Array;
  private halfedgeCache: Halfedges | undefined;

  constructor(vertices: Float64Array | readonly number[], faces: Int32Array | readonly number[]) {
    const v = vertices instanceof Float64Array ? vertices : Float64Array.from(vertices);
    const f = faces instanceof Int32Array ? faces : Int32Array.from(faces);
    if (v.length % 3 !== 0)
      argError('Mesh', 'vertices', 'a flat [V, 3] array (length divisible by 3)', `length ${v.length}`);
    if (f.length % 3 !== 0)
      argError('Mesh', 'faces', 'a flat [F, 3] array (length divisible by 3)', `length ${f.length}`);
    for (let i = 0; i < v.length; i++)
      if (!Number.isFinite(v[i]!))
        argError('Mesh', 'vertices', 'finite coordinates', `${v[i]} at vertex ${Math.floor(i / 3)}`);
    const nv = v.length / 3;
    for (let i = 0; i < f.length; i++) {
      const idx = faces instanceof Int32Array ? f[i]! : (faces as readonly number[])[i]!;
      if (!Number.isInteger(idx) || idx < 0 || idx >= nv)
        argError('Mesh', 'faces', `vertex indices in [0, ${nv - 1}]`, `${idx} in face ${Math.floor(i / 3)}`);
    }
    this.vertices = v;
    this.faces = f;
  }

  /** From nested arrays (`positions` [[x, y, z], …], `cells` [[a, b, c], …]), as the npm mesh packages give. */
  static fromArrays(positions: readonly (readonly number[])[], cells: readonly (readonly number[])[]): Mesh {
    const v = new Float64Array(positions.length * 3);
    positions.forEach((p, i) => {
      if (p.length !== 3)
        argError('Mesh.fromArrays', 'positions', '[x, y, z] rows', `a row of length ${p.length} at ${i}`);
      v.set(p, 3 * i);
    });
    const f = new Int32Array(cells.length * 3);
    cells.forEach((c, i) => {
      if (c.length !== 3)
        argError('Mesh.fromArrays', 'cells', 'triangles [a, b, c]', `a cell of length ${c.length} at ${i}`);
      for (let k = 0; k < 3; k++) {
        const idx = c[k]!;
        if (!Number.isInteger(idx) || idx < 0 || idx >= positions.length)
          argError(
            'Mesh.fromArrays',
            'cells',
            `vertex indices in [0, ${positions.length - 1}]`,
            `${idx} in cell ${i}`,
          );
        f[3 * i + k] = idx;
      }
    });
    return new Mesh(v, f);
  }

  get numVertices(): number {
    return this.vertices.length / 3;
  }

  get numFaces(): number {
    return this.faces.length / 3;
  }

  /** Half-edge connectivity (built once; needs an edge-manifold, consistently oriented mesh). */
  get halfedges(): Halfedges {
    this.halfedgeCache ??= buildHalfedges(this);
    return this.halfedgeCache;
  }

  /** Number of undirected edges. */
  get numEdges(): number {
    return this.halfedges.edges.length / 2;
  }

  /** V − E + F. */
  get eulerCharacteristic(): number {
    return this.numVertices - this.numEdges + this.numFaces;
  }

  /** Vertex i as [x, y, z]. */
  vertex(i: number): [number, number, number] {
    if (!Number.isInteger(i) || i < 0 || i >= this.numVertices)
      throw new ErlangenError(
        `Mesh.vertex: argument 'i' expected an index in [0, ${this.numVertices - 1}] but received ${i}`,
      );
    return [this.vertices[3 * i]!, this.vertices[3 * i + 1]!, this.vertices[3 * i + 2]!];
  }

  /** A copy with every vertex mapped by p ↦ R p + t (R row-major 3×3). */
  transformed(rotation: ArrayLike<number>, translation: ArrayLike<number> = [0, 0, 0]): Mesh {
    const out = new Float64Array(this.vertices.length);
    for (let i = 0; i < this.numVertices; i++) {
      const x = this.vertices[3 * i]!;
      const y = this.vertices[3 * i + 1]!;
      const z = this.vertices[3 * i + 2]!;
      for (let r = 0; r < 3; r++)
        out[3 * i + r] =
          rotation[3 * r]! * x + rotation[3 * r + 1]! * y + rotation[3 * r + 2]! * z + translation[r]!;
    }
    return new Mesh(out, this.faces);
  }

  /** A copy with the same faces and new positions (flat [V, 3]). */
  withVertices(vertices: Float64Array): Mesh {
    if (vertices.length !== this.vertices.length)
      argError(
        'Mesh.withVertices',
        'vertices',
        `length ${this.vertices.length}`,
        `length ${vertices.length}`,
      );
    return new Mesh(vertices, this.faces);
  }
}
