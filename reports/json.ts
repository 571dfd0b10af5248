/**
 * The JSON report: the same content as the others, for tools, with keys
 * sorted at every level so that the same finding is the same bytes, and
 * bidirectional and control characters written as `\u` escapes (the value
 * is unchanged; an editor showing the file shows the escape).
 */
import { stableStringify } from '../sim/kernel/stable-json.ts';
import { jsonSafe } from './neutral-text.ts';
import type { ReportData } from './report-data.ts';

export function renderJson(data: ReportData): string {
  return jsonSafe(stableStringify(data)) + '\n';
}
