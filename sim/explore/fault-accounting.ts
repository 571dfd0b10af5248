/**
 * How hard a campaign looked, per fault kind and per `sometimes` goal: folded
 * from its runs' results, in run order.
 *
 * For each kind: faults of it in the plans that ran, faults that fired (the
 * kernel applied them to something: see the injector), faults that were
 * effective (what they did reached a model), and in how many runs each of
 * these happened at least once. A kind drawn in 150 runs but effective in 18
 * was given 18 chances to matter, not 150.
 */
import { spaceKinds } from '../kernel/fault-space.ts';
import { own } from '../kernel/own.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import type { CaseResult } from './explore-run.ts';

export interface KindAccount {
  /** Faults of the kind in the plans that ran. */
  readonly planned: number;
  readonly fired: number;
  readonly effective: number;
  /** Runs with at least one such fault planned, fired, effective. */
  readonly runsPlanned: number;
  readonly runsFired: number;
  readonly runsEffective: number;
}

/** Per kind the space allows (and any other a plan used), in the space's order. */
export function accountKinds(scenario: AnyScenario, cases: readonly CaseResult[]): Record<string, KindAccount> {
  const accounts = new Map<string, { planned: number; fired: number; effective: number; runsPlanned: number; runsFired: number; runsEffective: number }>();
  const account = (kind: string) => {
    let a = accounts.get(kind);
    if (a === undefined) accounts.set(kind, (a = { planned: 0, fired: 0, effective: 0, runsPlanned: 0, runsFired: 0, runsEffective: 0 }));
    return a;
  };
  for (const kind of scenario.faultSpace === undefined ? [] : spaceKinds(scenario.faultSpace)) account(kind);
  for (const c of cases) {
    const planned = new Map<string, number>();
    for (const f of c.plan.faults) planned.set(f.kind, (planned.get(f.kind) ?? 0) + 1);
    for (const [kind, n] of planned) {
      const a = account(kind);
      a.planned += n;
      a.runsPlanned++;
    }
    for (const [kind, n] of Object.entries(c.faultsFired)) {
      const a = account(kind);
      a.fired += n;
      if (n > 0) a.runsFired++;
    }
    for (const [kind, n] of Object.entries(c.faultsEffective)) {
      const a = account(kind);
      a.effective += n;
      if (n > 0) a.runsEffective++;
    }
  }
  // fromEntries makes own properties, whatever a kind is named.
  return Object.fromEntries(accounts);
}

/** Per `sometimes` goal the scenario declares: runs that reached it. */
export function goalRuns(goalNames: readonly string[], cases: readonly CaseResult[]): Record<string, number> {
  const runs = new Map<string, number>(goalNames.map((g) => [g, 0]));
  for (const c of cases) for (const g of c.sometimesReached) runs.set(g, (runs.get(g) ?? 0) + 1);
  return Object.fromEntries(runs);
}

/** `own` for a record this file built (kinds may be named anything). */
export function accountOf(accounts: Readonly<Record<string, KindAccount>>, kind: string): KindAccount | undefined {
  return own(accounts, kind);
}
