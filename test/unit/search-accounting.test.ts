import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { always, defineScenario, violated, type NodeIO } from 'chaos-testbed';
import { runCases, summarize, type CampaignSpec } from '../../sim/explore/campaign.ts';
import { thinSearchWarnings, thinThreshold } from '../../sim/explore/thin-search.ts';

/** Pings `peer` every second; never reads its clock. */
const ticker = setup({ types: { input: {} as { io: NodeIO; peer: string }, context: {} as { io: NodeIO; peer: string } } }).createMachine({
  id: 'ticker',
  context: ({ input }) => input,
  initial: 'ticking',
  states: { ticking: { after: { 1000: { target: 'ticking', reenter: true, actions: ({ context }) => context.io.send(context.peer, { type: 'ping' }) } } } },
});
const quiet = setup({ types: { input: {} as { io: NodeIO } } }).createMachine({ id: 'quiet', initial: 'idle', states: { idle: {} } });

/**
 * Built so each kind's effect is known: a clock jump on `quiet`, which never
 * reads its clock, always fires and is never effective; a pause of the
 * ticker lasts longer than its period, so it is effective whenever it fires.
 */
const accounting = defineScenario({
  id: 'test/accounting',
  title: 'accounting',
  description: 'kinds whose effect is known',
  variants: { buggy: { fails: true }, fixed: { fails: false } },
  durationMs: 20_000,
  build(sim, flags) {
    const t = sim.node('ticker', ticker, (io) => ({ io, peer: 'quiet' }));
    sim.node('quiet', quiet, (io) => ({ io }));
    return { t, fails: flags.fails };
  },
  faultSpace: {
    windowMs: [0, 10_000],
    maxFaults: 3,
    kinds: {
      'clock-jump': { nodes: ['quiet'], deltaMs: [1, 60_000] },
      pause: { nodes: ['ticker'], durationMs: [1_500, 3_000] },
      partition: { links: [['ticker', 'quiet']], durationMs: [100, 3_000] },
    },
  },
  invariants: ({ t, fails }) => [always('never-paused', 'a test invariant', () => !(fails && t.status() === 'paused') || violated('paused'))],
});

const spec = (variant: string, runs: number, stopOnFailure: boolean, search: 'random' | 'guided'): CampaignSpec => ({ scenario: accounting.id, variant, seed: 1, runs, stopOnFailure, maxShrinkRuns: 100, search });

describe('a campaign counts faults planned, fired and effective, per kind', () => {
  for (const search of ['random', 'guided'] as const) {
    it(`on a scenario built for it (${search})`, () => {
      const cases = runCases(accounting, spec('fixed', 60, false, search));
      const s = summarize(accounting, spec('fixed', 60, false, search), cases);
      const jump = s.faults['clock-jump']!;
      expect(jump.planned).toBeGreaterThan(0);
      expect(jump.fired).toBe(jump.planned);
      expect(jump.effective).toBe(0);
      const pause = s.faults.pause!;
      expect(pause.fired).toBeGreaterThan(0);
      expect(pause.effective).toBe(pause.fired);
      // Per run: the campaign's figures are its runs' figures, added up.
      for (const kind of ['clock-jump', 'pause', 'partition']) {
        const a = s.faults[kind]!;
        expect(a.planned).toBe(cases.reduce((n, c) => n + c.plan.faults.filter((f) => f.kind === kind).length, 0));
        expect(a.runsPlanned).toBe(cases.filter((c) => c.plan.faults.some((f) => f.kind === kind)).length);
        expect(a.effective).toBe(cases.reduce((n, c) => n + (c.faultsEffective[kind] ?? 0), 0));
        expect(a.runsEffective).toBe(cases.filter((c) => (c.faultsEffective[kind] ?? 0) > 0).length);
        expect(a.runsFired).toBe(cases.filter((c) => (c.faultsFired[kind] ?? 0) > 0).length);
      }
      expect(s.warnings).toContainEqual(expect.stringMatching(/^fault kind 'clock-jump' fired in \d+ of 60 runs but was never effective/));
    });
  }

  it('says nothing of a thin search when the campaign stopped at its first failure', () => {
    const s = summarize(accounting, spec('buggy', 200, true, 'guided'), runCases(accounting, spec('buggy', 200, true, 'guided')));
    expect(s.found).toBe(true);
    expect(s.runs).toBeLessThan(200);
    expect(s.warnings).toEqual([]);
  });
});

describe('thin-search warnings', () => {
  const account = (runsEffective: number) => ({ planned: 50, fired: 40, effective: runsEffective, runsPlanned: 50, runsFired: 40, runsEffective });
  it('warn when a kind was effective, or a goal reached, in fewer than a tenth of the runs', () => {
    expect(thinThreshold(300)).toBe(30);
    expect(thinThreshold(5)).toBe(1);
    expect(thinSearchWarnings({ 'http-error': account(18) }, { recovered: 29 }, 300, false)).toEqual([
      "fault kind 'http-error' was effective in only 18 of 300 runs (fewer than 30; planned in 50, fired in 40)",
      "sometimes-goal 'recovered' was reached in only 29 of 300 runs (fewer than 30)",
    ]);
    expect(thinSearchWarnings({ 'http-error': account(30) }, { recovered: 30 }, 300, false)).toEqual([]);
  });

  it('say when nothing ran', () => {
    expect(thinSearchWarnings({}, {}, 0, false)).toEqual(['no run completed']);
  });
});
