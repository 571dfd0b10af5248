/**
 * A scenario's series (see `Scenario.series`) for a report: the finding's
 * plan run to the end on the finding's variant and on `fixed`, with the
 * invariants switched off so neither run stops at a violation, and the
 * trace records the series counts tallied per bucket of virtual time.
 */
import type { FaultPlan } from '../sim/kernel/faults.ts';
import { run } from '../sim/kernel/run.ts';
import type { AnyScenario } from '../sim/kernel/scenario.ts';
import type { ReportSeries } from './report-data.ts';

export function seriesFor(scenario: AnyScenario, variant: string, seed: number, plan: FaultPlan): ReportSeries | null {
  const series = scenario.series;
  if (series === undefined) return null;
  const unchecked: AnyScenario = { ...scenario, invariants: () => [] };
  const buckets = Math.ceil(scenario.durationMs / series.bucketMs);
  const variants = variant === 'fixed' ? ['fixed'] : [variant, 'fixed'];
  return {
    name: series.name,
    bucketMs: series.bucketMs,
    lines: variants.map((v) => {
      const counts: number[] = Array.from({ length: buckets }, () => 0);
      for (const record of run(unchecked, v, seed, plan, { traceMode: 'full' }).trace) {
        if (series.counts(record)) counts[Math.min(buckets - 1, Math.floor(record.atMs / series.bucketMs))]!++;
      }
      return { variant: v, counts };
    }),
  };
}
