/**
 * The three.js view of the mesh: vertex colours, tangent frames (e1 and e2 as short segments at
 * every k-th vertex), transported vectors as arrows, a marker on the picked vertex, orbit-style
 * rotation by dragging and picking a vertex by clicking. Renders on demand only.
 */
import type { Mesh, MeshGauge } from '@erlangen/mesh-gauge';
import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import type { TransportResult } from './transport.js';

export const E1_COLOUR = '#d62728';
export const E2_COLOUR = '#1f5fbf';
export const ARROW_COLOUR = '#111111';

export class MeshView {
  readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera: THREE.PerspectiveCamera;
  private readonly controls: OrbitControls;
  private readonly geometry = new THREE.BufferGeometry();
  private readonly surface: THREE.Mesh;
  private readonly frames = new THREE.Group();
  private readonly arrows = new THREE.Group();
  private readonly marker: THREE.Mesh;
  /** Positions centred and scaled to radius 1. */
  private readonly positions: Float32Array;
  /** Mean edge length after scaling (sets frame and arrow sizes). */
  private readonly h: number;

  constructor(
    readonly canvas: HTMLCanvasElement,
    readonly mesh: Mesh,
    meanEdge: number,
  ) {
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio));
    this.renderer.setClearColor('#ffffff');
    const v = mesh.vertices;
    const nv = mesh.numVertices;
    const centre = [0, 1, 2].map((k) => {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < nv; i++) {
        lo = Math.min(lo, v[3 * i + k]!);
        hi = Math.max(hi, v[3 * i + k]!);
      }
      return (lo + hi) / 2;
    });
    let radius = 0;
    for (let i = 0; i < nv; i++)
      radius = Math.max(
        radius,
        Math.hypot(v[3 * i]! - centre[0]!, v[3 * i + 1]! - centre[1]!, v[3 * i + 2]! - centre[2]!),
      );
    this.positions = Float32Array.from(v, (x, i) => (x - centre[i % 3]!) / radius);
    this.h = meanEdge / radius;
    this.geometry.setAttribute('position', new THREE.BufferAttribute(this.positions, 3));
    this.geometry.setAttribute('color', new THREE.BufferAttribute(new Float32Array(3 * nv).fill(0.8), 3));
    this.geometry.setIndex(new THREE.BufferAttribute(Uint32Array.from(mesh.faces), 1));
    this.geometry.computeVertexNormals();
    this.surface = new THREE.Mesh(
      this.geometry,
      new THREE.MeshLambertMaterial({
        vertexColors: true,
        polygonOffset: true,
        polygonOffsetFactor: 1,
        polygonOffsetUnits: 1,
      }),
    );
    this.marker = new THREE.Mesh(
      new THREE.SphereGeometry(this.h * 0.3, 16, 12),
      new THREE.MeshBasicMaterial({ color: '#ffcc00' }),
    );
    this.marker.visible = false;
    this.scene.add(this.surface, this.frames, this.arrows, this.marker);
    this.scene.add(new THREE.AmbientLight('#ffffff', 0.8));
    const light = new THREE.DirectionalLight('#ffffff', 2.2);
    light.position.set(1, 2, 3);
    this.camera = new THREE.PerspectiveCamera(35, canvas.width / canvas.height, 0.05, 20);
    this.camera.add(light);
    this.scene.add(this.camera);
    // Spot stands along z (head towards −z) with y up: look at its right flank, a little from the front.
    this.camera.position.set(2.6, 0.7, -1.1);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.enableDamping = false;
    this.controls.addEventListener('change', () => this.render());
    this.render();
  }

  render(): void {
    this.renderer.render(this.scene, this.camera);
  }

  /** rgb [V, 3] in [0, 1]. */
  setColours(rgb: Float32Array): void {
    const attr = this.geometry.getAttribute('color') as THREE.BufferAttribute;
    (attr.array as Float32Array).set(rgb);
    attr.needsUpdate = true;
    this.render();
  }

  private point(i: number, lift = 0.15): THREE.Vector3 {
    const n = this.geometry.getAttribute('normal') as THREE.BufferAttribute;
    const p = this.positions;
    return new THREE.Vector3(
      p[3 * i]! + lift * this.h * n.getX(i),
      p[3 * i + 1]! + lift * this.h * n.getY(i),
      p[3 * i + 2]! + lift * this.h * n.getZ(i),
    );
  }

  /** Draws e1 and e2 of `gauge` at every `every`-th vertex (or hides them). */
  setFrames(gauge: MeshGauge, every: number, visible: boolean): void {
    for (const child of this.frames.children) (child as THREE.LineSegments).geometry.dispose();
    this.frames.clear();
    if (!visible) {
      this.render();
      return;
    }
    const len = 0.7 * this.h;
    for (const [axis, colour] of [
      [gauge.e1, E1_COLOUR],
      [gauge.e2, E2_COLOUR],
    ] as const) {
      const pts: number[] = [];
      for (let i = 0; i < this.mesh.numVertices; i += every) {
        const a = this.point(i);
        pts.push(
          a.x,
          a.y,
          a.z,
          a.x + len * axis[3 * i]!,
          a.y + len * axis[3 * i + 1]!,
          a.z + len * axis[3 * i + 2]!,
        );
      }
      const g = new THREE.BufferGeometry();
      g.setAttribute('position', new THREE.Float32BufferAttribute(pts, 3));
      this.frames.add(new THREE.LineSegments(g, new THREE.LineBasicMaterial({ color: colour })));
    }
    this.render();
  }

  /** Draws the transported vector at every path vertex (angle in that vertex's gauge) and the path. */
  setTransport(result: TransportResult | null, gauge: MeshGauge): void {
    for (const child of this.arrows.children) {
      if (child instanceof THREE.ArrowHelper) child.dispose();
      else if (child instanceof THREE.Line) child.geometry.dispose();
    }
    this.arrows.clear();
    if (result) {
      const line = new THREE.BufferGeometry().setFromPoints(result.path.map((i) => this.point(i, 0.05)));
      this.arrows.add(new THREE.Line(line, new THREE.LineBasicMaterial({ color: '#555555' })));
      const len = 1.3 * this.h;
      result.path.forEach((i, k) => {
        const a = result.angles[k]!;
        const dir = new THREE.Vector3(
          Math.cos(a) * gauge.e1[3 * i]! + Math.sin(a) * gauge.e2[3 * i]!,
          Math.cos(a) * gauge.e1[3 * i + 1]! + Math.sin(a) * gauge.e2[3 * i + 1]!,
          Math.cos(a) * gauge.e1[3 * i + 2]! + Math.sin(a) * gauge.e2[3 * i + 2]!,
        );
        const last = k === result.path.length - 1;
        const colour = k === 0 ? '#2ca02c' : last ? '#9467bd' : ARROW_COLOUR;
        // The start arrow is longer, so the end arrow of a closed loop (at the same vertex) does not hide it.
        const l = k === 0 ? 1.5 * len : len;
        this.arrows.add(new THREE.ArrowHelper(dir, this.point(i, 0.3), l, colour, 0.3 * l, 0.2 * l));
      });
    }
    this.render();
  }

  setMarker(vertex: number | null): void {
    this.marker.visible = vertex !== null;
    if (vertex !== null) this.marker.position.copy(this.point(vertex, 0));
    this.render();
  }

  /** Calls `onPick(vertex)` on a click (not a drag) on the surface: the nearest corner of the hit face. */
  onPick(onPick: (vertex: number) => void): void {
    let down: { x: number; y: number } | null = null;
    this.canvas.addEventListener('pointerdown', (e) => {
      down = { x: e.clientX, y: e.clientY };
    });
    this.canvas.addEventListener('pointerup', (e) => {
      if (!down || Math.hypot(e.clientX - down.x, e.clientY - down.y) > 4) return;
      const rect = this.canvas.getBoundingClientRect();
      const ndc = new THREE.Vector2(
        ((e.clientX - rect.left) / rect.width) * 2 - 1,
        -((e.clientY - rect.top) / rect.height) * 2 + 1,
      );
      const ray = new THREE.Raycaster();
      ray.setFromCamera(ndc, this.camera);
      const hit = ray.intersectObject(this.surface)[0];
      if (!hit?.face) return;
      const corners = [hit.face.a, hit.face.b, hit.face.c];
      const best = corners.reduce((b, c) =>
        this.point(c, 0).distanceTo(hit.point) < this.point(b, 0).distanceTo(hit.point) ? c : b,
      );
      onPick(best);
    });
  }
}
