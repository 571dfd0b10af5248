/**
 * Opens an example HTML report in headless Chromium from disk with the
 * network off, and checks that both diagrams were drawn as SVG and that the
 * console stayed clean. Needs Debian's chromium (.ci/run installs it).
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const EXAMPLES = 'reports/examples/findings';
const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const haveChromium = existsSync(CHROMIUM);

describe.skipIf(!haveChromium && !ci)('HTML report in a browser', () => {
  it('draws the sequence diagram and the timeline as SVG, offline, with no console errors', async () => {
    expect(haveChromium, `${CHROMIUM} is missing: .ci/run installs Debian's chromium`).toBe(true);
    const example = readdirSync(EXAMPLES).sort()[0]!;
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:')) return route.continue();
        requests.push(url);
        return route.abort();
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.goto(`file://${resolve(EXAMPLES, example, 'report.html')}`);
      await page.waitForSelector('#sequence svg', { timeout: 20_000 });
      await page.waitForSelector('#timeline svg', { timeout: 20_000 });
      expect(await page.locator('#sequence svg text').count()).toBeGreaterThan(3);
      expect(await page.locator('#timeline svg rect').count()).toBeGreaterThan(1);
      mkdirSync('reports/out', { recursive: true });
      await page.screenshot({ path: 'reports/out/report-screenshot.png', fullPage: true });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
