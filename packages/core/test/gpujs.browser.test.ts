import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForBrowser, CHROMIUM, chromiumMissing, requireBrowser } from './browser/chromium.js';

// The gpujs parity suite (test/browser/gpujs-parity.ts) in a real browser, on gpu.js's WebGL2 and
// WebGL modes: headless Chromium with SwiftShader's software GL. Without Chromium the test prints
// why and skips, except under CI=true, where it fails (CI installs Debian's chromium).

const require = createRequire(import.meta.url);
const missing = chromiumMissing('gpujs');

type Result = Awaited<ReturnType<Window['runGpuJsParity']>>;

describe.skipIf(missing !== null && !requireBrowser)('gpujs backend in Chromium (WebGL2, WebGL)', () => {
  let browser: Browser | null = null;
  let page: Page | null = null;
  const logs: string[] = [];

  beforeAll(async () => {
    expect(missing).toBeNull();
    const bundle = await bundleForBrowser('gpujs-entry.ts');
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
    });
    page = await browser.newPage();
    page.on('console', (m) => logs.push(m.text()));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    await page.setContent('<!doctype html><html><body></body></html>');
    // Count live WebGL textures before gpu.js creates any context (the leak check reads it).
    await page.addScriptTag({
      content: `window.__textures = { live: 0 };
        for (const C of [WebGLRenderingContext, WebGL2RenderingContext]) {
          const create = C.prototype.createTexture;
          const remove = C.prototype.deleteTexture;
          C.prototype.createTexture = function () { window.__textures.live++; return create.call(this); };
          C.prototype.deleteTexture = function (t) { if (t) window.__textures.live--; return remove.call(this, t); };
        }`,
    });
    await page.addScriptTag({
      path: join(dirname(require.resolve('gpu.js/package.json')), 'dist/gpu-browser.min.js'),
    });
    await page.addScriptTag({ content: bundle });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  for (const mode of ['webgl2', 'webgl'] as const) {
    it(`passes the parity suite on gpu.js's ${mode} mode`, async () => {
      const result: Result = await page!.evaluate((m) => window.runGpuJsParity(m), mode);
      if (result.failures.length > 0) console.error(`page console:\n${logs.join('\n')}`);
      console.info(
        `gpujs ${mode} in Chromium: ${result.ran - result.failures.length}/${result.ran} cases passed in ${Math.round(result.ms)} ms (mode ${result.mode})`,
      );
      for (const f of result.failures) console.error(`gpujs ${mode}: ${f.name}\n${f.message}`);
      expect(result.mode).toBe(mode);
      expect(result.failures.map((f) => f.name)).toEqual([]);
      expect(result.ran).toBeGreaterThan(10);
    }, 60_000);

    it(`releases WebGL textures on dispose/tidy (training loop, ${mode})`, async () => {
      const r = await page!.evaluate((m) => window.runGpuJsLeakCheck(m), mode);
      console.info(`gpujs ${mode} training loop: live textures per step ${r.textures.join(' ')}`);
      // After warm-up (kernels compiled, gpu.js's own textures made) the count is flat.
      expect(new Set(r.textures.slice(5)).size).toBe(1);
      expect(new Set(r.tensors).size).toBe(1);
      expect(r.losses[29]!).toBeLessThan(r.losses[0]!);
    }, 60_000);
  }
});
