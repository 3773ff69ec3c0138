import { ErlangenError } from '@erlangen/core';
import { describe, expect, it } from 'vitest';
import {
  assertValidMesh,
  bunny,
  icosphere,
  Mesh,
  oneRing,
  parseMesh,
  parseObj,
  parseOff,
  parsePly,
  repairMesh,
  torus,
  validateMesh,
  weldVertices,
  writeObj,
  writeOff,
  writePly,
} from '../src/index.js';
import { fixtureMesh } from './helpers.js';

function sameMesh(a: Mesh, b: Mesh): void {
  expect(b.numVertices).toBe(a.numVertices);
  expect(Array.from(b.faces)).toEqual(Array.from(a.faces));
  expect(Array.from(b.vertices)).toEqual(Array.from(a.vertices));
}

const tetra = (): Mesh =>
  new Mesh([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3]);

describe('Mesh and half-edges', () => {
  it('loads the npm meshes as closed manifolds with the right Euler characteristic', () => {
    const b = bunny();
    expect([b.numVertices, b.numFaces, b.eulerCharacteristic]).toEqual([1839, 3674, 2]);
    const s = icosphere(2);
    expect([s.numVertices, s.numFaces, s.eulerCharacteristic]).toEqual([162, 320, 2]);
    const t = torus();
    // primitive-torus duplicates its seam: (64 + 1)·(32 + 1) vertices before welding, 64·32 after.
    expect([t.numVertices, t.numFaces, t.eulerCharacteristic]).toEqual([2048, 4096, 0]);
    for (const m of [b, s, t]) {
      expect(validateMesh(m)).toEqual([]);
      expect(m.halfedges.numBoundaryHalfedges).toBe(0);
    }
  });

  it('walks one-rings counter-clockwise and twins are involutions', () => {
    const m = icosphere(1);
    const { twin } = m.halfedges;
    for (let h = 0; h < twin.length; h++) expect(twin[twin[h]!]).toBe(h);
    for (let v = 0; v < m.numVertices; v++) {
      const ring = oneRing(m, v);
      expect(ring.length === 5 || ring.length === 6).toBe(true);
      // Consecutive ring vertices form a face (v, ring[k], ring[k+1]) in the mesh's orientation.
      const faces = new Set<string>();
      for (let f = 0; f < m.numFaces; f++)
        for (let k = 0; k < 3; k++)
          faces.add(
            [m.faces[3 * f + k], m.faces[3 * f + ((k + 1) % 3)], m.faces[3 * f + ((k + 2) % 3)]].join(),
          );
      for (let k = 0; k < ring.length; k++)
        expect(faces.has([v, ring[k], ring[(k + 1) % ring.length]].join())).toBe(true);
    }
  });

  it('rejects malformed arrays with errors naming the argument', () => {
    expect(() => new Mesh([0, 0], [0, 1, 2])).toThrow(/argument 'vertices' expected a flat \[V, 3\] array/);
    expect(() => new Mesh([0, 0, 0, 1, 0, 0, 0, 1, 0], [0, 1, 3])).toThrow(
      /argument 'faces' expected vertex indices in \[0, 2\] but received 3 in face 0/,
    );
    expect(() => new Mesh([0, 0, Number.NaN], [])).toThrow(ErlangenError);
  });
});

describe('OBJ / OFF / PLY round trips', () => {
  const meshes = {
    spot: fixtureMesh('spot_low_resolution'),
    bunny: bunny(),
    torus: torus({ majorSegments: 12, minorSegments: 6 }),
  };
  for (const [name, m] of Object.entries(meshes)) {
    it(`${name}: OBJ, OFF, ASCII and binary PLY reproduce vertices and faces exactly`, () => {
      sameMesh(m, parseObj(writeObj(m)));
      sameMesh(m, parseOff(writeOff(m)));
      sameMesh(m, parsePly(writePly(m, 'ascii')));
      sameMesh(m, parsePly(writePly(m, 'binary_little_endian')));
      sameMesh(m, parsePly(writePly(m, 'binary_big_endian')));
      sameMesh(m, parseMesh(writePly(m), 'ply'));
    });
  }

  it('reads the shared OBJ fixtures (Spot: 829 vertices, sphere: 642)', () => {
    expect(fixtureMesh('spot_low_resolution').numFaces).toBe(1654);
    expect(fixtureMesh('sphere').numVertices).toBe(642);
  });

  it('parses quads, float PLY types, extra properties and OBJ v/t/n indices', () => {
    const obj = parseObj('v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nvt 0 0\nf 1/1/1 2/1/1 3/1/1 4/1/1\n');
    expect(Array.from(obj.faces)).toEqual([0, 1, 2, 0, 2, 3]);
    const off = parseOff('OFF\n# a square\n4 1 0\n0 0 0\n1 0 0\n1 1 0\n0 1 0\n4 0 1 2 3 255 0 0\n');
    expect(Array.from(off.faces)).toEqual([0, 1, 2, 0, 2, 3]);
    // Binary PLY with float32 coordinates, an extra uchar property and a ushort/uint list.
    const header =
      'ply\nformat binary_little_endian 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nproperty uchar red\n' +
      'element face 1\nproperty list ushort uint vertex_indices\nend_header\n';
    const h = new TextEncoder().encode(header);
    const buf = new Uint8Array(h.length + 3 * 13 + 2 + 12);
    buf.set(h);
    const dv = new DataView(buf.buffer);
    let o = h.length;
    for (const [x, y, z] of [
      [0, 0, 0],
      [1, 0, 0],
      [0, 1, 0],
    ]) {
      dv.setFloat32(o, x!, true);
      dv.setFloat32(o + 4, y!, true);
      dv.setFloat32(o + 8, z!, true);
      dv.setUint8(o + 12, 200);
      o += 13;
    }
    dv.setUint16(o, 3, true);
    for (let i = 0; i < 3; i++) dv.setUint32(o + 2 + 4 * i, i, true);
    const ply = parsePly(buf);
    expect(Array.from(ply.vertices)).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0]);
    expect(Array.from(ply.faces)).toEqual([0, 1, 2]);
  });

  it('reports malformed files clearly', () => {
    expect(() => parseObj('v 0 0\n')).toThrow(/line 1: expected 'v x y z'/);
    expect(() => parseObj('v 0 0 0\nf 1 2 5\n')).toThrow(/argument 'faces' expected vertex indices/);
    expect(() => parseOff('OFF\n3 1 0\n0 0 0\n')).toThrow(/announces 3 vertices and 1 faces/);
    expect(() => parsePly('solid cube')).toThrow(/expected a PLY file/);
    const truncated = writePly(tetra()).subarray(0, 250);
    expect(() => parsePly(truncated)).toThrow(/file ends before all elements/);
    expect(() => parseMesh(new Uint8Array(), 'stl')).toThrow(
      /argument 'extension' expected 'obj', 'off' or 'ply'/,
    );
  });
});

describe('validation and repair', () => {
  it('a valid tetrahedron has no issues', () => {
    expect(validateMesh(tetra())).toEqual([]);
    expect(() => assertValidMesh(tetra())).not.toThrow();
  });

  it('names degenerate faces, duplicate faces, unreferenced vertices, flipped faces and non-manifold edges', () => {
    const t = tetra();
    const v = [...t.vertices, 5, 5, 5];
    // face 4 is degenerate (repeated index), face 5 duplicates face 0, vertex 4 is unreferenced.
    const bad = new Mesh(v, [...t.faces, 0, 0, 1, 0, 2, 1]);
    const kinds = validateMesh(bad).map((i) => i.kind);
    expect(kinds).toEqual(['degenerate-face', 'duplicate-face', 'unreferenced-vertex']);
    expect(() => assertValidMesh(bad)).toThrow(
      /1 degenerate face\(s\).*faces 4; 1 duplicate face\(s\): faces 5; 1 unreferenced vertex\/vertices: 4/,
    );
    const flipped = new Mesh(t.vertices, [0, 1, 2, ...t.faces.slice(3)]);
    expect(validateMesh(flipped).map((i) => i.kind)).toEqual(['inconsistent-orientation']);
    expect(() => flipped.halfedges).toThrow(/used twice in the same direction/);
    // Three triangles on edge 0–1 (a "book").
    const book = new Mesh([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1], [0, 1, 2, 1, 0, 3, 0, 1, 4]);
    const nm = validateMesh(book);
    expect(nm[0]!.kind).toBe('non-manifold-edge');
    expect(nm[0]!.message).toMatch(/edges 0–1/);
    expect(() => repairMesh(book)).toThrow(/cannot repair 1 non-manifold edge/);
  });

  it('repair removes what validation flags and re-orients faces consistently', () => {
    const t = tetra();
    const bad = new Mesh([...t.vertices, 5, 5, 5], [0, 1, 2, ...t.faces.slice(3), 0, 0, 1, 0, 1, 3]);
    const { mesh, log } = repairMesh(bad);
    expect(validateMesh(mesh)).toEqual([]);
    expect(mesh.numVertices).toBe(4);
    expect(mesh.numFaces).toBe(4);
    expect(mesh.eulerCharacteristic).toBe(2);
    expect(log.join('; ')).toMatch(
      /removed 2 degenerate\/duplicate faces; flipped 1 faces.*removed 1 unreferenced/,
    );
  });

  it('welds duplicate vertices (a mesh split into triangle soup comes back whole)', () => {
    const m = icosphere(1);
    const soup: number[] = [];
    for (let i = 0; i < m.faces.length; i++) soup.push(...m.vertex(m.faces[i]!));
    const split = new Mesh(
      soup,
      Int32Array.from({ length: m.faces.length }, (_, i) => i),
    );
    expect(split.numVertices).toBe(240);
    const { mesh } = weldVertices(split);
    expect(mesh.numVertices).toBe(42);
    expect(mesh.eulerCharacteristic).toBe(2);
    expect(validateMesh(mesh)).toEqual([]);
  });
});
