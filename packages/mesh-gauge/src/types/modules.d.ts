// The three npm mesh packages are CommonJS without type declarations.
declare module 'bunny' {
  export const positions: number[][];
  export const cells: number[][];
}
declare module 'icosphere' {
  export default function icosphere(subdivisions: number): { positions: number[][]; cells: number[][] };
}
declare module 'primitive-torus' {
  export default function createTorusMesh(opts?: {
    majorRadius?: number;
    minorRadius?: number;
    majorSegments?: number;
    minorSegments?: number;
    arc?: number;
  }): { positions: number[][]; cells: number[][]; normals: number[][]; uvs: number[][] };
}
