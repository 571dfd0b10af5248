/**
 * A scenario's series (see `Scenario.series`) tallied from traces: the
 * records its `counts` accepts, per bucket of virtual time, one line per
 * variant. The runs themselves are made by the caller
 * (`sim/explore/report-runs.ts`): reports never run models.
 */
import type { ScenarioSeries } from '../sim/kernel/scenario.ts';
import type { TraceRecord } from '../sim/kernel/trace.ts';
import type { ReportSeries } from './report-data.ts';

export type { ReportSeries } from './report-data.ts';

/**
 * @param durationMs the scenario's duration: the buckets cover it, and a
 *   record after it (a liveness deadline can extend a run) counts in the last
 */
export function tallySeries(series: ScenarioSeries, durationMs: number, runs: readonly { readonly variant: string; readonly trace: readonly TraceRecord[] }[]): ReportSeries {
  const buckets = Math.max(1, Math.ceil(durationMs / series.bucketMs));
  return {
    name: series.name,
    bucketMs: series.bucketMs,
    lines: runs.map(({ variant, trace }) => {
      const counts: number[] = Array.from({ length: buckets }, () => 0);
      for (const record of trace) {
        if (series.counts(record)) counts[Math.min(buckets - 1, Math.floor(record.atMs / series.bucketMs))]!++;
      }
      return { variant, counts };
    }),
  };
}
