import { describe, expect, it } from 'vitest';
import { bootTransaction, runnable } from '../../models/boot/service-manager.ts';
import { TIMEOUT_START_MS } from '../../models/boot/timing.ts';
import { describeCycle, unitsFor, waitCycle, type UnitSpec } from '../../models/boot/units.ts';
import { BOOT_VARIANTS, orderDeadlockScenario } from '../../scenarios/boot/order-deadlock.scenario.ts';
import { run } from 'chaos-testbed';

const units = (variant: keyof typeof BOOT_VARIANTS) => unitsFor(BOOT_VARIANTS[variant], TIMEOUT_START_MS);

describe('static wait-graph check', () => {
  it.each([
    ['buggy', 'deploy-proxy (health gate: ci.commoninternet.net needs dashboard) → deploy-dashboard (After=) → deploy-proxy'],
    ['fix-health-url-drone', 'deploy-proxy (health gate: drone.ci.commoninternet.net needs drone) → deploy-drone (After=) → deploy-proxy'],
    ['fix-wants-dashboard-additive', 'deploy-proxy (After=) → deploy-dashboard (After=) → deploy-proxy'],
  ] as const)('reports the cycle of %s', (variant, cycle) => {
    expect(describeCycle(waitCycle(units(variant))!)).toBe(cycle);
  });

  it.each(['fixed', 'fix-health-url-ping', 'fix-drop-after', 'fix-wants-dashboard'] as const)('finds no cycle in %s', (variant) => {
    expect(waitCycle(units(variant))).toBeNull();
  });
});

describe('service manager semantics', () => {
  const unit = (name: string, extra: Partial<UnitSpec> = {}): UnitSpec => ({
    name,
    after: [],
    before: [],
    wants: [],
    requires: [],
    timeoutStartMs: 1000,
    deploys: name,
    healthHost: null,
    ...extra,
  });

  it('holds a job while a unit it is ordered after (After= or the other side\'s Before=) is pending', () => {
    const us = [unit('a'), unit('b', { after: ['a'] }), unit('c', { before: ['a'] })];
    expect(runnable(us, { a: 'waiting', b: 'waiting', c: 'waiting' })).toEqual({ start: ['c'], fail: [] });
    expect(runnable(us, { a: 'waiting', b: 'waiting', c: 'active' })).toEqual({ start: ['a'], fail: [] });
    expect(runnable(us, { a: 'failed', b: 'waiting', c: 'active' })).toEqual({ start: ['b'], fail: [] });
  });

  it('fails a job whose Requires= failed, but not one that only Wants= it', () => {
    const us = [unit('a'), unit('b', { requires: ['a'], after: ['a'] }), unit('c', { wants: ['a'], after: ['a'] })];
    expect(runnable(us, { a: 'failed', b: 'waiting', c: 'waiting' })).toEqual({ start: ['c'], fail: ['b'] });
  });

  it('breaks an ordering cycle by deleting a start job, as systemd does', () => {
    const { jobs, deleted } = bootTransaction(units('fix-wants-dashboard-additive'));
    expect(deleted).toEqual(['deploy-proxy']);
    expect(jobs).toEqual({ 'deploy-proxy': 'deleted', 'deploy-dashboard': 'waiting', 'deploy-drone': 'waiting' });
    expect(bootTransaction(units('buggy')).deleted).toEqual([]);
  });
});

describe('calibration against the incident', () => {
  it('buggy: deploy-proxy polls until TimeoutStartSec (900 s) while deploy-dashboard waits; then it fails and the dashboard starts', () => {
    // Stretch the boot bound past the timeout so the run shows what happens at 900 s.
    const scenario = orderDeadlockScenario({ bootBoundMs: TIMEOUT_START_MS + 50_000 });
    const result = run(scenario, 'buggy', 1, { faults: [] }, { traceMode: 'full' });
    const timedOut = result.trace.find((r) => r.kind === 'note' && r.detail === 'deploy-proxy: start operation timed out; terminating')!;
    expect(timedOut.atMs).toBeGreaterThanOrEqual(TIMEOUT_START_MS);
    expect(timedOut.atMs).toBeLessThan(TIMEOUT_START_MS + 100);
    const dashboardStarts = result.trace.find((r) => r.node === 'deploy-dashboard' && r.kind === 'state' && r.detail.startsWith('inactive -> activating'))!;
    expect(dashboardStarts.atMs).toBeGreaterThan(timedOut.atMs);
    const probes = result.trace.filter((r) => r.node === 'deploy-proxy' && r.kind === 'send' && r.detail.startsWith('http-get')).length;
    // One probe every 5 s (plus the probe's round trip) for 900 s: about 180.
    expect(probes).toBeGreaterThan(170);
    expect(probes).toBeLessThanOrEqual(181);
    expect(result.outcome).toMatchObject({ kind: 'liveness-violation', invariant: 'boot-completes' });
    expect(result.outcome.kind === 'liveness-violation' && result.outcome.detail).toContain('deploy-proxy failed');
  });

  it('the fixed variant boots in seconds', () => {
    const result = run(orderDeadlockScenario(), 'fixed', 1, { faults: [] }, { traceMode: 'full' });
    expect(result.outcome).toEqual({ kind: 'pass' });
    const settled = result.trace.find((r) => r.node === 'systemd' && r.detail === 'booting -> settled')!;
    expect(settled.atMs).toBeLessThan(30_000);
  });
});
