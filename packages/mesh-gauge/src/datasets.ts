/**
 * Meshes from npm packages, as validated `Mesh`es:
 * - `bunny()`: the Stanford bunny of the `bunny` package (Mikola Lysenko; 1839 vertices, 3674
 *   faces, closed, genus 0),
 * - `icosphere(n)`: the unit icosphere of the `icosphere` package (n subdivisions: 12, 42, 162,
 *   642, 2562 vertices),
 * - `torus(opts)`: the torus of `primitive-torus`, whose seam vertices are duplicated in the
 *   package (a uv-mapped grid); we weld them into a closed genus-1 surface.
 * - `spot()`: Spot the cow, low resolution (public domain), shipped in the package;
 * And `readMeshFile(path)` for OBJ / OFF / PLY files (Node only).
 */
import bunnyData from 'bunny';
import createIcosphere from 'icosphere';
import createTorus from 'primitive-torus';
import { SPOT_FACES, SPOT_VERTICES } from './data/spot-low-resolution.js';
import { argError, checkNonNegativeInt } from './errors.js';
import { parseObj } from './io/obj.js';
import { parseOff } from './io/off.js';
import { parsePly } from './io/ply.js';
import { Mesh } from './mesh/mesh.js';
import { repairMesh, weldVertices } from './mesh/validate.js';

/** The Stanford bunny of the `bunny` npm package (passed through repairMesh, which finds nothing to change). */
export function bunny(): Mesh {
  return repairMesh(Mesh.fromArrays(bunnyData.positions, bunnyData.cells), { weld: true }).mesh;
}

/**
 * Spot the cow, low resolution (829 vertices, 1654 faces; public domain, Keenan Crane; from
 * odedstein-meshes). Packed into the package by scripts/pack_spot.py.
 */
export function spot(): Mesh {
  return new Mesh(SPOT_VERTICES, SPOT_FACES);
}

/** Unit icosphere with `subdivisions` levels (`icosphere` npm package). */
export function icosphere(subdivisions = 2): Mesh {
  checkNonNegativeInt('icosphere', 'subdivisions', subdivisions);
  if (subdivisions > 6)
    argError('icosphere', 'subdivisions', 'at most 6 (40962 vertices)', String(subdivisions));
  const m = createIcosphere(subdivisions);
  return Mesh.fromArrays(m.positions, m.cells);
}

export interface TorusOptions {
  majorRadius?: number;
  minorRadius?: number;
  majorSegments?: number;
  minorSegments?: number;
}

/** Closed torus from `primitive-torus` (z axis; default radii 1 and 0.25, 64 × 32 segments) with its seam welded. */
export function torus(opts: TorusOptions = {}): Mesh {
  const m = createTorus(opts);
  return weldVertices(Mesh.fromArrays(m.positions, m.cells), 1e-9).mesh;
}

/** Parses mesh bytes by file extension ('obj', 'off', 'ply'). */
export function parseMesh(data: Uint8Array, extension: string): Mesh {
  const ext = extension.toLowerCase().replace(/^\./, '');
  if (ext === 'ply') return parsePly(data);
  const text = new TextDecoder().decode(data);
  if (ext === 'obj') return parseObj(text);
  if (ext === 'off') return parseOff(text);
  return argError('parseMesh', 'extension', "'obj', 'off' or 'ply'", JSON.stringify(extension));
}

/** Reads an OBJ, OFF or PLY file (Node only). */
export async function readMeshFile(path: string): Promise<Mesh> {
  const { readFile } = await import('node:fs/promises');
  const ext = path.split('.').pop() ?? '';
  return parseMesh(new Uint8Array(await readFile(path)), ext);
}
