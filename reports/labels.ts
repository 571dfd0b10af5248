/**
 * Short words for trace records: a message's label, and what a record says
 * a node did (for the cause sentence and the two sides shown under it).
 */
import type { TraceRecord } from '../sim/kernel/trace.ts';

/** Virtual ms as seconds with ms precision: `t=18.064 s`. */
export function formatT(atMs: number): string {
  return `t=${(atMs / 1000).toFixed(3)} s`;
}

/**
 * A message's trace detail (`type {json}`) made short for an arrow: the
 * request id goes (it is noise on a diagram), the status comes first.
 * Details that are not of that form are kept as they are.
 */
export function compactLabel(detail: string): string {
  const brace = detail.indexOf(' {');
  if (brace < 0) return detail;
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(detail.slice(brace + 1)) as Record<string, unknown>;
  } catch {
    return detail;
  }
  const { requestId: _id, status, ...rest } = fields;
  const head = status === undefined ? detail.slice(0, brace) : `${detail.slice(0, brace)} ${String(status)}`;
  const tail = Object.keys(rest).length === 0 || (Object.keys(rest).length === 1 && rest.body === null) ? '' : ` ${JSON.stringify(rest)}`;
  return head + tail;
}

/** Longest label in a sentence about what a node did. */
const PHRASE_LABEL_MAX = 120;

/** What a record says its node did, without the node's name: `sent setup to destination`. */
export function deed(r: TraceRecord): string {
  const label = shorten(compactLabel(r.detail), PHRASE_LABEL_MAX);
  switch (r.kind) {
    case 'send':
      return `sent ${label} to ${r.peer}`;
    case 'deliver':
      return `received ${label} from ${r.peer}`;
    case 'drop':
      return `lost a message to ${r.peer} (${shorten(r.detail, PHRASE_LABEL_MAX)})`;
    case 'timeout':
      return `gave up on its request to ${r.peer} (${r.detail})`;
    case 'state': {
      const arrow = r.detail.indexOf(' -> ');
      return arrow < 0 ? `entered ${r.detail}` : `moved from ${r.detail.slice(0, arrow)} to ${r.detail.slice(arrow + 4)}`;
    }
    case 'note':
      return `noted "${shorten(r.detail, PHRASE_LABEL_MAX)}"`;
    case 'crash':
      return `crashed (${r.detail})`;
    case 'start':
      return `started (${r.detail})`;
    case 'pause':
      return 'froze';
    case 'resume':
      return `woke (${r.detail})`;
    case 'fault':
      return `saw a fault begin: ${r.detail}`;
    case 'heal':
      return `saw a fault end: ${r.detail}`;
    case 'violation':
      return `broke an invariant (${r.detail})`;
  }
}

export function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
