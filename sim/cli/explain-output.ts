/**
 * `--explain`: what a campaign's search did, in words and tables (the same
 * content is the `explain` field of the JSON summary). See
 * sim/explore/guided/explain.ts.
 */
import type { CampaignSummary } from '../explore/campaign.ts';
import { describeFault } from '../kernel/faults.ts';
import type { PlanOrigin } from '../explore/guided/candidate.ts';
import { table } from './format.ts';

export function describeSearch(summary: CampaignSummary): string[] {
  const e = summary.explain;
  const lines: string[] = [];
  const how = e.layout === null ? 'random (each run draws its plan from its seed)' : `guided (${e.layout.lanes} lane${e.layout.lanes === 1 ? '' : 's'}, generations of ${e.layout.generationSize} runs)`;
  lines.push(`search: ${how}; corpus ${e.corpus} plans${e.layout === null ? ' (what a guided search would have kept)' : ''}${e.bestProgress === null ? '' : `; best progress ${e.bestProgress}`}`);
  lines.push('coverage growth (features: states, transitions, state x fault pairs, goals, effective kinds):');
  lines.push(...indent(table(['runs', 'features', 'corpus'], e.growth.map((g) => [String(g.runs), String(g.features), String(g.corpus)]))));
  const payoffs = [['fresh draw', e.draws] as const, ...Object.entries(e.mutations).filter(([, p]) => p.runs > 0)];
  lines.push('what paid off (kept: reached something new):');
  lines.push(...indent(table(['plans made by', 'runs', 'kept', 'failed'], payoffs.map(([name, p]) => [name, String(p.runs), String(p.kept), String(p.failed)]))));
  lines.push('sample plans:');
  for (const s of e.samples) {
    lines.push(`  run ${s.run}, ${origin(s.origin)}${s.kept ? ', kept' : ''}:`);
    if (s.plan.faults.length === 0) lines.push('    (no faults)');
    for (const f of s.plan.faults) lines.push(`    t=${f.atMs}ms`.padEnd(16) + describeFault(f));
  }
  return lines;
}

function origin(o: PlanOrigin): string {
  if (o.by === 'draw') return 'drawn';
  return `${o.ops.join('+')} of run ${o.parent}${o.mate === undefined ? '' : ` with run ${o.mate}`}`;
}

function indent(text: string): string[] {
  return text.split('\n').map((l) => `  ${l}`);
}
