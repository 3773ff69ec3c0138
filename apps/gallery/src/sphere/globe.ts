/**
 * The main globe (three.js): a unit sphere mesh whose vertex colours show a signal sampled on an
 * equiangular display grid (poles included), turned by a rotation R of the math frame (z = north).
 * three.js is y-up, so math (x, y, z) is drawn at three (y, z, x) — a proper rotation — and the
 * camera looks down math's −x axis at longitude 0 on the equator. Turning the mesh by R shows
 * (R f)(p) = f(R⁻¹ p), the same rotated signal the worker computes in harmonic space.
 * Renders on demand (no animation loop). Throws if WebGL is unavailable.
 */
import {
  BufferAttribute,
  BufferGeometry,
  DoubleSide,
  LinearSRGBColorSpace,
  Matrix4,
  Mesh,
  MeshBasicMaterial,
  OrthographicCamera,
  Scene,
  WebGLRenderer,
} from 'three';
import { diverging } from './draw.js';

export class Globe {
  readonly canvas: HTMLCanvasElement;
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera = new OrthographicCamera(-1.05, 1.05, 1.05, -1.05, 0.1, 10);
  private readonly mesh: Mesh;
  private readonly colours: BufferAttribute;

  /** `nlat` rings from pole to pole (θ_t = πt/(nlat−1)), `nlon` longitudes φ_p = 2πp/nlon. */
  constructor(
    size: number,
    readonly nlat: number,
    readonly nlon: number,
  ) {
    this.renderer = new WebGLRenderer({ antialias: true, alpha: true });
    this.renderer.outputColorSpace = LinearSRGBColorSpace;
    this.renderer.setPixelRatio(Math.min(2, globalThis.devicePixelRatio || 1));
    this.renderer.setSize(size, size);
    this.canvas = this.renderer.domElement;
    const cols = nlon + 1; // the seam column repeats φ = 0 at φ = 2π
    const positions = new Float32Array(nlat * cols * 3);
    for (let t = 0; t < nlat; t++) {
      const theta = (Math.PI * t) / (nlat - 1);
      for (let p = 0; p < cols; p++) {
        const phi = (2 * Math.PI * p) / nlon;
        const i = 3 * (t * cols + p);
        const [x, y, z] = [Math.sin(theta) * Math.cos(phi), Math.sin(theta) * Math.sin(phi), Math.cos(theta)];
        positions.set([y, z, x], i);
      }
    }
    const index: number[] = [];
    for (let t = 0; t < nlat - 1; t++)
      for (let p = 0; p < nlon; p++) {
        const a = t * cols + p;
        const b = a + cols;
        // counter-clockwise seen from outside
        index.push(a, a + 1, b, a + 1, b + 1, b);
      }
    const geometry = new BufferGeometry();
    geometry.setAttribute('position', new BufferAttribute(positions, 3));
    this.colours = new BufferAttribute(new Float32Array(nlat * cols * 3).fill(1), 3);
    geometry.setAttribute('color', this.colours);
    geometry.setIndex(index);
    this.mesh = new Mesh(geometry, new MeshBasicMaterial({ vertexColors: true, side: DoubleSide }));
    this.mesh.matrixAutoUpdate = false;
    this.scene.add(this.mesh);
    this.camera.position.set(0, 0, 3);
    this.camera.lookAt(0, 0, 0);
  }

  /** Signal values on the display grid, `[nlat, nlon]`, coloured with the symmetric `scale`. */
  setSignal(values: ArrayLike<number>, scale: number): void {
    const cols = this.nlon + 1;
    const c = this.colours.array as Float32Array;
    for (let t = 0; t < this.nlat; t++)
      for (let p = 0; p < cols; p++) {
        const [r, g, b] = diverging(values[t * this.nlon + (p % this.nlon)]!, scale);
        c.set([r / 255, g / 255, b / 255], 3 * (t * cols + p));
      }
    this.colours.needsUpdate = true;
    this.render();
  }

  /** R, row-major 3×3 in the math frame: the mesh gets P R Pᵀ with P: (x, y, z) ↦ (y, z, x). */
  setRotation(r: ArrayLike<number>): void {
    const perm = [1, 2, 0]; // three axis i = math axis perm[i]
    const m = new Matrix4();
    const e: number[] = [];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) e.push(r[3 * perm[i]! + perm[j]!]!);
    m.set(e[0]!, e[1]!, e[2]!, 0, e[3]!, e[4]!, e[5]!, 0, e[6]!, e[7]!, e[8]!, 0, 0, 0, 0, 1);
    this.mesh.matrix.copy(m);
    this.mesh.matrixWorldNeedsUpdate = true;
    this.render();
  }

  render(): void {
    this.renderer.render(this.scene, this.camera);
  }
}
