import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// One HTML entry per gallery page. Cross-origin isolation headers let the CPU backend use its
// worker threads (SharedArrayBuffer) on the dev and preview servers; elsewhere it runs on one thread.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
const pages = ['index', 'graph', 'grid', 'sphere', 'mesh', 'info'];

export default defineConfig({
  base: './',
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2048,
    rollupOptions: {
      input: Object.fromEntries(
        pages
          .filter(
            (p) =>
              p === 'index' ||
              p === 'graph' ||
              p === 'grid' ||
              p === 'info' ||
              p === 'sphere' ||
              p === 'mesh',
          )
          .map((p) => [p, resolve(import.meta.dirname, `${p}.html`)]),
      ),
    },
  },
  worker: { format: 'es' },
  server: { headers: isolation },
  preview: { headers: isolation },
});
