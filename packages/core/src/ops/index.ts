export * from './activation.js';
export * from './conv.js';
export * from './creation.js';
export * from './elementwise.js';
export * from './indexing.js';
export * from './linalg.js';
export * from './movement.js';
export * from './reduce.js';
