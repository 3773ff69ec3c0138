/**
 * What the browser test files share: where Chromium is, whether its absence skips or fails the
 * suite (fails under CI=true, where CI installs Debian's chromium), and bundling a test entry in
 * test/browser/ into one IIFE script for a page.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * ERLANGEN_SKIP_BROWSER_TESTS=1 skips the browser suites even under CI=true: CI runs them once, on
 * its first Node version; they exercise Chromium, not the Node that drives it.
 */
export const browserTestsSkipped = process.env.ERLANGEN_SKIP_BROWSER_TESTS === '1';
export const requireBrowser = process.env.CI === 'true' && !browserTestsSkipped;

/** Why the browser suite `suite` cannot run here (printed once), or null when Chromium is there. */
export function chromiumMissing(suite: string): string | null {
  const missing = browserTestsSkipped
    ? 'ERLANGEN_SKIP_BROWSER_TESTS=1'
    : existsSync(CHROMIUM)
      ? null
      : `${CHROMIUM} not found`;
  if (missing && !requireBrowser) console.warn(`${suite} browser tests skipped: ${missing}`);
  return missing;
}

/** The entry `file` (relative to test/browser/) bundled with its imports into one IIFE script. */
export async function bundleForBrowser(file: string): Promise<string> {
  const esbuild = await import('esbuild');
  const built = await esbuild.build({
    entryPoints: [join(dirname(fileURLToPath(import.meta.url)), file)],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return built.outputFiles[0]!.text;
}
