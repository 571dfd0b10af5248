/**
 * Every file of a finding's report, as relative names and contents, and the
 * files an output folder shares. The command line (or anything else that
 * writes findings) only writes what these return:
 *
 * ```
 * <out>/assets/mermaid.min.js             outputAssets(), once per folder
 * <out>/findings/<finding>/report.md      findingFiles(input)
 *                         /report.html
 *                         /report.json
 *                         /trace.json     Chrome trace-event format
 *                         /timeline.svg   linked from report.md
 *                         /series.svg     when the scenario has a series
 * <out>/index.json, index.md, index.html  indexFiles() in index-page.ts
 * ```
 */
import { readFileSync } from 'node:fs';
import { mermaidBundlePath } from './mermaid-bundle.ts';
import { buildReport, type ReportInput } from './build-report.ts';
import { chromeTrace, TRACE_FILE } from './chrome-trace.ts';
import { MERMAID_FROM_FINDING, renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderMarkdown, SERIES_IMAGE, TIMELINE_IMAGE } from './markdown.ts';
import { seriesSvg } from './svg-series.ts';
import { timelineSvg } from './svg-timeline.ts';

/** Where an output folder keeps Mermaid, relative to the folder. */
export const MERMAID_ASSET = 'assets/mermaid.min.js';

/** A finding's files by name, relative to its report folder. */
export function findingFiles(input: ReportInput): Record<string, string> {
  const data = buildReport(input);
  const files: Record<string, string> = {
    'report.md': renderMarkdown(data),
    'report.html': renderHtml(data, MERMAID_FROM_FINDING),
    'report.json': renderJson(data),
    [TRACE_FILE]: chromeTrace({ trace: input.run.trace, title: `${input.scenario.id} ${input.variant} seed ${input.seed}`, endMs: input.run.simulatedMs }).text,
    [TIMELINE_IMAGE]: timelineSvg(data) + '\n',
  };
  if (data.series !== null) files[SERIES_IMAGE] = seriesSvg(data.series) + '\n';
  return files;
}

let mermaidBundle: string | undefined;

/** The files every output folder shares, by name relative to the folder: Mermaid's browser bundle. */
export function outputAssets(): Record<string, string> {
  mermaidBundle ??= readFileSync(mermaidBundlePath(), 'utf8');
  return { [MERMAID_ASSET]: mermaidBundle };
}
