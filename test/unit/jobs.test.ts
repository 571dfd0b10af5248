import { describe, expect, it } from 'vitest';
import { planJobs } from '../../sim/cli/jobs.ts';
import { parseCli } from '../../sim/cli/args.ts';
import { settingsFor } from '../../sim/cli/settings.ts';
import { defineScenario } from 'chaos-testbed';
import { setup } from 'xstate';

const idle = setup({}).createMachine({ id: 'idle' });
/** A scenario whose bug (it says) needs up to 300 runs, and a fix option known to fail. */
const slowBug = defineScenario({
  id: 'test/slow-bug',
  title: 'slow bug',
  description: 'test',
  variants: { buggy: {}, fixed: {}, 'fix-half': {} },
  expectations: { buggy: { expect: 'fails', runs: 300 }, 'fix-half': { expect: 'fails' } },
  durationMs: 1000,
  build: (sim) => ({ n: sim.node('n', idle, () => ({})) }),
  invariants: () => [],
  faultSpace: { windowMs: [0, 10], maxFaults: 1, kinds: { restart: { nodes: ['n'] } } },
});
const entry = { scenario: slowBug, file: '/x/slow.scenario.ts' };
const plan = (...argv: string[]) => planJobs([entry], parseCli(argv), settingsFor(parseCli(argv), { root: '/x', configFile: undefined, config: undefined }));

describe('the campaigns of a run', () => {
  it('checks every declared expectation; --runs shortens only the holds ones', () => {
    expect(plan('--runs', '40').map((j) => [j.spec.variant, j.expect, j.spec.runs, j.spec.stopOnFailure])).toEqual([
      ['buggy', 'fails', 300, true],
      ['fixed', 'holds', 40, false],
      ['fix-half', 'fails', 1000, true],
    ]);
  });

  it('goes deep: five seeds, holds budgets ten times over', () => {
    const jobs = plan('--deep');
    expect(jobs).toHaveLength(15);
    expect([...new Set(jobs.map((j) => j.spec.seed))]).toEqual([1, 2, 3, 4, 5]);
    expect(jobs.filter((j) => j.expect === 'holds').every((j) => j.spec.runs === 3000)).toBe(true);
  });

  it('runs one campaign of the variant asked for', () => {
    expect(plan('--variant', 'fixed', '--runs', '7').map((j) => [j.spec.variant, j.expect, j.spec.runs])).toEqual([['fixed', null, 7]]);
  });

  it('refuses expectations of a variant the scenario does not have', () => {
    expect(() => defineScenario({ ...slowBug, expectations: { nope: { expect: 'holds' } } })).toThrow(/expectations name variant 'nope'/);
  });
});
