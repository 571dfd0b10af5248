/**
 * The HTML report: one file that reads offline. The timeline and series
 * are inline SVG; the sequence diagram is drawn by Mermaid, loaded from the
 * output folder's shared copy (`assets/mermaid.min.js`, written once per
 * folder by `finding-files.ts`), so a report stays small and still needs no
 * network. Without that file the diagram shows as its source and says why.
 * Every string from a model or a scenario is HTML-escaped after its
 * bidirectional and control characters are made visible, and Mermaid runs
 * with `securityLevel: 'strict'`.
 */
import { describeOutcome } from '../sim/kernel/outcome.ts';
import { formatT } from './labels.ts';
import { sequenceDiagram } from './mermaid.ts';
import { narrativeLines } from './narrative.ts';
import { neutralise } from './neutral-text.ts';
import type { CauseLine, ReportData } from './report-data.ts';
import { describeSlice, seriesRows } from './report-text.ts';
import { seriesSvg } from './svg-series.ts';
import { timelineSvg } from './svg-timeline.ts';

/** Where a finding's report.html finds Mermaid: `<out>/findings/<finding>/` → `<out>/assets/`. */
export const MERMAID_FROM_FINDING = '../../assets/mermaid.min.js';

/** Escapes text for HTML content and attribute values. */
export function html(text: string): string {
  return neutralise(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; max-width: 76rem; margin: 1.5rem auto; padding: 0 1rem; color: #1f2328; }
h1 { font-size: 1.45rem; margin-bottom: .6rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; }
.verdict { background: #fff1f0; border-left: 4px solid #cf222e; padding: .5rem 1rem; margin: .5rem 0; }
.verdict.held { background: #f0fff4; border-left-color: #1a7f37; }
.cause { background: #fff8c5; border-left: 4px solid #bf8700; padding: .5rem 1rem; margin: .5rem 0; }
.cause table { width: 100%; table-layout: fixed; font-size: 13px; background: #fff; }
.cause th:first-child, .cause td:first-child { width: 3.5rem; }
.cause td, ol.narrative li { overflow-wrap: anywhere; }
.cause td.shared { color: #57606a; }
pre.cmd { background: #f6f8fa; padding: .5rem 1rem; overflow-x: auto; margin: .3rem 0; }
table { border-collapse: collapse; margin: .5rem 0; } td, th { border: 1px solid #d0d7de; padding: .2rem .5rem; text-align: left; vertical-align: top; }
.note { color: #57606a; font-style: italic; }
ol.narrative { padding-left: 1.2rem; font-size: 14px; } ol.narrative li { margin: .05rem 0; }
li.fault { font-weight: 600; color: #bc4c00; } li.step { background: #ffebe9; } li.repeat { color: #57606a; } li.cut { color: #57606a; font-style: italic; } li.violation { color: #cf222e; }
code { background: #f6f8fa; padding: 0 .25rem; }
.diagram { overflow-x: auto; }
`;

export function renderHtml(data: ReportData, mermaidSrc = MERMAID_FROM_FINDING): string {
  const body: string[] = [];
  body.push(`<h1>${html(data.title)}</h1>`);
  body.push(`<p class="verdict">${html(data.verdict)}</p>`);
  body.push(`<div class="cause" id="cause"><p><strong>Cause:</strong> ${html(data.cause.sentence)}</p>${bothSides(data)}</div>`);
  body.push(`<p>Replay:</p><pre class="cmd">${html(data.replayCommand)}</pre>`);
  body.push('<h2>Minimal fault plan</h2>');
  body.push(`<p>${data.plan.oneMinimal ? 'This plan is 1-minimal: removing any one fault makes the run pass.' : 'This plan was not confirmed 1-minimal.'}</p>`);
  body.push('<table><tr><th>#</th><th>at</th><th>kind</th><th>fault</th></tr>');
  data.plan.faults.forEach((f, i) => body.push(`<tr><td>${i + 1}</td><td>${formatT(f.atMs)}</td><td>${html(f.kind)}</td><td>${html(f.description)}</td></tr>`));
  if (data.plan.faults.length === 0) body.push('<tr><td>-</td><td>-</td><td>-</td><td>no faults: the bug needs none</td></tr>');
  body.push('</table>');

  body.push('<h2>Timeline</h2>');
  body.push(`<div class="diagram" id="timeline">${timelineSvg(data)}</div>`);

  // What the scenario is, after the pictures: the first screen is for what broke and why.
  body.push(`<p>Scenario <strong>${html(data.scenario.id)}</strong>: ${html(data.scenario.title)}. ${html(data.scenario.description)}</p>`);
  if (data.scenario.incident !== null) {
    body.push(`<p>Source: <code>${html(data.scenario.incident)}</code>. ${data.scenario.figures.map(html).join('; ')}</p>`);
  }
  body.push(`<p>Fingerprint <code>${html(data.fingerprint.id)}</code>: ${html(data.fingerprint.text)} (found in ${data.fingerprint.count} runs); variant <code>${html(data.variant)}</code>, seed ${data.seed}.</p>`);

  body.push('<h2>What happened</h2>');
  body.push(`<p class="note">${html(describeSlice(data))}</p>`);
  body.push('<ol class="narrative">');
  for (const line of narrativeLines(data)) {
    const mark = line.style === 'repeat' ? '⟳ ' : '';
    const tail = line.style === 'step' ? ' ← <em>the violating step</em>' : '';
    body.push(`<li class="${line.style}">${line.when}: ${mark}${html(line.text)}${tail}</li>`);
  }
  body.push(`<li class="violation">${formatT(data.violation.atMs)}: <strong>✗ ${html(data.violation.invariant)} broke</strong>: ${html(data.violation.detail)}</li>`);
  body.push('</ol>');

  body.push('<h2>Messages in the causal slice</h2>');
  body.push('<p class="note" id="no-mermaid" hidden>Mermaid was not found beside this report (assets/mermaid.min.js two folders up), so the diagram is shown as its source.</p>');
  body.push(`<div class="diagram" id="sequence"><pre class="mermaid">${html(sequenceDiagram(data))}</pre></div>`);

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
    body.push(`<p>The minimal plan run to the end on ${data.series.lines.map((l) => `<code>${html(l.variant)}</code>`).join(' and ')}, invariants off.</p>`);
    body.push(`<div class="diagram" id="series">${seriesSvg(data.series)}</div>`);
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
  body.push(
    `<p><a href="${html(data.trace.file)}">${html(data.trace.file)}</a> holds the run in the Chrome trace-event format: open it in <a href="https://ui.perfetto.dev">ui.perfetto.dev</a> (or chrome://tracing) for one track per node, states as slices and messages as arrows.${data.trace.fileCut > 0 ? ` It leaves out the first ${data.trace.fileCut} records; the replay has them all.` : ''}</p>`,
  );
  return page(data.title, body.join('\n'), mermaidSrc);
}

function bothSides(data: ReportData): string {
  const { cause } = data;
  if (cause.shared.length + cause.buggy.length + cause.fixed.length === 0) return '';
  const cell = (l: CauseLine | undefined, cls = ''): string => `<td${cls === '' ? '' : ` class="${cls}"`}>${l === undefined ? '' : `${formatT(l.atMs)} ${html(l.text)}`}</td>`;
  const rows = [`<table><tr><th></th><th>this run (${html(data.variant)})</th><th>${html(data.fixed?.variant ?? 'fixed')}, same seed and plan</th></tr>`];
  for (const l of cause.shared) rows.push(`<tr><td>both</td>${cell(l, 'shared')}${cell(l, 'shared')}</tr>`);
  const n = Math.max(cause.buggy.length, cause.fixed.length);
  for (let k = 0; k < n; k++) rows.push(`<tr><td>${k === 0 ? '<strong>here</strong>' : 'then'}</td>${cell(cause.buggy[k])}${cell(cause.fixed[k])}</tr>`);
  rows.push('</table>');
  return rows.join('');
}

/**
 * A complete HTML document. With `mermaidSrc`, Mermaid is loaded from that
 * relative path and draws the page's `pre.mermaid` blocks.
 */
export function page(title: string, body: string, mermaidSrc?: string): string {
  const scripts =
    mermaidSrc === undefined
      ? ''
      : `<script src="${html(mermaidSrc)}"></script>
<script>if (typeof mermaid === 'undefined') { document.getElementById('no-mermaid').hidden = false; } else { mermaid.initialize({ startOnLoad: true, securityLevel: 'strict', theme: 'neutral', sequence: { mirrorActors: false, wrap: false } }); }</script>
`;
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
