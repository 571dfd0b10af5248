/**
 * `npm run bench:reports`: every file of a report (report.md, .html, .json,
 * trace.json, timeline.svg) built from a 1,000,000-record trace, beside a
 * baseline of one plain pass over the same trace (counting records by
 * kind), measured in the same run. Also the heap the report work adds, to
 * show it stays bounded (the trace itself excluded), and the size of each
 * file.
 *
 * The trace is the canary's three nodes exchanging messages (each sent and
 * delivered a ms later), changing state, and writing notes in ever new
 * words, so the story has repetition to fold and new things to bound; the
 * fixed run is the same trace with its last quarter changed, so the cause
 * walks both traces in full. Wall-clock figures vary with the machine and
 * its load: re-measure on a quiet one.
 *
 * Memory: `heapAddedMb` is what the work keeps once collected (the files).
 * The peak resident size grows more, with the trace's length, because V8
 * collects the work's short-lived objects lazily while a 130 MB trace sits in
 * the heap; sampling the live heap (after a forced collection) every 200,000
 * records of the story's pass stayed within 6 MB of the trace's own size.
 *
 * The last line of stdout is one JSON document.
 */
import { performance } from 'node:perf_hooks';
import { findingFiles } from '../../reports/finding-files.ts';
import canary from '../../scenarios/canary/lease.scenario.ts';
import type { Fault } from '../kernel/faults.ts';
import { run } from '../kernel/run.ts';
import type { TraceKind, TraceRecord } from '../kernel/trace.ts';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const plan = { faults: [{ kind: 'pause', atMs: 2001, node: 'client-a', durationMs: 14_058 } as Fault] };
const minimal = run(canary, 'buggy', 3_987_756_694, plan, { traceMode: 'full' });

const nodes = ['client-a', 'client-b', 'lease-server'];
function syntheticTrace(changedFrom: number): TraceRecord[] {
  const trace: TraceRecord[] = [];
  for (let i = 0; i < RECORDS; i++) {
    const node = nodes[Math.floor(i / 4) % 3]!;
    const peer = nodes[(Math.floor(i / 4) + 1) % 3]!;
    const record = (kind: TraceKind, on: string, other: string, detail: string): TraceRecord => ({ index: i, atMs: i, node: on, kind, peer: other, detail });
    if (i % 4 === 0) trace.push(record('send', node, peer, `ping {"n":${i}}`));
    else if (i % 4 === 1) trace.push(record('deliver', peer, node, `ping {"n":${i - 1}}`));
    else if (i % 4 === 2) trace.push(record('state', node, '', `s${i % 7} -> s${(i + 1) % 7}${i >= changedFrom ? ' (fixed)' : ''}`));
    else trace.push(record('note', node, '', `note ${i.toString(36).replace(/\d/g, 'x')}`));
  }
  return trace;
}
const trace = syntheticTrace(Infinity);
const fixedTrace = syntheticTrace(Math.floor(RECORDS * 0.75));
const big = { ...minimal, trace, traceLength: RECORDS, simulatedMs: RECORDS };

globalThis.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
// The process's peak resident size, before and after: how far the report work pushed it above what the traces took.
const maxRssBeforeKb = process.resourceUsage().maxRSS;
const start = performance.now();
const files = findingFiles({
  scenario: canary,
  variant: 'buggy',
  seed: 1,
  plan,
  oneMinimal: true,
  fingerprint: { id: '00000000', text: 'bench', count: 1 },
  run: big,
  invariantWhy: '',
  replayCommand: 'npm run sim -- --replay bench.repro.json',
  fixed: { variant: 'fixed', run: { ...big, trace: fixedTrace } },
  campaign: null,
});
const reportMs = performance.now() - start;
// What the report work keeps once its garbage is collected (the files it returned, and anything that leaked).
globalThis.gc?.();
const heapAfter = process.memoryUsage().heapUsed;
const maxRssGrowthKb = process.resourceUsage().maxRSS - maxRssBeforeKb;

const baselineStart = performance.now();
const byKind = new Map<string, number>();
for (const r of trace) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
const baselineMs = performance.now() - baselineStart;

const sizes = Object.fromEntries(Object.entries(files).map(([name, text]) => [name, Buffer.byteLength(text)]));
const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
process.stderr.write(
  `every file of a report of ${RECORDS} records, with the cause against a fixed trace of as many: ${reportMs.toFixed(0)}ms (one plain pass: ${baselineMs.toFixed(0)}ms); ` +
    `heap kept ${mb(heapAfter - heapBefore)} MB, peak resident size up ${mb(maxRssGrowthKb * 1024)} MB above the traces; sizes ${Object.entries(sizes).map(([n, b]) => `${n} ${b}`).join(', ')} bytes\n`,
);
process.stdout.write(
  JSON.stringify({
    reports: {
      records: RECORDS,
      reportMs: Math.round(reportMs),
      baselinePassMs: Math.round(baselineMs),
      ratio: Math.round((reportMs / Math.max(1, baselineMs)) * 100) / 100,
      heapAddedMb: mb(heapAfter - heapBefore),
      peakRssGrowthMb: mb(maxRssGrowthKb * 1024),
      bytes: sizes,
    },
  }) + '\n',
);
