/**
 * A scenario's series as an SVG line chart: one line per variant, each with
 * its own colour, dash and marker, so that two equal lines are still both
 * visible (the finding's line is drawn thick underneath, the fixed one thin
 * and dashed on top), a legend, and the axes labelled.
 */
import type { ReportSeries } from './report-data.ts';
import { px, svgText } from './svg.ts';
import { formatDuration } from './time-axis.ts';

const WIDTH = 820;
const HEIGHT = 300;
const LEFT = 56;
const RIGHT = 20;
const TOP = 44;
const BOTTOM = 46;

/** Finding's variant first, the fixed one second (as `series.lines` are ordered). */
const STYLES = [
  { colour: '#cf222e', width: 4, dash: '', marker: 'circle' },
  { colour: '#0969da', width: 2, dash: '6 4', marker: 'square' },
  { colour: '#8250df', width: 2, dash: '2 3', marker: 'diamond' },
] as const;

export function seriesSvg(series: ReportSeries): string {
  const buckets = Math.max(1, series.lines[0]?.counts.length ?? 1);
  const max = niceMax(Math.max(1, ...series.lines.flatMap((l) => l.counts)));
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const x = (i: number): number => LEFT + (buckets === 1 ? plotW / 2 : (i / (buckets - 1)) * plotW);
  const y = (v: number): number => TOP + plotH - (v / max) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${svgText(series.name)}">`,
    '<style>text{font:11px system-ui,-apple-system,"Segoe UI",sans-serif;fill:#1f2328}.axis{stroke:#8c959f}.grid{stroke:#d0d7de}.tick{fill:#57606a}.title{font-size:13px;font-weight:bold}</style>',
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="18" class="title">${svgText(series.name)}</text>`,
  ];
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4;
    out.push(`<line x1="${LEFT}" y1="${px(y(v))}" x2="${WIDTH - RIGHT}" y2="${px(y(v))}" class="grid"/><text x="${LEFT - 6}" y="${px(y(v) + 4)}" text-anchor="end" class="tick">${px(v)}</text>`);
  }
  const every = Math.max(1, Math.ceil(buckets / 12));
  for (let i = 0; i < buckets; i += every) {
    out.push(`<text x="${px(x(i))}" y="${TOP + plotH + 16}" text-anchor="middle" class="tick">${svgText(formatDuration(i * series.bucketMs))}</text>`);
  }
  out.push(`<text x="${LEFT + plotW / 2}" y="${HEIGHT - 8}" text-anchor="middle" class="tick">${svgText(`start of each bucket of ${formatDuration(series.bucketMs)}`)}</text>`);
  out.push(`<line x1="${LEFT}" y1="${TOP + plotH}" x2="${WIDTH - RIGHT}" y2="${TOP + plotH}" class="axis"/><line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${TOP + plotH}" class="axis"/>`);
  series.lines.forEach((line, n) => {
    const style = STYLES[Math.min(n, STYLES.length - 1)]!;
    const points = line.counts.map((c, i) => `${px(x(i))},${px(y(c))}`).join(' ');
    out.push(`<polyline points="${points}" fill="none" stroke="${style.colour}" stroke-width="${style.width}" stroke-linejoin="round"${style.dash === '' ? '' : ` stroke-dasharray="${style.dash}"`}/>`);
    line.counts.forEach((c, i) => out.push(marker(style.marker, x(i), y(c), style.colour, `${line.variant}: ${c} (from ${formatDuration(i * series.bucketMs)})`)));
  });
  // The legend, top right: a sample of each line with its variant.
  series.lines.forEach((line, n) => {
    const style = STYLES[Math.min(n, STYLES.length - 1)]!;
    const lx = WIDTH - RIGHT - 150;
    const ly = 14 + n * 16;
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 28}" y2="${ly}" stroke="${style.colour}" stroke-width="${style.width}"${style.dash === '' ? '' : ` stroke-dasharray="${style.dash}"`}/>`,
      marker(style.marker, lx + 14, ly, style.colour, line.variant),
      `<text x="${lx + 36}" y="${ly + 4}">${svgText(line.variant)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}

function marker(shape: (typeof STYLES)[number]['marker'], cx: number, cy: number, colour: string, title: string): string {
  const t = `<title>${svgText(title)}</title>`;
  switch (shape) {
    case 'circle':
      return `<circle cx="${px(cx)}" cy="${px(cy)}" r="4.5" fill="${colour}">${t}</circle>`;
    case 'square':
      return `<rect x="${px(cx - 3.5)}" y="${px(cy - 3.5)}" width="7" height="7" fill="#ffffff" stroke="${colour}" stroke-width="2">${t}</rect>`;
    case 'diamond':
      return `<path d="M${px(cx)} ${px(cy - 4.5)}L${px(cx + 4.5)} ${px(cy)}L${px(cx)} ${px(cy + 4.5)}L${px(cx - 4.5)} ${px(cy)}Z" fill="${colour}">${t}</path>`;
  }
}

/** The axis maximum: 1, 2 or 5 × a power of ten at or above `n`. */
function niceMax(n: number): number {
  const p = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= n)!;
}
