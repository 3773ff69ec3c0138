/**
 * The page chrome every gallery page shares: navigation, a backend badge, a progress bar and a
 * status line (an ARIA live region), and error reporting in the page. Pages mark their state on
 * `document.body.dataset.status` ('loading' | 'running' | 'done' | 'error') and their headline
 * number on `data-metric`, which the end-to-end tests read.
 */
import { el } from './dom.js';
import type { WorkerStatus } from './messages.js';

export const PAGES = [
  {
    href: './grid.html',
    title: 'Grids & groups',
    blurb: 'A p4 G-CNN and a plain CNN on a digit you rotate.',
  },
  {
    href: './sphere.html',
    title: 'Spheres',
    blurb: 'Spherical harmonics and equivariant spherical convolutions.',
  },
  { href: './graph.html', title: 'Graphs', blurb: 'GCN and GAT trained on Cora in this tab.' },
  { href: './mesh.html', title: 'Meshes & gauges', blurb: 'Tangent frames, parallel transport and GemConv.' },
  { href: './info.html', title: 'Information plane', blurb: 'Mutual information per layer over training.' },
] as const;

export interface PageParts {
  main: HTMLElement;
  setStatus(text: string): void;
  setProgress(value: number, total: number): void;
  showError(message: string): void;
  setBackend(backend: string, note: string | null, adapter?: string | null): void;
  done(metric: number | string): void;
}

export function mountPage(title: string, intro: string): PageParts {
  document.title = `${title} · Erlangen gallery`;
  document.body.dataset.status = 'loading';
  const header = el('header');
  const nav = el('nav', { 'aria-label': 'Gallery pages' });
  nav.append(el('a', { href: './index.html' }, 'Erlangen gallery'));
  for (const p of PAGES) nav.append(el('a', { href: p.href }, p.title));
  header.append(nav);
  const main = el('main');
  main.append(el('h1', {}, title), el('p', { class: 'intro' }, intro));
  const bar = el('div', { class: 'statusbar' });
  const badge = el('span', { class: 'badge', id: 'backend' }, 'backend: choosing…');
  const progress = el('progress', { id: 'progress', max: '1', value: '0', 'aria-label': 'progress' });
  const status = el('span', { id: 'status', role: 'status', 'aria-live': 'polite' }, 'Loading…');
  const error = el('div', { id: 'error', role: 'alert', hidden: '' });
  bar.append(badge, progress, status);
  main.append(bar, error);
  document.body.append(header, main);
  return {
    main,
    setStatus: (text) => {
      status.textContent = text;
    },
    setProgress: (value, total) => {
      progress.max = total;
      progress.value = value;
    },
    showError: (message) => {
      error.hidden = false;
      error.textContent = message;
      document.body.dataset.status = 'error';
      status.textContent = 'Stopped by an error (shown above).';
    },
    setBackend: (backend, note, adapter) => {
      badge.textContent = `backend: ${backend}`;
      badge.title = note ?? (adapter ? `WebGPU adapter: ${adapter}` : '');
      document.body.dataset.backend = backend;
      if (adapter) document.body.dataset.adapter = adapter;
      else delete document.body.dataset.adapter;
      if (note) badge.after(el('span', { class: 'note' }, note));
    },
    done: (metric) => {
      document.body.dataset.metric = String(metric);
      document.body.dataset.status = 'done';
    },
  };
}

/** Routes the shared worker messages to the page parts; returns true when it handled one. */
export function handleStatus(page: PageParts, msg: WorkerStatus | { type: string }): boolean {
  const m = msg as WorkerStatus;
  if (m.type === 'backend') {
    page.setBackend(m.backend, m.note, m.adapter);
    document.body.dataset.status = 'running';
    return true;
  }
  if (m.type === 'progress') {
    page.setProgress(m.value, m.total);
    page.setStatus(m.label);
    return true;
  }
  if (m.type === 'error') {
    page.showError(m.message);
    return true;
  }
  return false;
}

/** Reports uncaught errors of the page in the page, not only in the console. */
export function reportUncaught(page: PageParts): void {
  window.addEventListener('error', (e) => page.showError(e.message));
  window.addEventListener('unhandledrejection', (e) =>
    page.showError(String((e as PromiseRejectionEvent).reason)),
  );
}

/** A query parameter of the page URL (`?epochs=30`), or null. */
export function param(name: string): string | null {
  return new URLSearchParams(location.search).get(name);
}
