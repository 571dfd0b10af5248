/**
 * Every clock, entropy source and scheduler a model can reach, found by a
 * campaign as any bug is: the first run fails, shrinking keeps the same
 * forbidden API, and the finding names it with its call site.
 */
import { describe, expect, it } from 'vitest';
import { runCases, summarize, type CampaignSpec } from '../../sim/explore/campaign.ts';
import { CLOCK_SOURCES, ENTROPY_SOURCES, SCHEDULING_SOURCES, SOURCE_FILE_SITE } from '../fixtures/nondeterminism-sources.ts';
import { actsAt500, hostileScenario } from './fixtures/hostile-scenario.ts';

const SOURCES = { ...CLOCK_SOURCES, ...ENTROPY_SOURCES, ...SCHEDULING_SOURCES };

describe('attack: hidden nondeterminism, through a campaign', () => {
  it.each(Object.entries(SOURCES))('finds %s as nondeterminism on the first run', (_name, { api, call }) => {
    const scenario = hostileScenario('nondeterminism', actsAt500(call));
    const spec: CampaignSpec = { scenario: scenario.id, variant: 'buggy', seed: 1, runs: 5, stopOnFailure: true, maxShrinkRuns: 20 };
    const summary = summarize(scenario, spec, runCases(scenario, spec));
    expect(summary.runsToFirstFailure).toBe(1);
    expect(summary.outcome).toMatchObject({ kind: 'nondeterminism', api, atMs: 500 });
    expect(summary.outcome.kind === 'nondeterminism' && summary.outcome.callSite).toMatch(SOURCE_FILE_SITE);
    expect(summary.findings).toHaveLength(1);
    expect(summary.findings[0]!.fingerprint).toBe(`nondeterminism:${api}|no faults`);
  });
});
