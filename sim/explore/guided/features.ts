/**
 * What a run reached, as the guided search counts it: each a string, so a
 * corpus can ask whether a run reached anything new.
 *
 * - `s:` a machine state, `t:` a transition (as campaign coverage counts them)
 * - `p:` a state entered while a fault kind was in force (`machine:state@kind`)
 * - `g:` a `sometimes` goal reached
 * - `e:` a fault kind that was effective (its effect reached a model)
 *
 * A scenario's progress measure is a number, not a feature: see corpus.ts.
 */
import type { CaseResult } from '../explore-run.ts';

export function featuresOf(result: CaseResult): string[] {
  const features: string[] = [];
  for (const s of result.states) features.push(`s:${s}`);
  for (const t of result.transitions) features.push(`t:${t}`);
  for (const p of result.pairs) features.push(`p:${p}`);
  for (const g of result.sometimesReached) features.push(`g:${g}`);
  for (const [kind, n] of Object.entries(result.faultsEffective)) if (n > 0) features.push(`e:${kind}`);
  return features;
}
