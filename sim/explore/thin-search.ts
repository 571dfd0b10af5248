/**
 * Warnings that a campaign looked thinly somewhere: a fault kind of its
 * space that was effective in fewer than k runs, a `sometimes` goal reached
 * in fewer than k. A variant that "held" while its fault bit in a handful of
 * runs says little about that fault.
 *
 * k is a tenth of the runs (at least 1). Swarm testing enables each kind in
 * half the runs, and a plan of a typical space (4–8 faults from 5–10 kinds)
 * holds a given kind in about half of those, so a kind's share is about a
 * quarter of the runs; effective in under a tenth, it bit in fewer than half
 * the runs that drew it. A goal reached in under a tenth of the runs is one
 * the search barely gets to, so a bug beyond it is barely searched.
 *
 * A campaign that stopped at its first failure did what it was asked: it is
 * warned about nothing but finding nothing at all.
 */
import type { KindAccount } from './fault-accounting.ts';

/** The fewest runs a kind should be effective in, and a goal reached in: a tenth of the budget spent. */
export function thinThreshold(runs: number): number {
  return Math.max(1, Math.ceil(runs / 10));
}

export function thinSearchWarnings(kinds: Readonly<Record<string, KindAccount>>, goals: Readonly<Record<string, number>>, runs: number, stoppedAtFailure: boolean): string[] {
  if (runs === 0) return ['no run completed'];
  if (stoppedAtFailure) return [];
  const k = thinThreshold(runs);
  const warnings: string[] = [];
  for (const [kind, a] of Object.entries(kinds)) {
    if (a.runsFired === 0) warnings.push(`fault kind '${kind}' is in the fault space but never fired in ${runs} runs (planned in ${a.runsPlanned})`);
    else if (a.runsEffective === 0) warnings.push(`fault kind '${kind}' fired in ${a.runsFired} of ${runs} runs but was never effective (its effect never reached a model)`);
    else if (a.runsEffective < k) warnings.push(`fault kind '${kind}' was effective in only ${a.runsEffective} of ${runs} runs (fewer than ${k}; planned in ${a.runsPlanned}, fired in ${a.runsFired})`);
  }
  for (const [goal, reached] of Object.entries(goals)) {
    if (reached === 0) warnings.push(`sometimes-goal '${goal}' was never reached in ${runs} runs`);
    else if (reached < k) warnings.push(`sometimes-goal '${goal}' was reached in only ${reached} of ${runs} runs (fewer than ${k})`);
  }
  return warnings;
}
