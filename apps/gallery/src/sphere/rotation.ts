/** Row-major 3×3 rotation helpers for the page's drag interaction (math frame: z = north pole). */

export type Mat3 = Float64Array;

export function multiply(a: ArrayLike<number>, b: ArrayLike<number>): Mat3 {
  const out = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += a[3 * i + k]! * b[3 * k + j]!;
      out[3 * i + j] = s;
    }
  return out;
}

/** Rotation by `angle` radians about the z axis (`axis` 'z') or the y axis ('y'). */
export function axisRotation(axis: 'y' | 'z', angle: number): Mat3 {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return axis === 'z'
    ? new Float64Array([c, -s, 0, s, c, 0, 0, 0, 1])
    : new Float64Array([c, 0, s, 0, 1, 0, -s, 0, c]);
}

/** Re-orthonormalises a rotation (Gram–Schmidt on the rows) so repeated drags do not drift. */
export function orthonormalise(r: Mat3): Mat3 {
  const a = [r[0]!, r[1]!, r[2]!];
  const na = Math.hypot(...a);
  const u = a.map((v) => v / na);
  const b = [r[3]!, r[4]!, r[5]!];
  const d = u[0]! * b[0]! + u[1]! * b[1]! + u[2]! * b[2]!;
  const b2 = b.map((v, i) => v - d * u[i]!);
  const nb = Math.hypot(...b2);
  const v = b2.map((x) => x / nb);
  const w = [u[1]! * v[2]! - u[2]! * v[1]!, u[2]! * v[0]! - u[0]! * v[2]!, u[0]! * v[1]! - u[1]! * v[0]!];
  return new Float64Array([...u, ...v, ...w]);
}
