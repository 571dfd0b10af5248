/**
 * The HTML report: one self-contained file that reads offline. Mermaid comes
 * from npm and is inlined, so the diagrams are drawn in the browser with no
 * network; every string from a model or a scenario is HTML-escaped, and
 * Mermaid runs with `securityLevel: 'strict'`.
 */
import { readFileSync } from 'node:fs';
import { describeOutcome } from '../sim/kernel/outcome.ts';
import { formatT } from './narrative.ts';
import { mermaidBundlePath } from './mermaid-bundle.ts';
import { sequenceDiagram, seriesChart, seriesRows, stateGantt } from './mermaid.ts';
import type { ReportData } from './report-data.ts';

/** Escapes text for HTML content and attribute values. */
export function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

let mermaidBundle: string | undefined;

/** Mermaid's browser bundle, made safe to sit inside a script element. */
function mermaidScript(): string {
  if (mermaidBundle === undefined) {
    mermaidBundle = readFileSync(mermaidBundlePath(), 'utf8').replace(/<\/(script)/gi, '<\\/$1');
  }
  return mermaidBundle;
}

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; }
.verdict { background: #fff1f0; border-left: 4px solid #cf222e; padding: .6rem 1rem; }
.verdict.held { background: #f0fff4; border-left-color: #1a7f37; }
pre.cmd { background: #f6f8fa; padding: .6rem 1rem; overflow-x: auto; }
table { border-collapse: collapse; margin: .5rem 0; } td, th { border: 1px solid #d0d7de; padding: .25rem .6rem; text-align: left; vertical-align: top; }
.note { color: #57606a; font-style: italic; }
ol.narrative { padding-left: 1.2rem; } ol.narrative li { margin: .1rem 0; }
code { background: #f6f8fa; padding: 0 .25rem; }
.diagram { overflow-x: auto; }
`;

export function renderHtml(data: ReportData): string {
  const body: string[] = [];
  body.push(`<h1>${html(data.title)}</h1>`);
  body.push(`<p class="verdict">${html(data.verdict)}</p>`);
  body.push(`<p>Replay:</p><pre class="cmd">${html(data.replayCommand)}</pre>`);
  body.push(`<p>Scenario <strong>${html(data.scenario.id)}</strong>: ${html(data.scenario.title)}. ${html(data.scenario.description)}</p>`);
  if (data.scenario.incident !== null) {
    body.push(`<p>Source: <code>${html(data.scenario.incident)}</code>. ${data.scenario.figures.map(html).join('; ')}</p>`);
  }
  body.push(`<p>Fingerprint <code>${html(data.fingerprint.id)}</code>: ${html(data.fingerprint.text)} (found in ${data.fingerprint.count} runs); variant <code>${html(data.variant)}</code>, seed ${data.seed}.</p>`);

  body.push('<h2>Minimal fault plan</h2>');
  body.push(`<p>${data.plan.oneMinimal ? 'This plan is 1-minimal: removing any one fault makes the run pass.' : 'This plan was not confirmed 1-minimal.'}</p>`);
  body.push('<table><tr><th>#</th><th>at</th><th>kind</th><th>fault</th></tr>');
  data.plan.faults.forEach((f, i) => body.push(`<tr><td>${i + 1}</td><td>${formatT(f.atMs)}</td><td>${html(f.kind)}</td><td>${html(f.description)}</td></tr>`));
  body.push('</table>');

  body.push('<h2>What happened</h2>');
  if (data.narrative.cut > 0) body.push(`<p class="note">${data.narrative.cut} earlier events of the causal slice are not shown; the full trace is in the replay.</p>`);
  body.push('<ol class="narrative">');
  for (const line of data.narrative.lines) body.push(`<li>${formatT(line.atMs)}: ${html(line.text)}</li>`);
  body.push(`<li>${formatT(data.violation.atMs)}: <strong>${html(data.violation.invariant)} broke</strong>: ${html(data.violation.detail)}</li>`);
  body.push('</ol>');

  body.push('<h2>Messages in the causal slice</h2>');
  if (data.sequence.cut > 0) body.push(`<p class="note">${data.sequence.cut} messages of the run outside the slice are not shown.</p>`);
  body.push(`<div class="diagram" id="sequence"><pre class="mermaid">${html(sequenceDiagram(data))}</pre></div>`);

  body.push('<h2>Actor states</h2>');
  body.push(`<div class="diagram" id="timeline"><pre class="mermaid">${html(stateGantt(data))}</pre></div>`);

  body.push('<h2>The invariant</h2>');
  body.push(`<p><strong>${html(data.violation.invariant)}</strong> (${html(data.violation.kind)}): ${html(data.violation.why)}</p>`);
  body.push(`<p>It broke at ${formatT(data.violation.atMs)}: ${html(data.violation.detail)}.</p>`);
  const values = Object.keys(data.violation.values).sort();
  if (values.length > 0) {
    body.push('<table><tr><th>value</th><th>at the violation</th></tr>');
    for (const key of values) body.push(`<tr><td>${html(key)}</td><td><code>${html(JSON.stringify(data.violation.values[key]))}</code></td></tr>`);
    body.push('</table>');
  }

  body.push('<h2>The same plan on the fixed variant</h2>');
  body.push(
    data.fixed === null
      ? '<p>This finding is on the fixed variant itself.</p>'
      : `<p class="verdict${data.fixed.outcome.kind === 'pass' ? ' held' : ''}">${html(data.fixed.verdict)} Outcome: ${html(describeOutcome(data.fixed.outcome))}.</p>`,
  );

  if (data.series !== null) {
    body.push(`<h2>${html(data.series.name[0]!.toUpperCase() + data.series.name.slice(1))}</h2>`);
    body.push(`<p>The minimal plan run to the end on ${data.series.lines.map((l) => `<code>${html(l.variant)}</code>`).join(' and ')} (lines in that order), invariants off.</p>`);
    body.push(`<div class="diagram" id="series"><pre class="mermaid">${html(seriesChart(data.series))}</pre></div>`);
    body.push(`<table><tr><th>from</th>${data.series.lines.map((l) => `<th>${html(l.variant)}</th>`).join('')}</tr>`);
    for (const row of seriesRows(data.series)) body.push(`<tr>${row.map((cell) => `<td>${html(cell)}</td>`).join('')}</tr>`);
    body.push('</table>');
  }

  if (data.campaign !== null) {
    const c = data.campaign;
    body.push('<h2>Campaign</h2>');
    body.push('<table><tr><th>campaign seed</th><th>runs</th><th>runs to first failure</th><th>simulated time</th><th>states reached</th><th>transitions reached</th></tr>');
    body.push(`<tr><td>${c.seed}</td><td>${c.runs}</td><td>${c.runsToFirstFailure ?? '-'}</td><td>${formatT(c.simulatedMs).slice(2)}</td><td>${c.statesReached}</td><td>${c.transitionsReached}</td></tr></table>`);
    const fired = Object.keys(c.faultsFired).sort();
    if (fired.length > 0) {
      body.push('<table><tr><th>fault kind</th><th>fired</th></tr>');
      for (const kind of fired) body.push(`<tr><td>${html(kind)}</td><td>${c.faultsFired[kind]}</td></tr>`);
      body.push('</table>');
    }
    for (const warning of c.warnings) body.push(`<p class="note">warning: ${html(warning)}</p>`);
  }

  body.push('<h2>Trace</h2>');
  body.push(`<p>Hash <code>${html(data.trace.hash)}</code>, ${data.trace.records} records, ${data.trace.events} events, ${formatT(data.trace.simulatedMs).slice(2)} simulated.</p>`);
  return page(data.title, body.join('\n'));
}

/** A complete HTML document, with Mermaid inlined when it has diagrams. */
export function page(title: string, body: string, diagrams = true): string {
  const scripts = diagrams
    ? `<script>${mermaidScript()}</script>
<script>mermaid.initialize({ startOnLoad: true, securityLevel: 'strict', theme: 'neutral', sequence: { mirrorActors: false }, gantt: { useWidth: 1100 } });</script>
`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
${scripts}</body>
</html>
`;
}
