import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { earlyFindings } from '../../sim/cli/early-findings.ts';
import { summarize, type CampaignSpec } from '../../sim/explore/campaign.ts';
import { exploreRun, type CaseResult } from '../../sim/explore/explore-run.ts';
import type { FindingRequest } from '../../sim/repro/finding-files.ts';
import canary from '../../scenarios/canary/lease.scenario.ts';

const spec: CampaignSpec = { scenario: canary.id, variant: 'buggy', seed: 1, runs: 200, stopOnFailure: true, maxShrinkRuns: 50, search: 'random' };
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Files named by the finding, as the real ones are (repros/<id>, findings/<id>/report.md). */
const fakeMaterialize = (outDir: string) => async (request: FindingRequest) => {
  const id = request.finding.fingerprintId;
  const reportDir = join(outDir, 'findings', id);
  return { reproPath: join(outDir, 'repros', `${id}.repro.json`), reportDir, files: [[join(outDir, 'repros', `${id}.repro.json`), '{}'], [join(reportDir, 'report.md'), '#']] as [string, string][] };
};

/** The first two failing runs of the canary's buggy campaign whose findings differ. */
function twoFailures(): [CaseResult, CaseResult] {
  const failing: CaseResult[] = [];
  for (let index = 0; failing.length < 2 && index < spec.runs; index++) {
    const c = exploreRun(canary, 'buggy', spec.seed, index, { maxShrinkRuns: spec.maxShrinkRuns });
    if (c.repro === undefined) continue;
    const id = (x: CaseResult) => summarize(canary, spec, [x]).findings[0]!.fingerprintId;
    if (failing.length === 0 || id(c) !== id(failing[0]!)) failing.push(c);
  }
  return failing as [CaseResult, CaseResult];
}

describe('findings written as found', () => {
  it('retract a later run that failed first when the campaign stops at an earlier failure: the folder holds the final findings only', async () => {
    const out = mkdtempSync(join(tmpdir(), 'early-'));
    dirs.push(out);
    for (const d of ['repros', 'findings']) mkdirSync(join(out, d));
    writeFileSync(join(out, 'repros', 'other-campaign.repro.json'), '{}');
    const [first, later] = twoFailures();
    const early = earlyFindings(fakeMaterialize(out), spec, canary, 'scenarios/canary/lease.scenario.ts', out);
    // The later run's worker finished first.
    early.found([later]);
    early.found([later, first]);
    const final = summarize(canary, spec, [first, later]);
    expect(final.findings).toHaveLength(1);
    await early.settle(final);
    const kept = final.findings[0]!.fingerprintId;
    expect(readdirSync(join(out, 'repros')).sort()).toEqual([`${kept}.repro.json`, 'other-campaign.repro.json'].sort());
    expect(readdirSync(join(out, 'findings'))).toEqual([kept]);
    expect(existsSync(join(out, 'findings', kept, 'report.md'))).toBe(true);
  });
});
