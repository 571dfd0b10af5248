/**
 * The JSON report: the same content as the others, for tools, with keys
 * sorted at every level so that the same finding is the same bytes.
 */
import { stableStringify } from '../sim/kernel/stable-json.ts';
import type { ReportData } from './report-data.ts';

export function renderJson(data: ReportData): string {
  return stableStringify(data) + '\n';
}
