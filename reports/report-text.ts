/**
 * Sentences and rows that the Markdown and HTML reports both show, written
 * once so the two say the same thing.
 */
import type { ReportData, ReportSeries } from './report-data.ts';
import { formatDuration } from './time-axis.ts';

/** What the slice is and what it leaves out, in a sentence or two. */
export function describeSlice(data: ReportData): string {
  const s = data.slice;
  const from = s.focus.length === 0 ? 'the violation' : `${list(s.focus)} (${focusReason(s.focusFrom)})`;
  const leftOut =
    s.leftOut.count === 0
      ? 'No node was left out.'
      : `Left out, since nothing they did can have reached the check: ${list(s.leftOut.first)}${s.leftOut.count > s.leftOut.first.length ? ` and ${s.leftOut.count - s.leftOut.first.length} more` : ''}.`;
  const out = data.story.messagesOut === 0 ? '' : ` ${data.story.messagesOut} messages from the slice to nodes outside it are not shown.`;
  const cut = data.story.cut === 0 ? '' : ` ${data.story.cut} events are cut to keep this short, each cut marked where it was.`;
  return `The causal slice: what happened before the violation and could have influenced it, traced back from ${from} along every message. ${s.nodes} nodes, ${s.records} of ${data.trace.records} records. Repetition is folded into ⟳ lines. ${leftOut}${out}${cut}`;
}

function focusReason(from: ReportData['slice']['focusFrom']): string {
  switch (from) {
    case 'check reads':
      return 'the nodes the broken check read';
    case 'violation text':
      return 'the nodes the violation names';
    case 'last step':
      return 'the nodes that acted last';
    case 'every node':
      return 'every node';
  }
}

/** The timeline image's alternative text. */
export function timelineCaption(data: ReportData): string {
  const t = data.timeline;
  const faults = t.faults.length === 0 ? 'no faults' : `${t.faults.length} fault window${t.faults.length === 1 ? '' : 's'} shaded (F1…)`;
  return `Timeline of ${formatDuration(t.endMs)}: one row per lane (${t.rows.length} rows), ${faults}, the violation as a red line`;
}

/** The series as table rows: bucket start, then one count per variant. */
export function seriesRows(series: ReportSeries): string[][] {
  const buckets = series.lines[0]?.counts.length ?? 0;
  return Array.from({ length: buckets }, (_, i) => [formatDuration(i * series.bucketMs), ...series.lines.map((l) => String(l.counts[i]))]);
}

/** `a, b and c` */
export function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
