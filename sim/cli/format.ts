/**
 * Text for a terminal: trace records, fault plans, tables.
 */
import { describeFault, type FaultPlan } from '../kernel/faults.ts';
import type { TraceRecord } from '../kernel/trace.ts';

export function formatRecord(r: TraceRecord): string {
  // `deliver` is about a message from the peer; send, drop and timeout about one to it.
  const peer = r.peer === '' ? '' : ` ${r.kind === 'deliver' ? '<-' : '->'} ${r.peer}`;
  return `${String(r.atMs).padStart(9)}ms #${r.index} ${r.node} ${r.kind}${peer}: ${r.detail}`;
}

/** The plan as lines: `  t=2001ms  pause client-a for 14058ms`. */
export function formatPlan(plan: FaultPlan): string[] {
  if (plan.faults.length === 0) return ['  (no faults)'];
  return plan.faults.map((f) => `  t=${f.atMs}ms`.padEnd(14) + describeFault(f));
}

/** Rows of cells as an aligned table with a header rule. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Milliseconds for people: `850ms`, `3.2s`, `4m10s`. */
export function humanMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${Math.round((ms - minutes * 60_000) / 1000)}s`;
}
