/**
 * The narrative: the story told as one short line per item, which the
 * Markdown and HTML reports list. "t=3.200 s: client-b: holding → idle"
 * reads faster than a trace.
 */
import { formatT } from './labels.ts';
import type { ReportData, StoryItem } from './report-data.ts';

export { formatT } from './labels.ts';

export interface NarrativeLine {
  /** How a renderer may set the line apart. */
  readonly style: 'fault' | 'step' | 'repeat' | 'cut' | 'plain';
  readonly when: string;
  readonly text: string;
}

/** `t=12.000–70.400 s` */
export function formatSpan(fromMs: number, toMs: number): string {
  return fromMs === toMs ? formatT(fromMs) : `${formatT(fromMs).slice(0, -2)}–${(toMs / 1000).toFixed(3)} s`;
}

export function narrativeLines(data: ReportData): NarrativeLine[] {
  return data.story.items.map(lineOf);
}

function lineOf(item: StoryItem): NarrativeLine {
  switch (item.kind) {
    case 'event':
      return { style: item.what === 'fault' || item.what === 'heal' ? 'fault' : item.step ? 'step' : 'plain', when: formatT(item.atMs), text: item.text };
    case 'message': {
      const sent = item.fate === 'in flight' ? ', sent; still in flight at the violation' : item.sentAtMs === item.atMs ? '' : ` (sent ${formatT(item.sentAtMs)})`;
      const fate = item.fate === 'lost' ? `, lost${item.why === '' ? '' : ` (${item.why})`}` : '';
      return { style: item.step ? 'step' : 'plain', when: formatT(item.atMs), text: `${item.from} → ${item.to}: ${item.label}${fate}${sent}` };
    }
    case 'repeat':
      return { style: 'repeat', when: formatSpan(item.fromMs, item.toMs), text: item.text };
    case 'cut': {
      const what = Object.entries(item.what)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ');
      return { style: 'cut', when: formatSpan(item.fromMs, item.toMs), text: `⋯ ${item.count} events of the slice cut here (${what}); every record is in trace.json and the replay` };
    }
  }
}
