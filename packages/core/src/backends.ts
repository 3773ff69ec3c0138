import type { Backend } from './backend/kernels.js';
import { engine } from './engine.js';

/** Makes `name` the backend new tensors are created on. Async because GPU backends start asynchronously. */
export function setBackend(name: string): Promise<Backend> {
  return engine.setBackend(name);
}

/** The active backend's name. */
export function getBackend(): string {
  return engine.backend.name;
}

/**
 * Adds a backend under `name`. The factory runs once, on first `setBackend(name)`; GPU packages call
 * this at import time.
 */
export function registerBackend(name: string, factory: () => Backend | Promise<Backend>): void {
  engine.registerBackend(name, factory);
}

export function listBackends(): string[] {
  return engine.backendNames();
}
