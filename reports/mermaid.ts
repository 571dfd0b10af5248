/**
 * The sequence diagram of a report's story, in Mermaid: one participant per
 * lane (at most twelve; the lanes the broken check read are boxed), the
 * story's messages as arrows (a cross for a lost one, an open arrow for one
 * still in flight, a dotted arrow for a repeat line), its events as notes,
 * every fault window shaded, the violating step in a red box and the
 * violation as the last note.
 *
 * Every string from a model passes through {@link mermaidText}, so no node
 * name or message can break the diagram's syntax or inject markup.
 */
import { formatT } from './labels.ts';
import { neutralise } from './neutral-text.ts';
import type { ReportData, StoryItem } from './report-data.ts';

/** Longest label drawn; the full text is in the narrative and the JSON. */
const LABEL_MAX = 100;
const FAULT_SHADE = 'rgba(251, 143, 68, 0.14)';
const STEP_SHADE = 'rgba(207, 34, 46, 0.12)';
const FOCUS_BOX = 'rgba(9, 105, 218, 0.07)';

/**
 * Text safe inside a Mermaid label: letters, digits and plain punctuation
 * pass; anything else becomes a Mermaid entity (`#35;`), which Mermaid draws
 * as the character and never parses as syntax or HTML. Bidirectional and
 * control characters are made visible first: an entity for one would still
 * be drawn as one.
 */
export function mermaidText(text: string, max = LABEL_MAX): string {
  return encode(text, max, /[A-Za-z0-9 _.,/()[\]{}=+*@!?'-]/);
}

/** Message text may also keep `:` and `"`: after the arrow's colon, they are plain text. */
function messageText(text: string): string {
  return encode(text, LABEL_MAX, /[A-Za-z0-9 _.,/()[\]{}=+*@!?'":-]/);
}

function encode(text: string, max: number, plain: RegExp): string {
  const visible = neutralise(text);
  const short = visible.length > max ? `${visible.slice(0, max - 1)}…` : visible;
  let out = '';
  for (const ch of short) out += plain.test(ch) ? ch : `#${ch.codePointAt(0)};`;
  return out;
}

/** `t=12.000–70.400 s` */
function span(fromMs: number, toMs: number): string {
  return fromMs === toMs ? formatT(fromMs) : `${formatT(fromMs).slice(0, -2)}–${(toMs / 1000).toFixed(3)} s`;
}

export function sequenceDiagram(data: ReportData): string {
  const { lanes } = data.slice;
  const lines = ['sequenceDiagram'];
  for (const lane of lanes) {
    const participant = `  participant ${lane.id} as ${mermaidText(lane.label, 48)}`;
    if (lane.focus) lines.push(`  box ${FOCUS_BOX} read by the check`, participant, '  end');
    else lines.push(participant);
  }
  if (lanes.length === 0) return [...lines, '  participant L0 as (no nodes)', '  Note over L0: the slice is empty'].join('\n');
  const first = lanes[0]!.id;
  const last = lanes[lanes.length - 1]!.id;
  const across = first === last ? first : `${first},${last}`;
  const over = (ids: readonly string[]): string => {
    const known = ids.filter((id) => lanes.some((l) => l.id === id));
    if (known.length === 0) return first;
    const positions = known.map((id) => lanes.findIndex((l) => l.id === id)).sort((a, b) => a - b);
    const [lo, hi] = [lanes[positions[0]!]!.id, lanes[positions[positions.length - 1]!]!.id];
    return lo === hi ? lo : `${lo},${hi}`;
  };

  const windows = data.timeline.faults;
  const numberOf = (item: StoryItem): number | undefined => {
    if (item.kind !== 'event' || (item.what !== 'fault' && item.what !== 'heal')) return undefined;
    const detail = item.text.slice(item.text.indexOf(': ') + 2);
    return windows.find((w) => (item.what === 'fault' ? w.fromMs : w.toMs) === item.atMs && w.text === detail)?.number;
  };
  const hasWindow = (n: number | undefined): boolean => n !== undefined && windows[n - 1]!.toMs > windows[n - 1]!.fromMs;

  // Open shaded boxes, innermost last: fault windows (while any is active) and the violating step.
  const open: ('fault' | 'step')[] = [];
  let active = 0;
  for (const item of data.story.items) {
    if (item.kind !== 'cut' && item.kind !== 'repeat' && item.step && !open.includes('step')) {
      lines.push(`  rect ${STEP_SHADE}`);
      open.push('step');
    }
    const n = numberOf(item);
    switch (item.kind) {
      case 'event':
        if (item.what === 'fault') {
          if (hasWindow(n) && active++ === 0 && !open.includes('step')) {
            lines.push(`  rect ${FAULT_SHADE}`);
            open.push('fault');
          }
          lines.push(`  Note over ${across}: ${messageText(`${formatT(item.atMs)} F${n ?? '?'} begins: ${item.text.slice(item.text.indexOf(': ') + 2)}`)}`);
        } else if (item.what === 'heal') {
          lines.push(`  Note over ${across}: ${messageText(`${formatT(item.atMs)} F${n ?? '?'} ends`)}`);
          if (hasWindow(n) && --active === 0 && open[open.length - 1] === 'fault') {
            open.pop();
            lines.push('  end');
          }
        } else {
          lines.push(`  Note over ${over(item.lanes)}: ${messageText(`${formatT(item.atMs)} ${item.text}`)}`);
        }
        break;
      case 'message': {
        const arrow = item.fate === 'lost' ? '-x' : item.fate === 'in flight' ? '-)' : '->>';
        const fate = item.fate === 'lost' ? ` (lost${item.why === '' ? '' : `: ${item.why}`})` : item.fate === 'in flight' ? ' (in flight at the violation)' : '';
        const between = item.from === item.to || item.fromLane !== item.toLane ? '' : `${item.from} → ${item.to}: `;
        lines.push(`  ${item.fromLane}${arrow}${item.toLane}: ${messageText(`${formatT(item.atMs)} ${between}${item.label}${fate}`)}`);
        break;
      }
      case 'repeat':
        if (item.of === 'messages') {
          const [a, b] = [item.lanes[0]!, item.lanes[1] ?? item.lanes[0]!];
          lines.push(`  ${a}-->>${b}: ${messageText(`⟳ ${item.label}, ${span(item.fromMs, item.toMs)}`)}`);
        } else {
          lines.push(`  Note over ${over(item.lanes)}: ${messageText(`⟳ ${item.text}, ${span(item.fromMs, item.toMs)}`)}`);
        }
        break;
      case 'cut': {
        const what = Object.entries(item.what).map(([k, v]) => `${v} ${k}`).join(', ');
        lines.push(`  Note over ${across}: ${messageText(`⋯ ${item.count} events of the slice cut here, ${span(item.fromMs, item.toMs)}: ${what}`)}`);
        break;
      }
    }
  }
  if (!open.includes('step')) {
    lines.push(`  rect ${STEP_SHADE}`);
    open.push('step');
  }
  const focus = lanes.filter((l) => l.focus).map((l) => l.id);
  lines.push(`  Note over ${over(focus.length > 0 ? focus : [first])}: ${messageText(`${formatT(data.violation.atMs)} ✗ ${data.violation.invariant} broke: ${data.violation.detail}`)}`);
  for (let k = open.length; k > 0; k--) lines.push('  end');
  return lines.join('\n');
}
