/**
 * Adapter facts the pages use without loading @erlangen/core (this module stays out of the tensor
 * bundle, so a page's main thread can import it).
 */

/** True for adapters that run WebGPU on the CPU (SwiftShader, llvmpipe/lavapipe): correct but slow. */
export function isSoftwareAdapter(adapter: string | null | undefined): boolean {
  return /swiftshader|llvmpipe|lavapipe|software/i.test(adapter ?? '');
}
