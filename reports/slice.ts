/**
 * The causal slice: the part of a trace that could have led to the
 * violation, newest first until a limit.
 *
 * It starts from the nodes the violation names (in its detail or values) and
 * the nodes that acted at the violating instant. Walking back through the
 * trace, a record of a relevant node is kept; a message delivered to a
 * relevant node makes its sender relevant from then on, backwards (the send
 * happened before the delivery). Lost messages to relevant nodes and every
 * fault are kept too: they are often the whole story. The walk stops at the
 * limit, so a report on a million-event run costs one pass and bounded memory.
 */
import type { TraceRecord } from '../sim/kernel/trace.ts';

export interface Slice {
  /** Kept records, oldest first. */
  readonly records: readonly TraceRecord[];
  /** Relevant nodes, in the order they became relevant. */
  readonly nodes: readonly string[];
  /** Records of relevant nodes left out by the limit. */
  readonly cut: number;
}

const KERNEL = 'sim';

export function causalSlice(trace: readonly TraceRecord[], mentioned: readonly string[], limit: number): Slice {
  const allNodes = new Set<string>();
  for (const r of trace) if (r.node !== KERNEL) allNodes.add(r.node);
  const relevant = new Set<string>(mentioned.filter((n) => allNodes.has(n)));
  const lastAtMs = trace.length > 0 ? trace[trace.length - 1]!.atMs : 0;
  for (let i = trace.length - 1; i >= 0 && trace[i]!.atMs === lastAtMs; i--) {
    if (trace[i]!.node !== KERNEL) relevant.add(trace[i]!.node);
  }
  if (relevant.size === 0) for (const n of allNodes) relevant.add(n);

  const kept: TraceRecord[] = [];
  let cut = 0;
  for (let i = trace.length - 1; i >= 0; i--) {
    const r = trace[i]!;
    const isFault = r.kind === 'fault' || r.kind === 'heal';
    const aboutRelevant = relevant.has(r.node) && r.kind !== 'send';
    const lostToRelevant = r.kind === 'drop' && relevant.has(r.peer);
    if (!isFault && !aboutRelevant && !lostToRelevant) continue;
    if (!isFault && kept.length >= limit) {
      cut++;
      continue;
    }
    kept.push(r);
    if (r.kind === 'deliver' && relevant.has(r.node)) relevant.add(r.peer);
  }
  kept.reverse();
  return { records: kept, nodes: [...relevant], cut };
}
