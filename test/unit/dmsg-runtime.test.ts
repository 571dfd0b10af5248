import { describe, expect, it } from 'vitest';
import { PING_DEADLINE_BUG_MS, PING_DEADLINE_FIX_MS, PING_PERIOD_MS, SYN_RTO_INITIAL_MS } from '../../models/dmsg/ping-storm.ts';
import { seriesFor } from '../../sim/explore/report-runs.ts';
import healthLies from '../../scenarios/dmsg/health-lies.scenario.ts';
import pingStorm from '../../scenarios/dmsg/ping-storm.scenario.ts';
import pqDowngrade from '../../scenarios/dmsg/pq-downgrade.scenario.ts';
import { run, type Fault, type TraceRecord } from 'chaos-testbed';

/** Every answered echo's round trip in a run, in ms. */
function echoRoundTripsMs(trace: readonly TraceRecord[]): number[] {
  const sentAtMs = new Map<string, number>();
  const roundTrips: number[] = [];
  for (const r of trace) {
    const id = /"requestId":"([^"]+)"/.exec(r.detail)?.[1];
    if (id === undefined) continue;
    if (r.kind === 'send' && r.detail.startsWith('ping ')) sentAtMs.set(id, r.atMs);
    if (r.kind === 'deliver' && r.detail.startsWith('ping.response ') && sentAtMs.has(id)) roundTrips.push(r.atMs - sentAtMs.get(id)!);
  }
  return roundTrips;
}

describe('dmsg/ping-storm', () => {
  const loadSpike = { faults: [{ kind: 'load-spike', atMs: 60_000, durationMs: 60_000 } as Fault] };

  it('the series: reconnects per minute under one 60 s load spike, 5 s deadline vs 18 s', () => {
    const series = seriesFor(pingStorm, 'buggy', 1, loadSpike)!;
    const [buggy, fixed] = series.lines;
    expect(buggy!.variant).toBe('buggy');
    // Every session killed once; the redials' handshakes, sharing the loaded CPU, miss their deadline until the load ends.
    expect(buggy!.counts).toEqual([0, 20, 0, 0, 0]);
    expect(fixed!.counts).toEqual([0, 0, 0, 0, 0]);
  });

  it.each([1, 2, 3, 4, 5])('under a load spike a live echo takes longer than the 5 s deadline and less than 18 s (seed %i)', (seed) => {
    const result = run(pingStorm, 'fixed', seed, loadSpike, { traceMode: 'full' });
    expect(result.outcome).toEqual({ kind: 'pass' });
    const slowestMs = Math.max(...echoRoundTripsMs(result.trace));
    expect(slowestMs).toBeGreaterThan(PING_DEADLINE_BUG_MS);
    expect(slowestMs).toBeLessThan(PING_DEADLINE_FIX_MS);
  });

  it('buggy: every session is killed within 25 s of the load starting and none is back before it ends', () => {
    const result = run({ ...pingStorm, invariants: () => [] }, 'buggy', 1, loadSpike, { traceMode: 'full' });
    const killed = result.trace.filter((r) => r.detail.startsWith('reconnect:'));
    expect(new Set(killed.map((r) => r.node)).size).toBe(20);
    expect(Math.max(...killed.map((r) => r.atMs))).toBeLessThan(85_000);
    const backInLoad = result.trace.filter((r) => r.kind === 'state' && r.detail.endsWith('-> connected.idle') && r.detail.includes('handshaking') && r.atMs > 60_000 && r.atMs < 120_000);
    expect(backInLoad).toEqual([]);
  });

  it('fixed: a dead server is noticed by every client within a ping period plus the 18 s deadline', () => {
    const result = run(pingStorm, 'fixed', 1, { faults: [{ kind: 'crash', node: 'relay', atMs: 60_000, downMs: 60_000 }] }, { traceMode: 'full' });
    expect(result.outcome).toEqual({ kind: 'pass' });
    const noticed = result.trace.filter((r) => r.detail.startsWith('reconnect:') && r.atMs >= 60_000 && r.atMs < 120_000);
    expect(new Set(noticed.map((r) => r.node)).size).toBe(20);
    expect(Math.max(...noticed.map((r) => r.atMs)) - 60_000).toBeLessThanOrEqual(PING_PERIOD_MS + PING_DEADLINE_FIX_MS);
  });

  it('a client that dials the relay while it is down has its SYN sent again, and connects soon after the relay is back', () => {
    // Down 30 s from t=20 s: clients notice at 38-40 s and send SYNs 1 s, 2 s, 4 s, 8 s apart.
    const result = run(pingStorm, 'fixed', 1, { faults: [{ kind: 'crash', node: 'relay', atMs: 20_000, downMs: 30_000 }] }, { traceMode: 'full' });
    expect(result.outcome).toEqual({ kind: 'pass' });
    const resent = result.trace.filter((r) => r.kind === 'send' && r.detail.startsWith('syn ') && r.atMs > 20_000 && r.atMs < 50_000);
    expect(resent.length).toBeGreaterThan(20);
    const reconnected = result.trace.filter((r) => r.kind === 'state' && r.detail === 'dialing.handshaking -> connected.idle' && r.atMs >= 50_000);
    expect(new Set(reconnected.map((r) => r.node)).size).toBe(20);
    // Within the SYN interval in force when the relay came back (8 s), not the 30 s handshake deadline.
    expect(Math.max(...reconnected.map((r) => r.atMs)) - 50_000).toBeLessThan(SYN_RTO_INITIAL_MS * 8);
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
