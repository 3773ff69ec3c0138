import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForBrowser, CHROMIUM, chromiumMissing, requireBrowser } from './browser/chromium.js';

// The webgpu backend in a real browser: headless Chromium with --enable-unsafe-webgpu exposes
// navigator.gpu (SwiftShader's Vulkan, no GPU needed) on a secure origin, here a localhost page
// served by Playwright's router. Same backend code as in Node; only the GPU object differs.
// Without Chromium: skipped with the reason, except under CI=true, where it fails.

const missing = chromiumMissing('webgpu');

describe.skipIf(missing !== null && !requireBrowser)('webgpu backend in Chromium (navigator.gpu)', () => {
  let browser: Browser | null = null;
  let page: Page | null = null;
  const logs: string[] = [];

  beforeAll(async () => {
    expect(missing).toBeNull();
    const bundle = await bundleForBrowser('webgpu-entry.ts');
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--no-first-run'],
    });
    page = await browser.newPage();
    page.on('console', (m) => logs.push(m.text()));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    // navigator.gpu exists only in secure contexts: localhost is one, about:blank is not.
    await page.route('http://localhost/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><html><body></body></html>' }),
    );
    await page.goto('http://localhost/');
    await page.addScriptTag({ content: bundle });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('kernels and training gradients agree with cpu', async () => {
    const r = await page!.evaluate(() => window.runWebGPUCheck());
    if (r.failures.length > 0) console.error(`page console:\n${logs.join('\n')}`);
    for (const f of r.failures) console.error(`webgpu in Chromium: ${f.name}\n${f.message}`);
    expect(r.adapter).toBe('navigator.gpu');
    expect(r.failures.map((f) => f.name)).toEqual([]);
    expect(r.ran).toBe(8);
  }, 120_000);
});
