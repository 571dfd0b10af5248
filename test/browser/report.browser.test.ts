/**
 * Reports opened in headless Chromium from disk with the network off: the
 * sequence diagram draws at most twelve lanes with the violating step boxed,
 * the timeline has one row per lane with the fault windows and the violation,
 * the series has a legend and both lines, the console stays clean, and a
 * report whose folder lacks the shared Mermaid says so instead of failing
 * silently. The reports are made here, into a temporary output folder, as
 * the command line makes them (findings of the buggy campaigns from seed 1).
 * Needs Debian's chromium (.ci/run installs it).
 */
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyScenario } from 'chaos-testbed';
import { findingFiles, outputAssets } from '../../reports/finding-files.ts';
import { LANES_MAX } from '../../reports/lanes.ts';
import breakerHerd from '../../scenarios/dmsg/breaker-herd.scenario.ts';
import pingStorm from '../../scenarios/dmsg/ping-storm.scenario.ts';
import registrationTimeout from '../../scenarios/dmsg/registration-timeout.scenario.ts';
import { firstFindingReportInput } from '../fixtures/report-input.ts';
import { tempDir } from '../fixtures/cli.ts';

const CHROMIUM = '/usr/bin/chromium';
const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const haveChromium = existsSync(CHROMIUM);

/** Writes a finding's report into `out` as the command line lays it out; returns its report.html. */
function writeReport(out: string, scenario: AnyScenario): string {
  const files = findingFiles(firstFindingReportInput(scenario));
  const dir = join(out, 'findings', scenario.id.replace('/', '__'));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  for (const [name, text] of Object.entries(files)) write(join(dir, name), text);
  for (const [name, text] of Object.entries(outputAssets())) write(join(out, name), text);
  return join(dir, 'report.html');
}

describe.skipIf(!haveChromium && !ci)('HTML reports in a browser', () => {
  let browser: Browser;
  let out: string;
  const pages: Record<string, string> = {};

  beforeAll(async () => {
    expect(haveChromium, `${CHROMIUM} is missing: .ci/run installs Debian's chromium`).toBe(true);
    out = tempDir('reports-browser-');
    pages.herd = writeReport(out, breakerHerd);
    pages.fleet = writeReport(out, registrationTimeout);
    pages.storm = writeReport(out, pingStorm);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** Opens a page offline; returns it with the console errors and the network requests it tried. */
  async function open(path: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
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
    await page.goto(`file://${path}`);
    return { page, errors, requests };
  }

  it('draws the fleet sequence diagram in at most twelve lanes, the step boxed, and a timeline of one row per lane', async () => {
    const { page, errors, requests } = await open(pages.fleet!);
    await page.waitForSelector('#sequence svg', { timeout: 20_000 });
    // A lane's name is the first line of its actor box (Mermaid may repeat it in further tspans).
    const lanes = await page.locator('#sequence svg text.actor-box').evaluateAll((texts) => texts.map((t) => t.querySelector('tspan')?.textContent ?? t.textContent ?? ''));
    expect(new Set(lanes).size).toBeGreaterThan(2);
    expect(new Set(lanes).size).toBeLessThanOrEqual(LANES_MAX);
    expect(lanes).toEqual(expect.arrayContaining(['disc', expect.stringMatching(/^srv-\d+ … srv-\d+ \(\d+\)$/)]));
    // The violating step's red box, and the violation's note in it.
    expect(await page.locator('#sequence svg rect[fill="rgba(207, 34, 46, 0.12)"]').count()).toBe(1);
    expect(await page.locator('#sequence svg text', { hasText: 'fleet-registered broke' }).count()).toBeGreaterThan(0);
    // Timeline: a row label per lane (plus the facts), the restart as a dashed line, the violation as a red one.
    const labels = await page.locator('#timeline svg text.label').allTextContents();
    expect(labels.length).toBeLessThanOrEqual(LANES_MAX + 2);
    expect(labels).toEqual(expect.arrayContaining(['disc', 'disc: servers registered']));
    expect(await page.locator('#timeline svg line[stroke-dasharray="4 3"]').count()).toBe(1);
    expect(await page.locator('#timeline svg line[stroke="#cf222e"]').count()).toBe(1);
    const ticks = await page.locator('#timeline svg text.tick').allTextContents();
    expect(ticks[1]).toBe('15 s');
    mkdirSync('reports/out', { recursive: true });
    await page.screenshot({ path: 'reports/out/report-fleet.png' });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  }, 60_000);

  it('shades the fault window in both diagrams, and draws the breaker state from the timeline facts', async () => {
    const { page, errors, requests } = await open(pages.herd!);
    await page.waitForSelector('#sequence svg', { timeout: 20_000 });
    expect(await page.locator('#sequence svg rect[fill="rgba(251, 143, 68, 0.14)"]').count()).toBe(1);
    expect(await page.locator('#sequence svg text', { hasText: 'in flight at the violation' }).count()).toBeGreaterThan(0);
    expect(await page.locator('#timeline svg rect[fill="#fb8f44"]').count()).toBe(1);
    const segments = await page.locator('#timeline svg rect title').allTextContents();
    expect(segments.some((t) => t.startsWith('setup-node: breaker: half-open'))).toBe(true);
    await page.screenshot({ path: 'reports/out/report-herd.png' });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  }, 60_000);

  it('draws the series with a legend and both lines', async () => {
    const { page, errors } = await open(pages.storm!);
    await page.waitForSelector('#sequence svg', { timeout: 20_000 });
    expect(await page.locator('#series svg polyline').count()).toBe(2);
    const legend = await page.locator('#series svg text').allTextContents();
    expect(legend).toEqual(expect.arrayContaining(['buggy', 'fixed']));
    // Both lines are drawn in different colours and dashes, so one on top of the other still shows both.
    const strokes = await page.locator('#series svg polyline').evaluateAll((lines) => lines.map((l) => `${l.getAttribute('stroke')} ${l.getAttribute('stroke-dasharray') ?? ''}`));
    expect(new Set(strokes).size).toBe(2);
    await page.screenshot({ path: 'reports/out/report-storm.png' });
    expect(errors).toEqual([]);
  }, 60_000);

  it('says so when the shared Mermaid is missing, and still shows the timeline', async () => {
    const alone = join(tempDir('reports-alone-'), 'report.html');
    cpSync(pages.herd!, alone);
    const { page, errors } = await open(alone);
    await page.waitForSelector('#no-mermaid:not([hidden])', { timeout: 10_000 });
    expect(await page.locator('#timeline svg').count()).toBe(1);
    expect(await page.locator('#sequence svg').count()).toBe(0);
    // The one error is the missing script file itself.
    expect(errors.every((e) => /ERR_FILE_NOT_FOUND|Failed to load resource/.test(e))).toBe(true);
  }, 60_000);
});
