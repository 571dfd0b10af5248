/**
 * The Markdown report: renders on a code host with no plugins (tables and
 * Mermaid blocks). Opens with what broke and the command that replays it.
 */
import { describeOutcome } from '../sim/kernel/outcome.ts';
import { formatT } from './narrative.ts';
import { sequenceDiagram, seriesChart, seriesRows, stateGantt } from './mermaid.ts';
import type { ReportData } from './report-data.ts';

/** Text safe in Markdown prose and table cells: no markup, no HTML, no column breaks. */
export function md(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

export function renderMarkdown(data: ReportData): string {
  const out: string[] = [];
  out.push(`# ${md(data.title)}`, '');
  out.push(`**Verdict:** ${md(data.verdict)}`, '');
  out.push('**Replay:**', '', '```sh', data.replayCommand, '```', '');
  out.push(`Scenario **${md(data.scenario.id)}**: ${md(data.scenario.title)}. ${md(data.scenario.description)}`, '');
  if (data.scenario.incident !== null) {
    const figures = data.scenario.figures.length > 0 ? ` Figures: ${data.scenario.figures.map(md).join('; ')}.` : '';
    out.push(`Source: \`${md(data.scenario.incident)}\`.${figures}`, '');
  }
  out.push(`Fingerprint \`${data.fingerprint.id}\`: ${md(data.fingerprint.text)} (found in ${data.fingerprint.count} run${data.fingerprint.count === 1 ? '' : 's'}); variant \`${md(data.variant)}\`, seed ${data.seed}.`, '');

  out.push('## Minimal fault plan', '');
  out.push(data.plan.oneMinimal ? 'This plan is 1-minimal: removing any one fault makes the run pass.' : 'This plan was not confirmed 1-minimal.', '');
  out.push('| # | at | kind | fault |', '|---|---|---|---|');
  data.plan.faults.forEach((f, i) => out.push(`| ${i + 1} | ${formatT(f.atMs)} | ${md(f.kind)} | ${md(f.description)} |`));
  if (data.plan.faults.length === 0) out.push('| - | - | - | no faults: the bug needs none |');
  out.push('');

  out.push('## What happened', '');
  if (data.narrative.cut > 0) out.push(`_${data.narrative.cut} earlier events of the causal slice are not shown; the full trace is in the replay._`, '');
  for (const line of data.narrative.lines) out.push(`- ${formatT(line.atMs)}: ${md(line.text)}`);
  out.push(`- ${formatT(data.violation.atMs)}: **${md(data.violation.invariant)} broke**: ${md(data.violation.detail)}`, '');

  out.push('## Messages in the causal slice', '');
  if (data.sequence.cut > 0) out.push(`_${data.sequence.cut} messages of the run outside the slice are not shown._`, '');
  out.push('```mermaid', sequenceDiagram(data), '```', '');

  out.push('## Actor states', '');
  const cutStates = data.timeline.actors.reduce((n, a) => n + a.cut, 0);
  if (cutStates > 0) out.push(`_${cutStates} earlier state intervals are not shown._`, '');
  out.push('```mermaid', stateGantt(data), '```', '');
  for (const actor of data.timeline.actors) {
    out.push(`- **${md(actor.node)}**: ${actor.intervals.map((i) => `${md(i.state)} (${formatT(i.fromMs)}–${formatT(i.toMs)})`).join(' → ') || 'no states'}`);
  }
  out.push('');

  out.push('## The invariant', '');
  out.push(`**${md(data.violation.invariant)}** (${md(data.violation.kind)}): ${md(data.violation.why)}`, '');
  out.push(`It broke at ${formatT(data.violation.atMs)}: ${md(data.violation.detail)}.`, '');
  const values = Object.keys(data.violation.values).sort();
  if (values.length > 0) {
    out.push('| value | at the violation |', '|---|---|');
    for (const key of values) out.push(`| ${md(key)} | ${md(JSON.stringify(data.violation.values[key]))} |`);
    out.push('');
  }

  out.push('## The same plan on the fixed variant', '');
  out.push(data.fixed === null ? 'This finding is on the fixed variant itself.' : `${md(data.fixed.verdict)} Outcome: ${md(describeOutcome(data.fixed.outcome))}.`, '');

  if (data.series !== null) {
    out.push(`## ${md(data.series.name[0]!.toUpperCase() + data.series.name.slice(1))}`, '');
    out.push(`The minimal plan run to the end on ${data.series.lines.map((l) => `\`${l.variant}\``).join(' and ')} (lines in that order), invariants off.`, '');
    out.push('```mermaid', seriesChart(data.series), '```', '');
    out.push(`| from | ${data.series.lines.map((l) => md(l.variant)).join(' | ')} |`, `|---|${data.series.lines.map(() => '---|').join('')}`);
    for (const row of seriesRows(data.series)) out.push(`| ${row.join(' | ')} |`);
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
  out.push(`Hash \`${data.trace.hash}\`, ${data.trace.records} records, ${data.trace.events} events, ${formatT(data.trace.simulatedMs).slice(2)} simulated.`, '');
  return out.join('\n');
}
