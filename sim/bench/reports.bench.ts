/**
 * `npm run bench:reports`: building and rendering a report from a
 * 1,000,000-record trace, beside a baseline of one plain pass over the same
 * trace (counting records by kind), measured in the same run. Also the heap
 * the report work adds, to show it stays bounded (the trace itself excluded).
 *
 * The last line of stdout is one JSON document.
 */
import { performance } from 'node:perf_hooks';
import { buildReport } from '../../reports/build-report.ts';
import { renderHtml } from '../../reports/html.ts';
import { renderJson } from '../../reports/json.ts';
import { renderMarkdown } from '../../reports/markdown.ts';
import canary from '../../scenarios/canary/lease.scenario.ts';
import type { Fault } from '../kernel/faults.ts';
import { run } from '../kernel/run.ts';
import type { TraceRecord } from '../kernel/trace.ts';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const plan = { faults: [{ kind: 'pause', atMs: 2001, node: 'client-a', durationMs: 14_058 } as Fault] };
const minimal = run(canary, 'buggy', 3_987_756_694, plan, { traceMode: 'full' });

const nodes = ['client-a', 'client-b', 'lease-server'];
const trace: TraceRecord[] = [];
for (let i = 0; i < RECORDS; i++) {
  const node = nodes[i % 3]!;
  trace.push({
    index: i,
    atMs: i,
    node,
    kind: i % 2 === 0 ? 'deliver' : 'state',
    peer: i % 2 === 0 ? nodes[(i + 1) % 3]! : '',
    detail: i % 2 === 0 ? `ping {"n":${i}}` : `s${i % 7} -> s${(i + 1) % 7}`,
  });
}
const big = { ...minimal, trace, traceLength: RECORDS, simulatedMs: RECORDS };

globalThis.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const start = performance.now();
const data = buildReport({
  scenario: canary,
  variant: 'buggy',
  seed: 1,
  plan,
  oneMinimal: true,
  fingerprint: { id: '00000000', text: 'bench', count: 1 },
  run: big,
  invariantWhy: '',
  replayCommand: 'npm run sim -- --replay bench.repro.json',
  fixed: null,
  campaign: null,
});
const sizes = [renderMarkdown(data).length, renderHtml(data).length, renderJson(data).length];
const reportMs = performance.now() - start;
const heapAfter = process.memoryUsage().heapUsed;

const baselineStart = performance.now();
const byKind = new Map<string, number>();
for (const r of trace) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
const baselineMs = performance.now() - baselineStart;

process.stderr.write(`report of ${RECORDS} records: ${reportMs.toFixed(0)}ms (one plain pass: ${baselineMs.toFixed(0)}ms); outputs ${sizes.join(', ')} bytes\n`);
process.stdout.write(
  JSON.stringify({
    reports: {
      records: RECORDS,
      reportMs: Math.round(reportMs),
      baselinePassMs: Math.round(baselineMs),
      ratio: Math.round((reportMs / Math.max(1, baselineMs)) * 100) / 100,
      heapAddedMb: Math.round(((heapAfter - heapBefore) / 1024 / 1024) * 10) / 10,
      markdownBytes: sizes[0],
    },
  }) + '\n',
);
