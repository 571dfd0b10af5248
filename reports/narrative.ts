/**
 * The narrative: the slice told in order, one short sentence per event.
 * "t=3.200 s: lease of client-b expired" reads faster than a trace.
 */
import type { TraceRecord } from '../sim/kernel/trace.ts';

export interface NarrativeLine {
  readonly atMs: number;
  readonly node: string;
  readonly text: string;
}

/** Virtual ms as seconds with ms precision: `t=18.064 s`. */
export function formatT(atMs: number): string {
  return `t=${(atMs / 1000).toFixed(3)} s`;
}

/** One sentence for a record, or undefined for records a story does not need. */
export function sentence(r: TraceRecord): string | undefined {
  switch (r.kind) {
    case 'fault':
      return `fault begins: ${r.detail}`;
    case 'heal':
      return `fault ends: ${r.detail}`;
    case 'crash':
      return `${r.node} crashed (${r.detail})`;
    case 'start':
      return `${r.node} started (${r.detail})`;
    case 'pause':
      return `${r.node} froze`;
    case 'resume':
      return `${r.node} woke (${r.detail})`;
    case 'state': {
      const arrow = r.detail.indexOf(' -> ');
      return arrow < 0 ? `${r.node} entered ${r.detail}` : `${r.node}: ${r.detail.slice(0, arrow)} → ${r.detail.slice(arrow + 4)}`;
    }
    case 'deliver':
      return `${r.node} received ${r.detail} from ${r.peer}`;
    case 'drop':
      return `a message from ${r.node} to ${r.peer} was lost (${r.detail})`;
    case 'timeout':
      return `${r.node}: request to ${r.peer} timed out (${r.detail})`;
    case 'note':
      return r.peer === '' ? `${r.node}: ${r.detail}` : `${r.node} (${r.peer}): ${r.detail}`;
    case 'send':
    case 'violation':
      return undefined;
  }
}

/** The last `limit` sentences of the slice; faults are always kept. */
export function narrate(records: readonly TraceRecord[], limit: number): { lines: NarrativeLine[]; cut: number } {
  const all = records.flatMap((r) => {
    const text = sentence(r);
    return text === undefined ? [] : [{ atMs: r.atMs, node: r.node, text, fault: r.kind === 'fault' || r.kind === 'heal' }];
  });
  let budget = limit;
  const keep = new Array<boolean>(all.length).fill(false);
  for (let i = all.length - 1; i >= 0; i--) {
    if (all[i]!.fault) keep[i] = true;
    else if (budget > 0) {
      keep[i] = true;
      budget--;
    }
  }
  const lines = all.filter((_, i) => keep[i]).map(({ atMs, node, text }) => ({ atMs, node, text }));
  return { lines, cut: all.length - lines.length };
}
