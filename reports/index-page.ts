/**
 * The index of an output folder: every campaign written there and every
 * finding it made, with fingerprint, count and links to the reports.
 *
 * It accumulates. `index.json` beside `index.md` and `index.html` holds the
 * campaigns so far; each write merges the new campaigns into it, so a
 * buggy campaign followed by a fixed one (two commands, one `--out`) lists
 * both, and no finding written to the folder drops out of the index. A
 * campaign run again (same scenario, variant and seed) replaces its row,
 * and its findings join the ones listed before. Campaigns keep the order in
 * which they were first written.
 */
import { stableStringify } from '../sim/kernel/stable-json.ts';
import { html, page } from './html.ts';
import { code, md } from './markdown.ts';
import { jsonSafe } from './neutral-text.ts';

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

export interface IndexJson {
  readonly format: 'chaos-testbed/index';
  readonly version: 1;
  readonly campaigns: readonly IndexCampaign[];
}

export const INDEX_FILES = { json: 'index.json', markdown: 'index.md', html: 'index.html' } as const;

/**
 * The index files of a folder after adding `campaigns`, by name relative
 * to the folder.
 * @param previous the folder's `index.json` as it is, if there is one; one
 *   that is not an index (corrupt, another format) is replaced, and the
 *   returned warning says so
 */
export function indexFiles(previous: string | undefined, campaigns: readonly IndexCampaign[]): { files: Record<string, string>; warning?: string } {
  const { index, warning } = mergeIndex(previous, campaigns);
  const files = {
    [INDEX_FILES.json]: jsonSafe(stableStringify(index)) + '\n',
    [INDEX_FILES.markdown]: renderIndexMarkdown(index.campaigns),
    [INDEX_FILES.html]: renderIndexHtml(index.campaigns),
  };
  return warning === undefined ? { files } : { files, warning };
}

export function mergeIndex(previous: string | undefined, campaigns: readonly IndexCampaign[]): { index: IndexJson; warning?: string } {
  let earlier: readonly IndexCampaign[] = [];
  let warning: string | undefined;
  if (previous !== undefined) {
    const parsed = parseIndex(previous);
    if (parsed === undefined) warning = `${INDEX_FILES.json} was not an index of chaos-testbed; it is replaced by one of this run`;
    else earlier = parsed.campaigns;
  }
  const merged = [...earlier];
  for (const c of campaigns) {
    const at = merged.findIndex((m) => m.scenario === c.scenario && m.variant === c.variant && m.seed === c.seed);
    if (at < 0) {
      merged.push(c);
      continue;
    }
    const fresh = new Set(c.findings.map((f) => f.id));
    merged[at] = { ...c, findings: [...merged[at]!.findings.filter((f) => !fresh.has(f.id)), ...c.findings] };
  }
  const index: IndexJson = { format: 'chaos-testbed/index', version: 1, campaigns: merged };
  return warning === undefined ? { index } : { index, warning };
}

function parseIndex(text: string): IndexJson | undefined {
  try {
    const value = JSON.parse(text) as Partial<IndexJson>;
    if (value.format !== 'chaos-testbed/index' || value.version !== 1 || !Array.isArray(value.campaigns)) return undefined;
    const wellFormed = value.campaigns.every(
      (c) =>
        typeof c === 'object' && c !== null && typeof c.scenario === 'string' && typeof c.variant === 'string' && typeof c.seed === 'number' && Array.isArray(c.findings) &&
        (c.findings as unknown[]).every((f: unknown) => typeof f === 'object' && f !== null && typeof (f as IndexFinding).id === 'string' && typeof (f as IndexFinding).dir === 'string'),
    );
    return wellFormed ? (value as IndexJson) : undefined;
  } catch {
    return undefined;
  }
}

export function renderIndexMarkdown(campaigns: readonly IndexCampaign[]): string {
  const out = ['# Findings', ''];
  out.push('| scenario | variant | expected | result | seed | runs | runs to first failure |', '|---|---|---|---|---|---|---|');
  for (const c of campaigns) {
    out.push(`| ${md(c.scenario)} | ${md(c.variant)} | ${c.expected ?? '-'} | ${md(c.result)} | ${c.seed} | ${c.runs} | ${c.runsToFirstFailure ?? '-'} |`);
  }
  out.push('');
  const findings = campaigns.flatMap((c) => c.findings.map((f) => ({ c, f })));
  out.push('| fingerprint | scenario | variant | found in runs | finding | report |', '|---|---|---|---|---|---|');
  for (const { c, f } of findings) {
    const dir = encodeURI(f.dir);
    out.push(`| ${code(f.id, true)} | ${md(c.scenario)} | ${md(c.variant)} | ${f.count} | ${md(f.fingerprint)} | [md](${dir}/report.md) · [html](${dir}/report.html) · [trace](${dir}/trace.json) |`);
  }
  if (findings.length === 0) out.push('| - | - | - | - | no findings | - |');
  out.push('');
  return out.join('\n');
}

export function renderIndexHtml(campaigns: readonly IndexCampaign[]): string {
  const body = ['<h1>Findings</h1>', '<table><tr><th>scenario</th><th>variant</th><th>expected</th><th>result</th><th>seed</th><th>runs</th><th>runs to first failure</th></tr>'];
  for (const c of campaigns) {
    body.push(`<tr><td>${html(c.scenario)}</td><td>${html(c.variant)}</td><td>${c.expected ?? '-'}</td><td>${html(c.result)}</td><td>${c.seed}</td><td>${c.runs}</td><td>${c.runsToFirstFailure ?? '-'}</td></tr>`);
  }
  body.push('</table>', '<table><tr><th>fingerprint</th><th>scenario</th><th>variant</th><th>found in runs</th><th>finding</th><th>report</th></tr>');
  for (const c of campaigns) {
    for (const f of c.findings) {
      const dir = html(encodeURI(f.dir));
      body.push(
        `<tr><td><code>${html(f.id)}</code></td><td>${html(c.scenario)}</td><td>${html(c.variant)}</td><td>${f.count}</td><td>${html(f.fingerprint)}</td><td><a href="${dir}/report.html">html</a> · <a href="${dir}/report.md">md</a> · <a href="${dir}/trace.json">trace</a></td></tr>`,
      );
    }
  }
  body.push('</table>');
  return page('Findings', body.join('\n'));
}
