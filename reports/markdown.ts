/**
 * The Markdown report: renders on a code host with no plugins (tables, a
 * Mermaid block, and the timeline and series as SVG images beside it).
 * Opens with what broke, the cause in one sentence with both runs side by
 * side, and the command that replays it.
 */
import { describeOutcome } from '../sim/kernel/outcome.ts';
import { formatT } from './labels.ts';
import { sequenceDiagram } from './mermaid.ts';
import { narrativeLines } from './narrative.ts';
import { neutralise } from './neutral-text.ts';
import type { CauseLine, ReportData } from './report-data.ts';
import { describeSlice, seriesRows, timelineCaption } from './report-text.ts';

/** The timeline and series images written beside report.md (see finding-files.ts). */
export const TIMELINE_IMAGE = 'timeline.svg';
export const SERIES_IMAGE = 'series.svg';

/** Text safe in Markdown prose and table cells: no markup, no HTML, no column breaks. */
export function md(text: string): string {
  return neutralise(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

/**
 * A code span holding `text` literally. Inside backticks Markdown takes
 * everything as it is (no backslash escapes), so none are added: a text
 * with backticks gets a longer fence instead, padded with a space. In a
 * table cell a `|` still ends the cell, so there, and only there, it is
 * written `\|`, which GitHub's table parser turns back into `|`.
 */
export function code(text: string, inTable = false): string {
  let body = neutralise(text).replace(/\r?\n/g, ' ');
  if (inTable) body = body.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') || (body.startsWith(' ') && body.endsWith(' ') && body.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

export function renderMarkdown(data: ReportData): string {
  const out: string[] = [];
  out.push(`# ${md(data.title)}`, '');
  out.push(`**Verdict:** ${md(data.verdict)}`, '');
  out.push(`**Cause:** ${md(data.cause.sentence)}`, '');
  out.push(...bothSides(data), '');
  out.push('**Replay:**', '', '```sh', neutralise(data.replayCommand), '```', '');
  out.push('## Minimal fault plan', '');
  out.push(data.plan.oneMinimal ? 'This plan is 1-minimal: removing any one fault makes the run pass.' : 'This plan was not confirmed 1-minimal.', '');
  out.push('| # | at | kind | fault |', '|---|---|---|---|');
  data.plan.faults.forEach((f, i) => out.push(`| ${i + 1} | ${formatT(f.atMs)} | ${md(f.kind)} | ${md(f.description)} |`));
  if (data.plan.faults.length === 0) out.push('| - | - | - | no faults: the bug needs none |');
  out.push('');

  out.push('## Timeline', '');
  out.push(`![${md(timelineCaption(data))}](${TIMELINE_IMAGE})`, '');

  // What the scenario is, after the pictures: the first screen is for what broke and why.
  out.push(`Scenario **${md(data.scenario.id)}**: ${md(data.scenario.title)}. ${md(data.scenario.description)}`, '');
  if (data.scenario.incident !== null) {
    const figures = data.scenario.figures.length > 0 ? ` Figures: ${data.scenario.figures.map(md).join('; ')}.` : '';
    out.push(`Source: ${code(data.scenario.incident)}.${figures}`, '');
  }
  out.push(`Fingerprint ${code(data.fingerprint.id)}: ${md(data.fingerprint.text)} (found in ${data.fingerprint.count} run${data.fingerprint.count === 1 ? '' : 's'}); variant ${code(data.variant)}, seed ${data.seed}.`, '');

  out.push('## What happened', '');
  out.push(`_${md(describeSlice(data))}_`, '');
  for (const line of narrativeLines(data)) {
    const text = md(line.text);
    switch (line.style) {
      case 'fault':
        out.push(`- ${line.when}: **${text}**`);
        break;
      case 'step':
        out.push(`- ${line.when}: ${text} ← _the violating step_`);
        break;
      case 'repeat':
        out.push(`- ${line.when}: ⟳ _${text}_`);
        break;
      case 'cut':
        out.push(`- ${line.when}: _${text}_`);
        break;
      case 'plain':
        out.push(`- ${line.when}: ${text}`);
        break;
    }
  }
  out.push(`- ${formatT(data.violation.atMs)}: **✗ ${md(data.violation.invariant)} broke**: ${md(data.violation.detail)}`, '');

  out.push('## Messages in the causal slice', '');
  out.push('```mermaid', sequenceDiagram(data), '```', '');

  out.push('## The invariant', '');
  out.push(`**${md(data.violation.invariant)}** (${md(data.violation.kind)}): ${md(data.violation.why)}`, '');
  out.push(`It broke at ${formatT(data.violation.atMs)}: ${md(data.violation.detail)}.`, '');
  const values = Object.keys(data.violation.values).sort();
  if (values.length > 0) {
    out.push('| value | at the violation |', '|---|---|');
    for (const key of values) out.push(`| ${md(key)} | ${code(JSON.stringify(data.violation.values[key]), true)} |`);
    out.push('');
  }

  out.push('## The same plan on the fixed variant', '');
  out.push(data.fixed === null ? 'This finding is on the fixed variant itself.' : `${md(data.fixed.verdict)} Outcome: ${md(describeOutcome(data.fixed.outcome))}.`, '');

  if (data.series !== null) {
    out.push(`## ${md(data.series.name[0]!.toUpperCase() + data.series.name.slice(1))}`, '');
    out.push(`The minimal plan run to the end on ${data.series.lines.map((l) => code(l.variant)).join(' and ')}, invariants off.`, '');
    out.push(`![${md(data.series.name)}](${SERIES_IMAGE})`, '');
    out.push(`| from | ${data.series.lines.map((l) => md(l.variant)).join(' | ')} |`, `|---|${data.series.lines.map(() => '---|').join('')}`);
    for (const row of seriesRows(data.series)) out.push(`| ${row.map(md).join(' | ')} |`);
    out.push('');
  }

  if (data.campaign !== null) {
    const c = data.campaign;
    out.push('## Campaign', '');
    out.push('| campaign seed | runs | runs to first failure | simulated time | states reached | transitions reached |', '|---|---|---|---|---|---|');
    out.push(`| ${c.seed} | ${c.runs} | ${c.runsToFirstFailure ?? '-'} | ${formatT(c.simulatedMs).slice(2)} | ${c.statesReached} | ${c.transitionsReached} |`, '');
    const fired = Object.keys(c.faultsFired).sort();
    if (fired.length > 0) {
      out.push('| fault kind | fired |', '|---|---|');
      for (const kind of fired) out.push(`| ${md(kind)} | ${c.faultsFired[kind]} |`);
      out.push('');
    }
    for (const warning of c.warnings) out.push(`- warning: ${md(warning)}`);
    if (c.warnings.length > 0) out.push('');
    out.push('_Wall-clock figures (time to find, runs per second) are printed by `npm run sim`, not kept here, so a report is the same bytes on every machine._', '');
  }

  out.push('## Trace', '');
  out.push(`Hash ${code(data.trace.hash)}, ${data.trace.records} records, ${data.trace.events} events, ${formatT(data.trace.simulatedMs).slice(2)} simulated.`, '');
  out.push(`[${data.trace.file}](${data.trace.file}) holds the run in the Chrome trace-event format: open it in [ui.perfetto.dev](https://ui.perfetto.dev) (or chrome://tracing) for one track per node, states as slices and messages as arrows.${data.trace.fileCut > 0 ? ` It leaves out the first ${data.trace.fileCut} records; the replay has them all.` : ''}`, '');
  return out.join('\n');
}

/** The cause's two sides as a table: what the runs share, then each run's next records. */
function bothSides(data: ReportData): string[] {
  const { cause } = data;
  if (cause.shared.length + cause.buggy.length + cause.fixed.length === 0) return [];
  const cell = (l: CauseLine | undefined): string => (l === undefined ? '' : `${formatT(l.atMs)} ${md(l.text)}`);
  const rows = ['| | this run (' + md(data.variant) + ') | ' + md(data.fixed?.variant ?? 'fixed') + ', same seed and plan |', '|---|---|---|'];
  for (const l of cause.shared) rows.push(`| both | ${cell(l)} | ${cell(l)} |`);
  const n = Math.max(cause.buggy.length, cause.fixed.length);
  for (let k = 0; k < n; k++) rows.push(`| ${k === 0 ? '**here**' : 'then'} | ${cell(cause.buggy[k])} | ${cell(cause.fixed[k])} |`);
  return rows;
}
