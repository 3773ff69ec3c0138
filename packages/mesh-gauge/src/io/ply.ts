/**
 * Stanford PLY, ASCII and binary (little- and big-endian). Reads the `vertex` element's x, y, z
 * (any numeric type, other properties skipped) and the `face` element's index list
 * (`vertex_indices` or `vertex_index`, any list types); other elements are skipped.
 * Writes x, y, z as double (binary) or shortest round-trip decimals (ASCII), faces as uchar/int lists.
 */
import { ErlangenError } from '../errors.js';
import { Mesh } from '../mesh/mesh.js';

export type PlyFormat = 'ascii' | 'binary_little_endian' | 'binary_big_endian';

const TYPE_SIZES: Record<string, number> = {
  char: 1,
  int8: 1,
  uchar: 1,
  uint8: 1,
  short: 2,
  int16: 2,
  ushort: 2,
  uint16: 2,
  int: 4,
  int32: 4,
  uint: 4,
  uint32: 4,
  float: 4,
  float32: 4,
  double: 8,
  float64: 8,
};

interface Property {
  name: string;
  type: string;
  /** For list properties: the count type. */
  countType?: string;
}
interface Element {
  name: string;
  count: number;
  props: Property[];
}

function readScalar(view: DataView, off: number, type: string, little: boolean): number {
  switch (type) {
    case 'char':
    case 'int8':
      return view.getInt8(off);
    case 'uchar':
    case 'uint8':
      return view.getUint8(off);
    case 'short':
    case 'int16':
      return view.getInt16(off, little);
    case 'ushort':
    case 'uint16':
      return view.getUint16(off, little);
    case 'int':
    case 'int32':
      return view.getInt32(off, little);
    case 'uint':
    case 'uint32':
      return view.getUint32(off, little);
    case 'float':
    case 'float32':
      return view.getFloat32(off, little);
    case 'double':
    case 'float64':
      return view.getFloat64(off, little);
    default:
      throw new ErlangenError(`parsePly: unknown property type '${type}'`);
  }
}

/** Parses a PLY file given as bytes (binary or ASCII) or as a string (ASCII only). */
export function parsePly(data: Uint8Array | string): Mesh {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  // The header is ASCII up to and including "end_header\n".
  const probe = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 65536)));
  const endMatch = /end_header\r?\n/.exec(probe);
  if (!probe.startsWith('ply') || !endMatch)
    throw new ErlangenError(
      "parsePly: argument 'data' expected a PLY file starting with 'ply' and a header ending in 'end_header' but received neither",
    );
  const headerEnd = endMatch.index + endMatch[0].length;
  const header = probe
    .slice(0, endMatch.index)
    .split(/\r?\n/)
    .map((l) => l.trim());
  let format: PlyFormat | undefined;
  const elements: Element[] = [];
  for (const line of header) {
    const p = line.split(/\s+/);
    if (p[0] === 'format') {
      if (p[1] !== 'ascii' && p[1] !== 'binary_little_endian' && p[1] !== 'binary_big_endian')
        throw new ErlangenError(`parsePly: unknown format '${p[1]}'`);
      format = p[1];
    } else if (p[0] === 'element') elements.push({ name: p[1]!, count: Number(p[2]), props: [] });
    else if (p[0] === 'property') {
      const el = elements[elements.length - 1];
      if (!el) throw new ErlangenError('parsePly: a property appears before any element');
      if (p[1] === 'list') {
        if (!(p[2]! in TYPE_SIZES) || !(p[3]! in TYPE_SIZES))
          throw new ErlangenError(`parsePly: unknown list types in '${line}'`);
        el.props.push({ name: p[4]!, type: p[3]!, countType: p[2]! });
      } else {
        if (!(p[1]! in TYPE_SIZES)) throw new ErlangenError(`parsePly: unknown property type in '${line}'`);
        el.props.push({ name: p[2]!, type: p[1]! });
      }
    }
  }
  if (!format) throw new ErlangenError('parsePly: the header has no format line');
  const vEl = elements.find((e) => e.name === 'vertex');
  if (!vEl) throw new ErlangenError("parsePly: the header has no 'vertex' element");
  const axes = ['x', 'y', 'z'].map((n) => vEl.props.findIndex((p) => p.name === n));
  if (axes.some((a) => a < 0)) throw new ErlangenError("parsePly: the 'vertex' element lacks x, y or z");
  const verts = new Float64Array(vEl.count * 3);
  const faces: number[] = [];
  const pushFace = (idx: number[], f: number): void => {
    if (idx.length < 3)
      throw new ErlangenError(`parsePly: face ${f} has ${idx.length} corners; at least 3 expected`);
    for (let k = 1; k + 1 < idx.length; k++) faces.push(idx[0]!, idx[k]!, idx[k + 1]!);
  };
  const isFaceList = (el: Element, p: Property): boolean =>
    el.name === 'face' &&
    p.countType !== undefined &&
    (p.name === 'vertex_indices' || p.name === 'vertex_index');

  if (format === 'ascii') {
    const body = new TextDecoder().decode(bytes.subarray(headerEnd));
    const tok = body.split(/\s+/).filter((t) => t.length);
    let t = 0;
    const next = (): number => {
      if (t >= tok.length)
        throw new ErlangenError(
          'parsePly: the file ends before all elements announced in the header were read',
        );
      return Number(tok[t++]);
    };
    for (const el of elements)
      for (let r = 0; r < el.count; r++)
        el.props.forEach((p, pi) => {
          if (p.countType) {
            const n = next();
            const list: number[] = [];
            for (let k = 0; k < n; k++) list.push(next());
            if (isFaceList(el, p)) pushFace(list, r);
          } else {
            const x = next();
            if (el === vEl) {
              const a = axes.indexOf(pi);
              if (a >= 0) verts[3 * r + a] = x;
            }
          }
        });
  } else {
    const little = format === 'binary_little_endian';
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let off = headerEnd;
    const need = (n: number): void => {
      if (off + n > bytes.length)
        throw new ErlangenError(
          'parsePly: the file ends before all elements announced in the header were read',
        );
    };
    for (const el of elements)
      for (let r = 0; r < el.count; r++)
        el.props.forEach((p, pi) => {
          if (p.countType) {
            need(TYPE_SIZES[p.countType]!);
            const n = readScalar(view, off, p.countType, little);
            off += TYPE_SIZES[p.countType]!;
            const size = TYPE_SIZES[p.type]!;
            need(n * size);
            const list: number[] = [];
            for (let k = 0; k < n; k++, off += size) list.push(readScalar(view, off, p.type, little));
            if (isFaceList(el, p)) pushFace(list, r);
          } else {
            const size = TYPE_SIZES[p.type]!;
            need(size);
            const x = readScalar(view, off, p.type, little);
            off += size;
            if (el === vEl) {
              const a = axes.indexOf(pi);
              if (a >= 0) verts[3 * r + a] = x;
            }
          }
        });
  }
  return new Mesh(verts, faces);
}

/** PLY bytes; vertex coordinates as double in binary formats (exact round trip). */
export function writePly(mesh: Mesh, format: PlyFormat = 'binary_little_endian'): Uint8Array {
  const coordType = 'double'; // exact float64 round trip in every format
  const header =
    `ply\nformat ${format} 1.0\ncomment @erlangen/mesh-gauge\nelement vertex ${mesh.numVertices}\n` +
    `property ${coordType} x\nproperty ${coordType} y\nproperty ${coordType} z\n` +
    `element face ${mesh.numFaces}\nproperty list uchar int vertex_indices\nend_header\n`;
  if (format === 'ascii') {
    const lines: string[] = [];
    for (let i = 0; i < mesh.numVertices; i++)
      lines.push(`${mesh.vertices[3 * i]} ${mesh.vertices[3 * i + 1]} ${mesh.vertices[3 * i + 2]}`);
    for (let f = 0; f < mesh.numFaces; f++)
      lines.push(`3 ${mesh.faces[3 * f]} ${mesh.faces[3 * f + 1]} ${mesh.faces[3 * f + 2]}`);
    return new TextEncoder().encode(`${header}${lines.join('\n')}\n`);
  }
  const little = format === 'binary_little_endian';
  const head = new TextEncoder().encode(header);
  const out = new Uint8Array(head.length + mesh.numVertices * 24 + mesh.numFaces * 13);
  out.set(head);
  const view = new DataView(out.buffer);
  let off = head.length;
  for (let i = 0; i < mesh.vertices.length; i++, off += 8) view.setFloat64(off, mesh.vertices[i]!, little);
  for (let f = 0; f < mesh.numFaces; f++) {
    view.setUint8(off++, 3);
    for (let k = 0; k < 3; k++, off += 4) view.setInt32(off, mesh.faces[3 * f + k]!, little);
  }
  return out;
}
