/**
 * Each actor's states over time, as intervals. One forward pass over the
 * trace, keeping only the last few intervals per actor in a ring, so a
 * million-event trace costs time but not memory.
 */
import type { TraceRecord } from '../sim/kernel/trace.ts';
import type { StateInterval } from './report-data.ts';

interface Track {
  state: string;
  sinceMs: number;
  beforePause: string;
  readonly last: StateInterval[];
  cut: number;
}

export function timelines(
  trace: readonly TraceRecord[],
  nodes: readonly string[],
  endMs: number,
  perActor: number,
): { node: string; intervals: StateInterval[]; cut: number }[] {
  const tracks = new Map<string, Track>(nodes.map((n) => [n, { state: 'down', sinceMs: 0, beforePause: '', last: [], cut: 0 }]));
  const close = (t: Track, atMs: number, next: string): void => {
    if (atMs > t.sinceMs) {
      t.last.push({ fromMs: t.sinceMs, toMs: atMs, state: t.state });
      if (t.last.length > perActor) {
        t.last.shift();
        t.cut++;
      }
    }
    t.state = next;
    t.sinceMs = atMs;
  };
  for (const r of trace) {
    const t = tracks.get(r.node);
    if (t === undefined) continue;
    switch (r.kind) {
      case 'state': {
        const arrow = r.detail.indexOf(' -> ');
        close(t, r.atMs, arrow < 0 ? r.detail : r.detail.slice(arrow + 4));
        break;
      }
      case 'crash':
        close(t, r.atMs, 'down');
        break;
      case 'pause':
        t.beforePause = t.state;
        close(t, r.atMs, `paused in ${t.state}`);
        break;
      case 'resume':
        close(t, r.atMs, t.beforePause);
        break;
      default:
        break;
    }
  }
  return nodes.map((node) => {
    const t = tracks.get(node)!;
    close(t, endMs, t.state);
    return { node, intervals: t.last, cut: t.cut };
  });
}
