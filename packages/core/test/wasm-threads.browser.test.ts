import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForBrowser, CHROMIUM, chromiumMissing, requireBrowser } from './browser/chromium.js';
import type { ThreadsReport } from './browser/wasm-threads-entry.js';

// The threaded wasm backend in a real browser: headless Chromium, Web Workers started from a
// blob: URL over a shared memory. Threads need a cross-origin-isolated page (COOP + COEP headers,
// served here through Playwright request routing) and a thread that may block, i.e. the backend
// inside a Worker; on a page's main thread, or on a page without isolation, it must fall back to
// one thread. Without Chromium the test prints why and skips, except under CI=true, where it fails.

const missing = chromiumMissing('wasm threads');

declare global {
  interface Window {
    runWasmThreads(): Promise<ThreadsReport>;
  }
}

// localhost: cross-origin isolation needs a secure context (https, or a localhost origin).
const ORIGIN = 'http://localhost:8765';
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

describe.skipIf(missing !== null && !requireBrowser)('wasm threads in Chromium', () => {
  let browser: Browser | null = null;
  let bundle = '';

  beforeAll(async () => {
    expect(missing).toBeNull();
    bundle = await bundleForBrowser('wasm-threads-entry.ts');
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** A page at ORIGIN serving the bundle as /entry.js, with or without cross-origin isolation. */
  async function open(isolated: boolean): Promise<Page> {
    const page = await browser!.newPage();
    const headers = isolated ? ISOLATION : {};
    await page.route(`${ORIGIN}/**`, (route) => {
      const js = route.request().url().endsWith('/entry.js');
      return route.fulfill({
        status: 200,
        headers: { ...headers, 'Content-Type': js ? 'text/javascript' : 'text/html' },
        body: js ? bundle : '<!doctype html><html><body><script src="/entry.js"></script></body></html>',
      });
    });
    await page.goto(`${ORIGIN}/`);
    return page;
  }

  /** Runs the entry in a dedicated Worker of `page` and returns its report. */
  function inWorker(page: Page): Promise<ThreadsReport> {
    return page.evaluate(
      () =>
        new Promise<ThreadsReport>((resolve) => {
          const worker = new Worker('/entry.js');
          worker.onmessage = (e) => resolve(e.data as ThreadsReport);
          worker.onerror = (e) => resolve({ error: e.message } as ThreadsReport);
        }),
    );
  }

  it('splits kernels across Web Workers inside a Worker of a cross-origin-isolated page', async () => {
    const page = await open(true);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const report = await inWorker(page);
    expect(report.error).toBeUndefined();
    expect(report.reason).toBeNull();
    expect(report.threads).toBe(3);
    expect(report.workerShares).toBeGreaterThan(report.jobs);
    expect(Object.keys(report.diffs).sort()).toEqual(
      ['binary', 'conv2d', 'conv2dGradFilter', 'conv2dGradInput', 'indexAdd', 'matmul'].sort(),
    );
    for (const [kernel, diff] of Object.entries(report.diffs)) expect(diff, kernel).toBeLessThan(1e-4);
    await page.close();
  }, 60_000);

  it("falls back to one thread on the page's main thread (it may not block)", async () => {
    const page = await open(true);
    const report = await page.evaluate(() => window.runWasmThreads());
    expect(report.reason).toMatch(/may not block in Atomics.wait/);
    expect(report.threads).toBe(1);
    await page.close();
  }, 60_000);

  it('falls back to one thread on a page without cross-origin isolation', async () => {
    const page = await open(false);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    const report = await inWorker(page);
    expect(report.reason).toMatch(/cross-origin isolated|SharedArrayBuffer/);
    expect(report.threads).toBe(1);
    await page.close();
  }, 60_000);
});
