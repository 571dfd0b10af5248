import { describe, expect, it } from 'vitest';
import { POST_READ_MS, READ_TIMEOUT_BUG_MS } from '../../models/dmsg/timing.ts';
import coldStart, { COLD_START_VARIANTS } from '../../scenarios/dmsg/cold-start.scenario.ts';
import registrationTimeout from '../../scenarios/dmsg/registration-timeout.scenario.ts';
import { run } from 'chaos-testbed';

const fleetOf = (size: number) => ({ faults: [{ kind: 'cold-start', atMs: 0, size }] });

describe('dmsg/cold-start: each fix peels back one layer; only all three lift the fleet', () => {
  it.each(Object.keys(COLD_START_VARIANTS))('%s', (variant) => {
    const converges = variant === 'fixed';
    for (const size of [2, 10]) expect(run(coldStart, variant, 1, fleetOf(size)).outcome.kind).toBe(converges ? 'pass' : 'liveness-violation');
  });

  it("the trace shows each accept loop's state from the start: accepting with every fix, parked with none", () => {
    const firstStates = (variant: string) => {
      const { trace } = run(coldStart, variant, 1, fleetOf(2), { traceMode: 'full' });
      return trace.filter((r) => r.node === 'srv-1' && r.kind === 'state').map((r) => `${r.atMs} ${r.detail}`);
    };
    expect(firstStates('fixed')).toEqual(['0 accepting']);
    expect(firstStates('buggy')).toEqual(['0 parked']);
  });

  it('buggy: dials pile up in the accept queues while no accept loop runs', () => {
    const result = run(coldStart, 'buggy', 1, fleetOf(10));
    expect(result.outcome.kind === 'liveness-violation' && result.outcome.values.queuedDials).toBeGreaterThan(10);
  });

  it('fix-3140-3142 (3143 left): discovery dials every server, but each accept loop is parked behind its registration', () => {
    const result = run(coldStart, 'fix-3140-3142', 1, fleetOf(5));
    expect(result.outcome.kind === 'liveness-violation' && result.outcome.detail).toContain('accept loop parked behind registration');
  });
});

describe('dmsg/registration-timeout calibration', () => {
  it(`a herd of 21 re-registrations is the smallest whose last read exceeds the 3 s read timeout (reads queue, ${POST_READ_MS} ms each)`, () => {
    expect(POST_READ_MS * 21).toBeGreaterThan(READ_TIMEOUT_BUG_MS);
    expect(POST_READ_MS * 20).toBeLessThanOrEqual(READ_TIMEOUT_BUG_MS);
    const restart = (count: number) => ({ faults: [{ kind: 'fleet-restart', atMs: 30_000, count }] });
    for (const seed of [1, 2, 3]) {
      expect(run(registrationTimeout, 'buggy', seed, restart(20)).outcome.kind).toBe('pass');
      expect(run(registrationTimeout, 'buggy', seed, restart(21)).outcome.kind).toBe('liveness-violation');
      expect(run(registrationTimeout, 'fixed', seed, restart(30)).outcome.kind).toBe('pass');
    }
  });
});

describe('dmsg relay server: the transit loop sleeps while it has nothing to do', () => {
  const dialsSent = (trace: readonly { atMs: number; node: string; kind: string; detail: string }[], fromMs: number) =>
    trace.filter((r) => r.kind === 'send' && r.atMs >= fromMs && r.detail.startsWith('dial')).map((r) => r.node);

  it('a fleet with its sessions and registrations dials no more', () => {
    const { outcome, trace } = run(registrationTimeout, 'fixed', 1, { faults: [] }, { traceMode: 'full' });
    expect(outcome.kind).toBe('pass');
    expect(dialsSent(trace, 0).length).toBeGreaterThan(0);
    // The last server boots at 15 s; every one holds two sessions well before 60 s.
    expect(dialsSent(trace, 60_000)).toEqual([]);
  });

  it('a server whose session died (its peer restarted) wakes and dials again', () => {
    const { outcome, trace } = run(registrationTimeout, 'fixed', 1, { faults: [{ kind: 'fleet-restart', atMs: 60_000, count: 1 }] }, { traceMode: 'full' });
    expect(outcome.kind).toBe('pass');
    // srv-1 redials as it restarts; its peers' pings to the old srv-1 go unanswered, and they redial within a ping period and deadline.
    const redialled = dialsSent(trace, 60_000);
    expect(redialled).toContain('srv-1');
    expect(redialled.some((node) => node !== 'srv-1')).toBe(true);
  });
});
