import { describe, expect, it } from 'vitest';
import { buildRequestUrl, normalizeEndpoint } from '../../models/tunnel/endpoint.ts';
import { DNS_TTL_MS } from '../../models/tunnel/timing.ts';
import api503Blip from '../../scenarios/tunnel/api-503-blip.scenario.ts';
import { dnsTtlRestartScenario } from '../../scenarios/tunnel/dns-ttl-restart.scenario.ts';
import { run, type FaultPlan } from 'chaos-testbed';

/** When the first process verified, with no fault. */
function firstReadyMs(): number {
  const result = run(dnsTtlRestartScenario(), 'buggy', 1, { faults: [] }, { traceMode: 'full' });
  return result.trace.find((r) => r.node === 'tunnel' && r.detail.startsWith('✓ proxy responding'))!.atMs;
}

/** Time from the restart to the second process's "✓ proxy responding", for a Ctrl-C at `stopAtMs` and a restart `gapMs` later. */
function restartToRespondingMs(variant: string, stopAtMs: number, gapMs: number, seed = 1): number {
  const plan: FaultPlan = { faults: [{ kind: 'ctrl-c-restart', atMs: stopAtMs, durationMs: gapMs }] };
  // A bound longer than any wait, so the run shows the whole of it.
  const result = run(dnsTtlRestartScenario({ boundMs: 120_000 }), variant, seed, plan, { traceMode: 'full' });
  const restartMs = result.trace.find((r) => r.node === 'tunnel' && r.kind === 'start' && r.detail.endsWith('at tunnel@2'))!.atMs;
  const responding = result.trace.find((r) => r.node === 'tunnel' && r.atMs >= restartMs && r.detail.startsWith('✓ proxy responding'));
  expect(responding, 'tunnel@2 never responded').toBeDefined();
  return responding!.atMs - (stopAtMs + gapMs);
}

describe('tunnel/dns-ttl-restart calibration against the incident', () => {
  const readyMs = firstReadyMs();

  it('buggy: a restart right after Ctrl-C waits out the ~30 s TTL of the answer the verify probe cached', () => {
    for (const seed of [1, 2, 3]) {
      const waitedMs = restartToRespondingMs('buggy', readyMs + 500, 0, seed);
      expect(waitedMs).toBeGreaterThan(DNS_TTL_MS - 3_000);
      expect(waitedMs).toBeLessThanOrEqual(DNS_TTL_MS + 1_000);
    }
  });

  it('buggy: a restart 35 s after Ctrl-C responds in about 1 s (the cached answer has expired)', () => {
    for (const seed of [1, 2, 3]) expect(restartToRespondingMs('buggy', readyMs + 500, 35_000, seed)).toBeLessThanOrEqual(1_500);
  });

  it('fixed: a restart right after Ctrl-C responds within the 5 s bound (one failed dial, then a fresh answer)', () => {
    for (const seed of [1, 2, 3]) expect(restartToRespondingMs('fixed', readyMs + 500, 0, seed)).toBeLessThanOrEqual(5_000);
  });
});

describe('tunnel/api-503-blip', () => {
  it('with no fault both variants set up and verify within seconds', () => {
    for (const variant of ['buggy', 'fixed']) expect(run(api503Blip, variant, 1, { faults: [] }).outcome).toEqual({ kind: 'pass' });
  });

  it('calibration: with the control plane down for good, the fixed CLI bails after 10 consecutive errors, ~7.5 s of polling', () => {
    const plan: FaultPlan = { faults: [{ kind: 'crash', node: 'api', atMs: 1_000, downMs: null }] };
    const result = run(api503Blip, 'fixed', 1, plan, { traceMode: 'full' });
    expect(result.outcome).toEqual({ kind: 'pass' });
    const errors = result.trace.filter((r) => r.node === 'tunnel' && r.detail.startsWith('poll error'));
    expect(errors).toHaveLength(9);
    const bail = result.trace.find((r) => r.node === 'tunnel' && r.detail.includes('main.exited'))!;
    const firstErrorMs = errors[0]!.atMs;
    // Nine waits of 750 ms between ten failed polls, plus Envoy's 50 ms upstream timeout each.
    expect(bail.atMs - firstErrorMs).toBeGreaterThan(9 * 750);
    expect(bail.atMs - firstErrorMs).toBeLessThan(9 * 850);
  });
});

describe('endpoint canonical form (lib::normalize_endpoint) and the request builder', () => {
  it.each([
    ['127.0.0.1:11434', 'http://127.0.0.1:11434', false],
    ['http://127.0.0.1:11434', 'http://127.0.0.1:11434', true],
    ['HTTP://LOCALHOST:8080//', 'http://localhost:8080', true],
    ['[::1]:80', 'http://[::1]:80', false],
    ['https://[::1]', 'https://[::1]:443', true],
  ])('%s → %s (a URL to the request builder: %s)', (input, canonical, builds) => {
    expect(normalizeEndpoint(input)).toEqual({ ok: true, url: canonical });
    expect(buildRequestUrl(input).ok).toBe(builds);
  });

  it.each([
    ['::1:80', 'needs brackets'],
    ['localhost', 'has no port'],
    ['ftp://x:1', "unsupported scheme 'ftp'"],
    ['127.0.0.1:99999', 'not between 1 and 65535'],
    [':80', 'no host'],
    ['http://127.0.0.1:80/api', 'a path is not allowed'],
  ])('%s is refused with a reason (%s)', (input, reason) => {
    const result = normalizeEndpoint(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(reason);
  });
});
