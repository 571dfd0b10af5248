import { describe, expect, it } from 'vitest';
import { chooseOwner, type Candidate } from '../../models/ownership/arbitration.ts';
import { BOOKMARK_MS, LEASE_DURATION_MS, RECONCILE_PERIOD_MS } from '../../models/ownership/timing.ts';
import { EDGE_RECOVERY_BOUND_MS } from '../../scenarios/ownership/common.ts';
import { deletedOwnerScenario, REPLACE_AT_MS } from '../../scenarios/ownership/deleted-owner.scenario.ts';
import { keyCollisionScenario } from '../../scenarios/ownership/key-collision.scenario.ts';
import { run, type Fault } from 'chaos-testbed';
import type { TraceRecord } from '../../sim/kernel/trace.ts';

const HOUR_MS = 3_600_000;
const FLIP_AT_MS = 3.5 * HOUR_MS;

describe('arbitration', () => {
  const a: Candidate = { uid: 'a', project: 'p', name: 'a', createdAtMs: 0 };
  const b: Candidate = { uid: 'b', project: 'p', name: 'b', createdAtMs: 1 };
  const base = { currentOwner: 'a', nowMs: 100_000, leaseDurationMs: LEASE_DURATION_MS };

  it('first-seen takes the head of the cache, whatever the leases', () => {
    expect(chooseOwner({ ...base, arbitration: 'first-seen', candidates: [b, a], leaseRenewedAtMs: { a: 99_000 } })).toBe(b);
  });

  it('lease-aware keeps a fresh owner (hysteresis), moves from a lapsed one, and never moves to nobody fresh', () => {
    const fresh = { a: 99_000, b: 99_500 };
    expect(chooseOwner({ ...base, arbitration: 'lease-aware', candidates: [b, a], leaseRenewedAtMs: fresh })).toBe(a);
    expect(chooseOwner({ ...base, arbitration: 'lease-aware', candidates: [b, a], leaseRenewedAtMs: { a: 1_000, b: 99_500 } })).toBe(b);
    expect(chooseOwner({ ...base, arbitration: 'lease-aware', candidates: [b, a], leaseRenewedAtMs: { a: 1_000, b: 2_000 } })).toBe(a);
  });
});

/** Owner of the record after each `publish` the API received, as [time, owner uid]. */
function ownerChanges(trace: readonly TraceRecord[]): [number, string | null][] {
  const changes: [number, string | null][] = [];
  for (const r of trace) {
    if (r.node !== 'api' || r.kind !== 'deliver' || !r.detail.startsWith('publish ')) continue;
    const owner = JSON.parse(r.detail.slice('publish '.length)).owner as string | null;
    if (changes.length === 0 || changes[changes.length - 1]![1] !== owner) changes.push([r.atMs, owner]);
  }
  return changes;
}

describe('calibration against the incident', () => {
  it('case 1: after 3.5 h of healthy service, a stale relist defers ltwr5 to the deleted jttwh', () => {
    const plan = { faults: [{ kind: 'stale-relist', atMs: FLIP_AT_MS } as Fault] };
    const result = run(deletedOwnerScenario({ durationMs: 4 * HOUR_MS }), 'buggy', 1, plan, { traceMode: 'full' });
    expect(result.outcome).toMatchObject({ kind: 'safety-violation', invariant: 'no-defer-to-dead' });
    const outcome = result.outcome as { atMs: number; detail: string };
    expect(outcome.atMs).toBeGreaterThanOrEqual(FLIP_AT_MS);
    expect(outcome.atMs).toBeLessThan(FLIP_AT_MS + 16_000);
    expect(outcome.detail).toBe(
      'datum-connect-ltwr5 (fresh lease) is DeferredToOwner drewr-y4nd1b/datum-connect-jttwh (uid 226a90b6-3cad-4242-9eff-c2c71a335545), which does not exist',
    );
    // Healthy service until then: ltwr5 owned the record from just after the replacement.
    const changes = ownerChanges(result.trace);
    const ltwr5Since = changes.find(([, owner]) => owner === 'e43a8dd4-b10e-42de-b9ff-032788491a24')![0];
    expect(ltwr5Since).toBeLessThan(REPLACE_AT_MS + 120_000);
    expect(outcome.atMs - ltwr5Since).toBeGreaterThan(3 * HOUR_MS);
  });

  it('case 2: after a relist the stale dwq9z takes the record; the runtime watch exits the agent; ownership flips back ~13 s later', () => {
    const plan = { faults: [{ kind: 'resync', atMs: FLIP_AT_MS } as Fault] };
    const result = run(keyCollisionScenario({ durationMs: 4 * HOUR_MS, checkInvariants: false }), 'buggy', 1, plan, { traceMode: 'full' });
    const changes = ownerChanges(result.trace).filter(([t]) => t >= FLIP_AT_MS);
    const [flip, back] = changes as [[number, string], [number, string]];
    expect(flip[1]).toBe('c0968142-c465-440a-ad40-fdb797ebf366'); // dwq9z
    expect(back[1]).toBe('f1b2c3d4-0000-4000-8000-000000000001'); // mhxj5 again
    const watch = result.trace.find((r) => r.node === 'agent-datum-connect-mhxj5' && r.kind === 'note' && r.detail.startsWith('runtime watch'))!;
    expect(watch.detail).toContain('owner my-project-4h6v89/datum-connect-dwq9z');
    const flipBackAfterWatchS = (back[0] - watch.atMs) / 1000;
    // The field saw ~13 s; a 3 s watch poll and a 15 s reconcile give 12-15 s.
    expect(flipBackAfterWatchS).toBeGreaterThanOrEqual(10);
    expect(flipBackAfterWatchS).toBeLessThanOrEqual(16);
  });
});

describe('a watch cut off for a long time (issue 20)', () => {
  // The refuting plan of issue 20: api and controller partitioned for 555 s
  // from t=105 s, across the replacement of jttwh by ltwr5 (t=300 s, 360 s).
  const healAtMs = 104_978 + 555_023;
  const plan = { faults: [{ kind: 'partition', atMs: 104_978, durationMs: 555_023, from: 'api', to: 'controller', oneWay: false } as Fault] };

  it('the controller relists at the first bookmark after the heal, and the edge serves ltwr5 after more than a lease and a reconcile, within the bound', () => {
    const result = run(deletedOwnerScenario(), 'fixed', 4084218036, plan, { traceMode: 'full' });
    expect(result.outcome).toEqual({ kind: 'pass' });
    const relist = result.trace.find((r) => r.node === 'controller' && r.kind === 'note' && r.detail === 'watch gap: relisting' && r.atMs > healAtMs)!;
    expect(relist.atMs - healAtMs).toBeLessThanOrEqual(BOOKMARK_MS);
    const served = result.trace.find((r) => r.node === 'edge' && r.kind === 'deliver' && r.detail.startsWith('dial.response ') && r.detail.includes('"status":200') && r.atMs > healAtMs)!;
    // The old bound, a lease and a reconcile (55 s), was too short for this path; the new one is not.
    expect(served.atMs - healAtMs).toBeGreaterThan(LEASE_DURATION_MS + RECONCILE_PERIOD_MS);
    expect(served.atMs - healAtMs).toBeLessThanOrEqual(EDGE_RECOVERY_BOUND_MS);
  });
});
