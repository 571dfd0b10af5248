import { describe, expect, it } from 'vitest';
import { PING_DEADLINE_FIX_MS, PING_PERIOD_MS } from '../../models/dmsg/ping-storm.ts';
import { seriesFor } from '../../sim/explore/report-runs.ts';
import healthLies from '../../scenarios/dmsg/health-lies.scenario.ts';
import pingStorm from '../../scenarios/dmsg/ping-storm.scenario.ts';
import pqDowngrade from '../../scenarios/dmsg/pq-downgrade.scenario.ts';
import { run } from 'chaos-testbed';

describe('dmsg/ping-storm', () => {
  it('the series: reconnects per minute under one 60 s load spike, 5 s deadline vs 18 s', () => {
    const series = seriesFor(pingStorm, 'buggy', 1, { faults: [{ kind: 'load-spike', atMs: 60_000, durationMs: 60_000 }] })!;
    const [buggy, fixed] = series.lines;
    expect(buggy!.variant).toBe('buggy');
    expect(buggy!.counts).toEqual([0, 35, 8, 0, 0]);
    expect(fixed!.counts).toEqual([0, 0, 0, 0, 0]);
  });

  it('fixed: a dead server is noticed by every client within a ping period plus the 18 s deadline', () => {
    const result = run(pingStorm, 'fixed', 1, { faults: [{ kind: 'crash', node: 'relay', atMs: 60_000, downMs: 60_000 }] }, { traceMode: 'full' });
    expect(result.outcome).toEqual({ kind: 'pass' });
    const noticed = result.trace.filter((r) => r.detail.startsWith('reconnect:') && r.atMs >= 60_000 && r.atMs < 120_000);
    expect(new Set(noticed.map((r) => r.node)).size).toBe(20);
    expect(Math.max(...noticed.map((r) => r.atMs)) - 60_000).toBeLessThanOrEqual(PING_PERIOD_MS + PING_DEADLINE_FIX_MS);
  });
});

describe('dmsg/pq-downgrade', () => {
  const strip = { faults: [{ kind: 'mitm-strip', atMs: 0, durationMs: 30_000 }] };
  it('REQUIRE_PQ refuses the stripped handshake and the classical-only peer, each with an explicit error', () => {
    const result = run(pqDowngrade, 'fixed', 1, strip, { traceMode: 'full' });
    expect(result.outcome).toEqual({ kind: 'pass' });
    const refusals = result.trace.filter((r) => r.detail.startsWith('REQUIRE_PQ'));
    expect(refusals.some((r) => r.detail.includes('bob'))).toBe(true);
    expect(refusals.some((r) => r.detail.includes('carol'))).toBe(true);
  });
  it('warned: the downgrade completes but is observable', () => {
    const result = run(pqDowngrade, 'warned', 1, strip, { traceMode: 'full' });
    expect(result.trace.some((r) => r.detail.startsWith('WARNING: PQ downgrade: session with bob'))).toBe(true);
  });
});

describe('dmsg/health-lies', () => {
  it('fixed: the process exits with its data plane; the supervisor restarts it', () => {
    const result = run(healthLies, 'fixed', 1, { faults: [{ kind: 'data-plane-dies', atMs: 10_000 }] }, { traceMode: 'full' });
    expect(result.outcome).toEqual({ kind: 'pass' });
    expect(result.trace.some((r) => r.node === 'supervisor' && r.detail.includes('restarting'))).toBe(true);
  });
});
