/**
 * Mermaid sources for the two diagrams of a report: a sequence diagram of
 * the causal slice's messages, and a Gantt chart of each actor's states.
 * Every string from a model passes through {@link mermaidText}, so no node
 * name or message can break the diagram's syntax or inject markup.
 */
import { formatT } from './narrative.ts';
import type { ReportData } from './report-data.ts';

/** Longest label drawn; the full text is in the narrative and the JSON. */
const LABEL_MAX = 80;

/**
 * Text safe inside a Mermaid label: letters, digits and plain punctuation
 * pass; anything else becomes a Mermaid entity (`#35;`), which Mermaid draws
 * as the character and never parses as syntax or HTML.
 */
export function mermaidText(text: string, max = LABEL_MAX): string {
  return encode(text, max, /[A-Za-z0-9 _.,/()[\]{}=+*@!?'-]/);
}

/** Message text may also keep `:` and `"`: after the arrow's colon, they are plain text. */
function messageText(text: string): string {
  return encode(text, LABEL_MAX, /[A-Za-z0-9 _.,/()[\]{}=+*@!?'":-]/);
}

function encode(text: string, max: number, plain: RegExp): string {
  const short = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  let out = '';
  for (const ch of short) out += plain.test(ch) ? ch : `#${ch.codePointAt(0)};`;
  return out;
}

/** A Gantt section or task name: like any label, and never empty. */
function ganttName(text: string): string {
  return mermaidText(text.replace(/\s+/g, ' ').trim()) || '(unnamed)';
}

export function sequenceDiagram(data: ReportData): string {
  const { participants, messages } = data.sequence;
  const alias = new Map(participants.map((p, i) => [p, `P${i}`]));
  const lines = ['sequenceDiagram'];
  for (const p of participants) lines.push(`  participant ${alias.get(p)} as ${mermaidText(p, 40)}`);
  const faults = data.narrative.lines.filter((l) => l.text.startsWith('fault '));
  let f = 0;
  for (const m of messages) {
    while (f < faults.length && faults[f]!.atMs <= m.atMs) lines.push(noteFor(faults[f++]!, participants, alias));
    const arrow = m.lost ? '--x' : '->>';
    lines.push(`  ${alias.get(m.from)}${arrow}${alias.get(m.to)}: ${messageText(`${formatT(m.atMs)} ${m.label}`)}`);
  }
  while (f < faults.length) lines.push(noteFor(faults[f++]!, participants, alias));
  if (messages.length === 0 && faults.length === 0 && participants.length > 0) lines.push(`  Note over ${alias.get(participants[0]!)}: no messages in the slice`);
  return lines.join('\n');
}

function noteFor(fault: { atMs: number; text: string }, participants: readonly string[], alias: Map<string, string>): string {
  const over = participants.filter((p) => new RegExp(`(^|[^\\w-])${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w-])`).test(fault.text));
  const targets = (over.length > 0 ? over.slice(0, 2) : participants.slice(0, 1)).map((p) => alias.get(p)).join(',');
  return `  Note over ${targets}: ${messageText(`${formatT(fault.atMs)} ${fault.text}`)}`;
}

export function stateGantt(data: ReportData): string {
  const lines = ['gantt', '  dateFormat x', '  axisFormat %M:%S', `  title ${ganttName('actor states over virtual time (minutes and seconds)')}`];
  for (const actor of data.timeline.actors) {
    lines.push(`  section ${ganttName(actor.node)}`);
    for (const interval of actor.intervals) lines.push(`  ${ganttName(interval.state)} :${interval.fromMs}, ${interval.toMs}`);
    if (actor.intervals.length === 0) lines.push(`  (no state) :0, 1`);
  }
  return lines.join('\n');
}

/** The scenario's series as a line chart, one line per variant (in the order of `data.series.lines`). */
export function seriesChart(series: NonNullable<ReportData['series']>): string {
  const buckets = series.lines[0]?.counts.length ?? 0;
  const max = Math.max(1, ...series.lines.flatMap((l) => l.counts));
  const lines = [
    'xychart-beta',
    `  title "${mermaidText(`${series.name} (${series.lines.map((l) => l.variant).join(' vs ')})`)}"`,
    `  x-axis "bucket of ${series.bucketMs / 1000} s" [${Array.from({ length: buckets }, (_, i) => i + 1).join(', ')}]`,
    `  y-axis "count" 0 --> ${max}`,
  ];
  for (const line of series.lines) lines.push(`  line [${line.counts.join(', ')}]`);
  return lines.join('\n');
}

/** The series as table rows: bucket start, then one count per variant. */
export function seriesRows(series: NonNullable<ReportData['series']>): string[][] {
  const buckets = series.lines[0]?.counts.length ?? 0;
  return Array.from({ length: buckets }, (_, i) => [`${(i * series.bucketMs) / 1000} s`, ...series.lines.map((l) => String(l.counts[i]))]);
}
