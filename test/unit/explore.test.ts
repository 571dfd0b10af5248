import { describe, expect, it } from 'vitest';
import canary from '../../scenarios/canary/lease.scenario.ts';
import { runCases, summarize, type CampaignSpec } from '../../sim/explore/campaign.ts';
import { drawPlan, exploreRun } from '../../sim/explore/explore-run.ts';
import { run } from 'chaos-testbed';

const spec = (variant: string, runs: number, stopOnFailure = false): CampaignSpec => ({
  scenario: canary.id,
  variant,
  seed: 1,
  runs,
  stopOnFailure,
  maxShrinkRuns: 500,
});

describe('explorer on the canary', () => {
  it('finds the buggy variant within 100 runs and shrinks it to one fault, 1-minimal', () => {
    const summary = summarize(canary, spec('buggy', 100, true), runCases(canary, spec('buggy', 100, true)));
    expect(summary.found).toBe(true);
    expect(summary.runsToFirstFailure).toBeLessThanOrEqual(100);
    expect(summary.planSize).toBe(1);
    expect(summary.oneMinimal).toBe(true);
    expect(summary.outcome).toMatchObject({ kind: 'safety-violation', invariant: 'single-holder' });
    expect(['pause', 'partition']).toContain(summary.minimalPlan!.faults[0]!.kind);
    // The repro's hash is the minimal plan's own run, so a replay can check it.
    const finding = summary.findings[0]!;
    expect(run(canary, 'buggy', finding.seed, summary.minimalPlan!).traceHash).toBe(summary.traceHash);
  });

  it('holds on the fixed variant for 300 runs, with every fault kind fired and every goal reached', () => {
    const summary = summarize(canary, spec('fixed', 300), runCases(canary, spec('fixed', 300)));
    expect(summary.found).toBe(false);
    expect(summary.runs).toBe(300);
    expect(summary.warnings).toEqual([]);
    for (const n of Object.values(summary.faultsFired)) expect(n).toBeGreaterThan(0);
    expect(summary.coverage.states).toContain('lease-client:holding.renewing');
  });

  it('replays any run alone: run i of a campaign is a function of the campaign seed and i', () => {
    const campaign = runCases(canary, spec('buggy', 30));
    const alone = exploreRun(canary, 'buggy', 1, 17, { maxShrinkRuns: 500 });
    expect(alone).toEqual(campaign[17]);
    const { plan, seed } = drawPlan(canary, 1, 17);
    expect(seed).toBe(alone.seed);
    expect(plan.faults).toHaveLength(alone.planSize);
  });

  it('counts one bug found many times as one finding', () => {
    const summary = summarize(canary, spec('buggy', 100), runCases(canary, spec('buggy', 100)));
    const counts = summary.findings.map((f) => f.count);
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(summary.findings.length);
    expect(new Set(summary.findings.map((f) => f.fingerprintId)).size).toBe(summary.findings.length);
  });

  it('summarizes the same cases the same way in any order, and truncates after the first failure', () => {
    const cases = runCases(canary, spec('buggy', 60));
    const shuffled = [...cases].reverse();
    expect(summarize(canary, spec('buggy', 60), shuffled)).toEqual(summarize(canary, spec('buggy', 60), cases));
    const stopped = summarize(canary, spec('buggy', 60, true), shuffled);
    expect(stopped.runs).toBe(stopped.runsToFirstFailure);
  });

  it('warns when a fault kind never fired', () => {
    const summary = summarize(canary, spec('fixed', 2), runCases(canary, spec('fixed', 2)));
    expect(summary.warnings.some((w) => /never fired in 2 runs/.test(w))).toBe(true);
  });
});
