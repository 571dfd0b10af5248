import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import canary from '../../scenarios/canary/lease.scenario.ts';
import blip from '../../scenarios/tunnel/api-503-blip.scenario.ts';
import registrationTimeout from '../../scenarios/dmsg/registration-timeout.scenario.ts';
import { run, type AnyScenario, type FaultPlan } from 'chaos-testbed';
import { drawPlan } from '../../sim/explore/explore-run.ts';
import { selfCheck } from '../../sim/kernel/self-check.ts';
import { at, runProbes } from '../fixtures/scenario.ts';

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

  it('ends a run that keeps no trace exactly as one that keeps it', () => {
    const cases: [AnyScenario, string][] = [
      [canary as AnyScenario, 'buggy'],
      [canary as AnyScenario, 'fixed'],
      [blip as AnyScenario, 'buggy'],
      [registrationTimeout as AnyScenario, 'buggy'],
    ];
    for (const [scenario, variant] of cases) {
      for (const index of [0, 1, 2]) {
        const { seed, plan: drawn } = drawPlan(scenario, 7, index);
        const [kept, none] = (['hash', 'outcome'] as const).map((traceMode) => run(scenario, variant, seed, drawn, { traceMode }));
        expect({ ...none, traceHash: kept!.traceHash, trace: [] }).toEqual({ ...kept, trace: [] });
        expect(none!.traceHash).toBe('');
      }
    }
  });

  it('crashes on a message the trace cannot describe in every mode', () => {
    const outcomes = (['full', 'hash', 'outcome'] as const).map(
      (traceMode) =>
        runProbes(['sender', 'receiver'], (sim, p) => at(sim, p.sender!, 1000, (io) => io.send('receiver', { type: 'count', n: 1n } as never)), { durationMs: 5_000, run: { traceMode } }).result.outcome,
    );
    expect(outcomes[0]).toMatchObject({ kind: 'model-crash', node: 'sender' });
    expect(outcomes[1]).toEqual(outcomes[0]);
    expect(outcomes[2]).toEqual(outcomes[0]);
  });
});
