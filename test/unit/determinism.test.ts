import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import canary from '../../scenarios/canary/lease.scenario.ts';
import { run, type FaultPlan } from 'chaos-testbed';
import { selfCheck } from '../../sim/kernel/self-check.ts';

const plan: FaultPlan = {
  faults: [
    { kind: 'partition', atMs: 5000, durationMs: 4000, from: 'client-a', to: 'lease-server', oneWay: false },
    { kind: 'pause', atMs: 12_000, node: 'client-b', durationMs: 3000 },
    { kind: 'reorder', atMs: 0, durationMs: 60_000, from: 'client-b', to: 'lease-server', oneWay: false, jitterMs: 300 },
  ],
};

describe('determinism', () => {
  it('gives the same trace hash for the same seed and plan, in one process', () => {
    const a = run(canary, 'fixed', 42, plan);
    const b = run(canary, 'fixed', 42, plan);
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.events).toBe(a.events);
  });

  it('gives the same trace hash whether it keeps the full trace or only the hash', () => {
    const full = run(canary, 'fixed', 42, plan, { traceMode: 'full' });
    const hashOnly = run(canary, 'fixed', 42, plan, { traceMode: 'hash' });
    expect(hashOnly.traceHash).toBe(full.traceHash);
    expect(full.trace).toHaveLength(full.traceLength);
  });

  it('gives the same trace hash in two separate processes', () => {
    const planFile = join(mkdtempSync(join(tmpdir(), 'sim-det-')), 'plan.json');
    writeFileSync(planFile, JSON.stringify(plan));
    const cli = ['--conditions=chaos-testbed-source', '--import', 'tsx', 'sim/cli/main.ts', '--scenario', 'canary/lease', '--variant', 'fixed', '--seed', '42', '--plan', planFile, '--json'];
    const hashes = [0, 1].map(() => JSON.parse(execFileSync(process.execPath, cli, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).traceHash);
    expect(hashes[1]).toBe(hashes[0]);
    expect(hashes[0]).toBe(run(canary, 'fixed', 42, plan).traceHash);
  });

  it('gives different schedules for different seeds', () => {
    const hashes = new Set([1, 2, 3, 4, 5].map((seed) => run(canary, 'fixed', seed, plan).traceHash));
    expect(hashes.size).toBe(5);
  });

  it('passes its own self-check', () => {
    expect(selfCheck(canary, 'buggy', 9, plan).divergence).toBeUndefined();
  });
});
