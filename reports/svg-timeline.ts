/**
 * The timeline as an SVG image: one row per lane (bold for the nodes the
 * broken check read), a thinner row for each timeline fact, the fault
 * windows shaded across every row and numbered, the violation as a red
 * line, and a time axis in units that suit the run. Every segment has a
 * tooltip with its state and times. No script, no external reference: the
 * same file is inlined in report.html and linked from report.md.
 */
import { formatT } from './labels.ts';
import type { ReportData, TimelineRow } from './report-data.ts';
import { charsThatFit, clip, px, stateColour, svgText } from './svg.ts';

const WIDTH = 1000;
const LABEL_WIDTH = 210;
const RIGHT_MARGIN = 16;
const PLOT_WIDTH = WIDTH - LABEL_WIDTH - RIGHT_MARGIN;
const HEADER = 34;
const ROW = 22;
const FACT_ROW = 16;
const GAP = 4;
const LEGEND_LINE = 16;
const FAULT_FILL = '#fb8f44';
const VIOLATION = '#cf222e';

export function timelineSvg(data: ReportData): string {
  const { timeline, slice } = data;
  const endMs = Math.max(1, timeline.endMs);
  const x = (t: number): number => LABEL_WIDTH + (Math.min(t, endMs) / endMs) * PLOT_WIDTH;
  const focusLanes = new Set(slice.lanes.filter((l) => l.focus).map((l) => l.id));

  let y = HEADER;
  const rows: string[] = [];
  for (const row of timeline.rows) {
    const height = row.kind === 'fact' ? FACT_ROW : ROW;
    rows.push(rowSvg(row, y, height, x, row.kind !== 'fact' && focusLanes.has(row.lane)));
    y += height + GAP;
  }
  const plotBottom = y - GAP;
  const legend: string[] = [];
  let ly = plotBottom + 22;
  for (const f of timeline.faults) {
    const window = f.toMs > f.fromMs ? `${formatT(f.fromMs)} to ${formatT(f.toMs)}` : formatT(f.fromMs);
    legend.push(`<text x="${LABEL_WIDTH}" y="${ly}" class="legend"><tspan class="fault-number">F${f.number}</tspan> ${svgText(`${window}: ${f.text}`)}</text>`);
    ly += LEGEND_LINE;
  }
  legend.push(`<text x="${LABEL_WIDTH}" y="${ly}" class="legend"><tspan fill="${VIOLATION}" font-weight="bold">✗</tspan> ${svgText(`${formatT(data.violation.atMs)}: ${data.violation.invariant} broke`)}</text>`);
  const height = ly + 10;

  const grid = timeline.axis.ticks.map(
    (t) => `<line x1="${px(x(t.atMs))}" y1="${HEADER - 6}" x2="${px(x(t.atMs))}" y2="${plotBottom}" class="grid"/><text x="${px(x(t.atMs))}" y="14" class="tick">${svgText(t.label)}</text>`,
  );
  const faults = timeline.faults.map((f) => {
    const x0 = x(f.fromMs);
    const label = `<text x="${px(x0 + 3)}" y="${HEADER - 9}" class="fault-number">F${f.number}</text>`;
    const title = `<title>${svgText(`F${f.number}: ${f.text}`)}</title>`;
    if (f.toMs <= f.fromMs) return `<g><line x1="${px(x0)}" y1="${HEADER - 6}" x2="${px(x0)}" y2="${plotBottom}" stroke="${FAULT_FILL}" stroke-width="2" stroke-dasharray="4 3">${title}</line>${label}</g>`;
    return `<g><rect x="${px(x0)}" y="${HEADER - 6}" width="${px(Math.max(2, x(f.toMs) - x0))}" height="${px(plotBottom - HEADER + 6)}" fill="${FAULT_FILL}" fill-opacity="0.22">${title}</rect>${label}</g>`;
  });
  const vx = px(x(timeline.violationAtMs));
  const violation = `<g><line x1="${vx}" y1="${HEADER - 10}" x2="${vx}" y2="${plotBottom + 4}" stroke="${VIOLATION}" stroke-width="2"><title>${svgText(`${formatT(data.violation.atMs)}: ${data.violation.invariant} broke`)}</title></line><text x="${vx}" y="${HEADER - 12}" class="violation">✗</text></g>`;

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${svgText(`Timeline of ${data.scenario.id}`)}">`,
    '<style>text{font:11px system-ui,-apple-system,"Segoe UI",sans-serif;fill:#1f2328}.tick{text-anchor:middle;fill:#57606a}.grid{stroke:#d0d7de;stroke-width:1}.label{text-anchor:end}.focus{font-weight:bold}.fact{fill:#57606a;font-style:italic}.seg{font-size:10px;pointer-events:none}.down{fill:#8c959f}.fault-number{font-weight:bold;fill:#bc4c00}.violation{fill:#cf222e;font-weight:bold;font-size:13px;text-anchor:middle}.legend{fill:#1f2328}</style>',
    '<defs><pattern id="busy" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="4" height="4" fill="#eaeef2"/><line x1="0" y1="0" x2="0" y2="4" stroke="#6e7781" stroke-width="1.5"/></pattern></defs>',
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...grid,
    ...rows,
    ...faults,
    violation,
    ...legend,
    '</svg>',
  ].join('\n');
}

function rowSvg(row: TimelineRow, y: number, height: number, x: (t: number) => number, focus: boolean): string {
  const cls = row.kind === 'fact' ? 'label fact' : focus ? 'label focus' : 'label';
  const label = `<g><title>${svgText(row.label)}</title><text x="${LABEL_WIDTH - 8}" y="${px(y + height / 2 + 4)}" class="${cls}">${svgText(clip(row.label, 34))}</text></g>`;
  const segments = row.segments.map((s) => {
    const x0 = x(s.fromMs);
    const width = Math.max(1, x(s.toMs) - x0);
    const busy = s.state === '' && s.changes > 0;
    const name = busy ? `${s.changes} changes` : row.kind === 'group' ? `mostly ${s.state}` : s.state;
    const fill = busy ? 'url(#busy)' : stateColour(s.state);
    const title = `<title>${svgText(`${row.label}: ${name}, ${formatT(s.fromMs)} to ${formatT(s.toMs)}`)}</title>`;
    const text = clip(name, charsThatFit(width));
    const inner = text === '' ? '' : `<text x="${px(x0 + 3)}" y="${px(y + height / 2 + 3.5)}" class="seg${s.state === 'down' ? ' down' : ''}">${svgText(text)}</text>`;
    return `<g><rect x="${px(x0)}" y="${y}" width="${px(width)}" height="${height}" fill="${fill}" stroke="#ffffff" stroke-width="0.5">${title}</rect>${inner}</g>`;
  });
  return [label, ...segments].join('\n');
}
