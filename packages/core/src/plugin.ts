import { noGrad, record } from './autograd.js';
import type { Backend, DataId, TensorInfo } from './backend/kernels.js';
import type { DType, TypedArray } from './dtype.js';
import { engine } from './engine.js';
import { ErlangenError } from './errors.js';
import { type Shape, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';

/** What a plugin kernel returns: new storage on the backend it ran on, with its shape and dtype. */
export interface KernelOutput {
  id: DataId;
  shape: Shape;
  dtype: DType;
}

/** A kernel implementation for one backend. Inputs are contiguous; `attrs` is plain data. */
export type KernelImpl<Attrs> = (
  backend: Backend,
  inputs: readonly TensorInfo[],
  attrs: Attrs,
) => KernelOutput | KernelOutput[];

const kernels = new Map<string, Map<string, KernelImpl<any>>>();
const notedFallbacks = new Set<string>();

/**
 * Registers `impl` as kernel `name` on backend `backendName`. Domain packages call this at import
 * time for 'cpu' always, and for GPU backends where they have a shader.
 */
export function registerKernel<Attrs>(name: string, backendName: string, impl: KernelImpl<Attrs>): void {
  let byBackend = kernels.get(name);
  if (!byBackend) kernels.set(name, (byBackend = new Map()));
  byBackend.set(backendName, impl);
}

export function hasKernel(name: string, backendName: string): boolean {
  return kernels.get(name)?.has(backendName) ?? false;
}

export function listKernels(): { name: string; backends: string[] }[] {
  return [...kernels].map(([name, m]) => ({ name, backends: [...m.keys()] }));
}

/**
 * Runs plugin kernel `name` on the inputs' backend. Where that backend has no implementation but
 * 'cpu' has and the backend reads synchronously, the inputs go through the CPU kernel and back, and
 * a note is logged once per kernel and backend.
 */
export function runKernel<Attrs>(name: string, inputs: readonly Tensor[], attrs: Attrs): Tensor[] {
  const byBackend = kernels.get(name);
  if (!byBackend) throw new ErlangenError(`runKernel: no kernel named '${name}' is registered`);
  const backend = inputs[0]?.backend ?? engine.backend;
  for (const t of inputs) {
    t.assertAlive(name);
    if (t.backend !== backend) {
      throw new ErlangenError(
        `${name}: all inputs must be on one backend, but received '${backend.name}' and '${t.backend.name}'`,
      );
    }
  }
  const impl = byBackend.get(backend.name);
  if (impl) {
    const outs = impl(backend, inputs, attrs);
    return (Array.isArray(outs) ? outs : [outs]).map((o) => new Tensor(o.id, o.shape, o.dtype, backend));
  }
  const cpuImpl = byBackend.get('cpu');
  if (!cpuImpl || !backend.canReadSync) {
    throw new ErlangenError(
      `${name}: no kernel for backend '${backend.name}' (registered: ${[...byBackend.keys()].join(', ')}); use runKernelAsync for a CPU fallback`,
    );
  }
  noteFallback(name, backend.name);
  return runOnCpu(
    cpuImpl,
    inputs.map((t) => backend.readSync(t.id, t.dtype, t.size)),
    inputs,
    attrs,
    backend,
  );
}

/** Like runKernel, but may fall back to the CPU kernel on any backend by awaiting the inputs' data. */
export async function runKernelAsync<Attrs>(
  name: string,
  inputs: readonly Tensor[],
  attrs: Attrs,
): Promise<Tensor[]> {
  const backend = inputs[0]?.backend ?? engine.backend;
  if (hasKernel(name, backend.name) || backend.canReadSync) return runKernel(name, inputs, attrs);
  const cpuImpl = kernels.get(name)?.get('cpu');
  if (!cpuImpl)
    throw new ErlangenError(
      `${name}: no kernel for backend '${backend.name}' and no CPU kernel to fall back to`,
    );
  noteFallback(name, backend.name);
  const values = await Promise.all(inputs.map((t) => t.data()));
  return runOnCpu(cpuImpl, values, inputs, attrs, backend);
}

/** Runs a CPU kernel on copies of the inputs' values and uploads its outputs back to `backend`. */
function runOnCpu<Attrs>(
  impl: KernelImpl<Attrs>,
  values: readonly TypedArray[],
  inputs: readonly Tensor[],
  attrs: Attrs,
  backend: Backend,
): Tensor[] {
  const cpu = engine.findBackend('cpu');
  const cpuInputs = inputs.map((t, i) => ({
    id: cpu.upload(values[i]!, t.dtype),
    shape: t.shape,
    dtype: t.dtype,
  }));
  const outs = impl(cpu, cpuInputs, attrs);
  return (Array.isArray(outs) ? outs : [outs]).map((o) => {
    const result = cpu.readSync(o.id, o.dtype, sizeOf(o.shape));
    return new Tensor(backend.upload(result, o.dtype), o.shape, o.dtype, backend);
  });
}

function noteFallback(name: string, backendName: string): void {
  const key = `${name}@${backendName}`;
  if (notedFallbacks.has(key)) return;
  notedFallbacks.add(key);
  console.info(`[erlangen] kernel '${name}' has no '${backendName}' implementation; running it on 'cpu'`);
}

export interface OpDefinition<Attrs> {
  /** Computes the output from tensors (with kernels via runKernel, or composed from other ops). */
  forward: (inputs: readonly Tensor[], attrs: Attrs) => Tensor;
  /**
   * Vector-Jacobian product: dL/d(inputs) from dL/d(output). Omit when `forward` is composed of
   * differentiable ops; give it when forward calls kernels directly.
   */
  backward?: (
    dy: Tensor,
    inputs: readonly Tensor[],
    output: Tensor,
    attrs: Attrs,
  ) => readonly (Tensor | null)[];
}

/**
 * Makes a differentiable op from a forward and (optionally) a backward. With a backward, the forward
 * runs untracked and the op records one node whose gradient is `backward`.
 */
export function defineOp<Attrs>(
  name: string,
  def: OpDefinition<Attrs>,
): (inputs: readonly Tensor[], attrs: Attrs) => Tensor {
  return (inputs, attrs) => {
    if (!def.backward) return def.forward(inputs, attrs);
    const out = noGrad(() => def.forward(inputs, attrs));
    const bw = def.backward;
    return record(name, out, inputs, (dy) => bw(dy, inputs, out, attrs));
  };
}
