/**
 * The campaign index: every campaign of the last `npm run sim` and every
 * finding it made, with fingerprint, count and links to the reports.
 */
import { html, page } from './html.ts';
import { md } from './markdown.ts';

export interface IndexCampaign {
  readonly scenario: string;
  readonly variant: string;
  /** What the library expects of this variant, when run as the library. */
  readonly expected: 'fails' | 'holds' | null;
  readonly result: string;
  readonly seed: number;
  readonly runs: number;
  readonly runsToFirstFailure: number | null;
  readonly findings: readonly IndexFinding[];
}

export interface IndexFinding {
  readonly id: string;
  readonly fingerprint: string;
  readonly count: number;
  /** The report's folder, relative to the index. */
  readonly dir: string;
}

export function renderIndexMarkdown(campaigns: readonly IndexCampaign[]): string {
  const out = ['# Findings of the last run', ''];
  out.push('| scenario | variant | expected | result | seed | runs | runs to first failure |', '|---|---|---|---|---|---|---|');
  for (const c of campaigns) {
    out.push(`| ${md(c.scenario)} | ${md(c.variant)} | ${c.expected ?? '-'} | ${md(c.result)} | ${c.seed} | ${c.runs} | ${c.runsToFirstFailure ?? '-'} |`);
  }
  out.push('');
  const findings = campaigns.flatMap((c) => c.findings.map((f) => ({ c, f })));
  out.push('| fingerprint | scenario | variant | found in runs | finding | report |', '|---|---|---|---|---|---|');
  for (const { c, f } of findings) {
    out.push(`| \`${f.id}\` | ${md(c.scenario)} | ${md(c.variant)} | ${f.count} | ${md(f.fingerprint)} | [md](${f.dir}/report.md) · [html](${f.dir}/report.html) |`);
  }
  if (findings.length === 0) out.push('| - | - | - | - | no findings | - |');
  out.push('');
  return out.join('\n');
}

export function renderIndexHtml(campaigns: readonly IndexCampaign[]): string {
  const body = ['<h1>Findings of the last run</h1>', '<table><tr><th>scenario</th><th>variant</th><th>expected</th><th>result</th><th>seed</th><th>runs</th><th>runs to first failure</th></tr>'];
  for (const c of campaigns) {
    body.push(`<tr><td>${html(c.scenario)}</td><td>${html(c.variant)}</td><td>${c.expected ?? '-'}</td><td>${html(c.result)}</td><td>${c.seed}</td><td>${c.runs}</td><td>${c.runsToFirstFailure ?? '-'}</td></tr>`);
  }
  body.push('</table>', '<table><tr><th>fingerprint</th><th>scenario</th><th>variant</th><th>found in runs</th><th>finding</th><th>report</th></tr>');
  for (const c of campaigns) {
    for (const f of c.findings) {
      const dir = html(encodeURI(f.dir));
      body.push(`<tr><td><code>${html(f.id)}</code></td><td>${html(c.scenario)}</td><td>${html(c.variant)}</td><td>${f.count}</td><td>${html(f.fingerprint)}</td><td><a href="${dir}/report.html">html</a> · <a href="${dir}/report.md">md</a></td></tr>`);
    }
  }
  body.push('</table>');
  return page('Findings of the last run', body.join('\n'), false);
}
