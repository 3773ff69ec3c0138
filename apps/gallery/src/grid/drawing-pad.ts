/**
 * A 28×28 drawing pad on a canvas (mouse, touch, pen via pointer events): strokes are painted with
 * a soft round brush about two pixels wide, like MNIST's pen strokes. Calls `onChange` with the
 * pixels ([28·28] in [0, 1]) while drawing (at most every 120 ms) and when a stroke ends.
 */
import { drawGrey } from './paint.js';

const SIZE = 28;

export class DrawingPad {
  private readonly pixels = new Float32Array(SIZE * SIZE);
  private last: [number, number] | null = null;
  private lastSent = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onChange: (pixels: Float32Array) => void,
  ) {
    canvas.style.touchAction = 'none';
    canvas.classList.add('drawable');
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.last = this.point(e);
      this.stroke(this.last, this.last);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.last) return;
      const p = this.point(e);
      this.stroke(this.last, p);
      this.last = p;
      if (performance.now() - this.lastSent > 120) this.emit();
    });
    const end = () => {
      if (!this.last) return;
      this.last = null;
      this.emit();
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    drawGrey(canvas, this.pixels);
  }

  /** Empties the pad; `notify` also reports the empty image. */
  clear(notify: boolean): void {
    this.pixels.fill(0);
    drawGrey(this.canvas, this.pixels);
    if (notify) this.emit();
  }

  private emit(): void {
    this.lastSent = performance.now();
    this.onChange(this.pixels.slice());
  }

  /** Pointer position in pixel units of the 28×28 grid (x = column, y = row, pixel centres at k + 0.5). */
  private point(e: PointerEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * SIZE, ((e.clientY - r.top) / r.height) * SIZE];
  }

  private stroke(from: [number, number], to: [number, number]): void {
    const steps = Math.max(1, Math.ceil(Math.hypot(to[0] - from[0], to[1] - from[1]) * 4));
    for (let s = 0; s <= steps; s++) {
      const x = from[0] + ((to[0] - from[0]) * s) / steps;
      const y = from[1] + ((to[1] - from[1]) * s) / steps;
      this.dab(x, y);
    }
    drawGrey(this.canvas, this.pixels);
  }

  /** A soft dab: full ink within 1 px of the centre, fading to none at 2 px. */
  private dab(x: number, y: number): void {
    for (let i = Math.floor(y - 2); i <= Math.ceil(y + 2); i++) {
      for (let j = Math.floor(x - 2); j <= Math.ceil(x + 2); j++) {
        if (i < 0 || i >= SIZE || j < 0 || j >= SIZE) continue;
        const d = Math.hypot(i + 0.5 - y, j + 0.5 - x);
        const ink = Math.min(1, Math.max(0, 2 - d));
        const k = i * SIZE + j;
        this.pixels[k] = Math.max(this.pixels[k]!, ink);
      }
    }
  }
}
