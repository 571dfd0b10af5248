/**
 * The causal slice: the part of a trace that happened before the violation,
 * in Lamport's sense. An event is in it when a chain of steps on one node
 * and messages from a send to its delivery leads from the event to the
 * nodes the broken check read, at the violation. Anything else cannot have
 * influenced what the check saw, and is left out.
 *
 * On one node that past is a prefix of the node's records, so the slice is
 * one number per node: its frontier, the index of its last record in the
 * slice (a vector clock of the violation, in record indices). One backward
 * pass finds every frontier: the focus nodes' is the end of the trace; when
 * the pass meets a delivery within a node's frontier it waits for that
 * message's send, and the send raises its sender's frontier to itself.
 * Memory is one entry per node and one per message in flight, whatever the
 * trace's length.
 *
 * A delivery is matched to the latest earlier send with the same sender,
 * receiver and text. Two identical messages (a retried `ping`) may be
 * swapped by that, which can only add a little to the slice, never leave
 * out an event that belongs in it.
 */
import type { TraceRecord } from '../sim/kernel/trace.ts';

/** The trace's own records (faults, heals, the violation) are on this node. */
export const KERNEL_NODE = 'sim';

export interface CausalSlice {
  /** Per node in the slice, the index of its last record in the slice: its records up to there are in it. */
  readonly frontier: ReadonlyMap<string, number>;
  /** The nodes the slice starts from (the ones the check read that appear in the trace). */
  readonly focus: readonly string[];
  /** Nodes of the slice, in order of first appearance in the trace. */
  readonly nodes: readonly string[];
  /** Destinations, outside the slice, of messages from it that never arrived (lost, or in flight at the end). */
  readonly strays: readonly string[];
  /** Records in the slice, per node. */
  readonly weight: ReadonlyMap<string, number>;
  /** Records in the slice. */
  readonly records: number;
  /** Nodes of the run left out of the slice, in order of first appearance. */
  readonly leftOut: readonly string[];
  /** Index of each node's first record in the trace. */
  readonly firstSeen: ReadonlyMap<string, number>;
}

export function causalSlice(trace: readonly TraceRecord[], focusNodes: readonly string[]): CausalSlice {
  const end = trace.length - 1;
  const frontier = new Map<string, number>();
  for (const n of focusNodes) frontier.set(n, end);
  // Deliveries within the slice whose send is not reached yet, by (from, to, text).
  const waiting = new Counter();
  // Deliveries outside the slice, and losses, whose send is not reached yet: to tell "lost or in flight" apart.
  const arrivedElsewhere = new Counter();
  const lost = new Counter();
  const strays = new Set<string>();
  const weight = new Map<string, number>();
  const firstSeen = new Map<string, number>();
  let records = 0;

  for (let i = end; i >= 0; i--) {
    const r = trace[i]!;
    if (r.node === KERNEL_NODE) continue;
    firstSeen.set(r.node, i);
    const inSlice = (frontier.get(r.node) ?? -1) >= i;
    switch (r.kind) {
      case 'deliver':
        (inSlice ? waiting : arrivedElsewhere).add(messageKey(r.peer, r.node, r.detail));
        break;
      case 'drop':
        lost.add(messageKey(r.node, r.peer, typeOfDrop(r.detail)));
        break;
      case 'note':
        // The kernel's front end answered a request itself: it arrived, though no delivery says so.
        if (r.peer !== '' && r.detail.startsWith(FRONT_END_ANSWERED)) arrivedElsewhere.add(messageKey(r.peer, r.node, r.detail.slice(FRONT_END_ANSWERED.length).split(' ')[0]!));
        break;
      case 'send': {
        const key = messageKey(r.node, r.peer, r.detail);
        if (waiting.take(key)) {
          if (!inSlice) frontier.set(r.node, i);
        } else if (!arrivedElsewhere.take(key) && !arrivedElsewhere.take(messageKey(r.node, r.peer, typeOf(r.detail)))) {
          lost.take(messageKey(r.node, r.peer, typeOf(r.detail)));
          if (inSlice) strays.add(r.peer);
        }
        break;
      }
      default:
        break;
    }
    if ((frontier.get(r.node) ?? -1) >= i) {
      records++;
      weight.set(r.node, (weight.get(r.node) ?? 0) + 1);
    }
  }

  const byAppearance = (nodes: Iterable<string>): string[] => [...nodes].sort((a, b) => (firstSeen.get(a) ?? 0) - (firstSeen.get(b) ?? 0));
  const nodes = byAppearance(frontier.keys());
  return {
    frontier,
    focus: focusNodes.filter((n) => firstSeen.has(n)),
    nodes,
    strays: byAppearance([...strays].filter((n) => !frontier.has(n))),
    weight,
    records,
    leftOut: byAppearance([...firstSeen.keys()].filter((n) => !frontier.has(n))),
    firstSeen,
  };
}

/** Whether record `index` (on `node`) is in the slice. */
export function inSlice(slice: CausalSlice, node: string, index: number): boolean {
  return (slice.frontier.get(node) ?? -1) >= index;
}

const FRONT_END_ANSWERED = 'front end answered ';

/** A message's identity for matching its send to its delivery. */
export function messageKey(from: string, to: string, text: string): string {
  return `${from}\u0000${to}\u0000${text}`;
}

/** The message type of a send's text (`setup {"requestId":…}` → `setup`). */
export function typeOf(detail: string): string {
  const space = detail.indexOf(' ');
  return space < 0 ? detail : detail.slice(0, space);
}

/** The message type of a drop's text (`setup: partitioned` → `setup`). */
export function typeOfDrop(detail: string): string {
  const colon = detail.indexOf(': ');
  return colon < 0 ? detail : detail.slice(0, colon);
}

/** Counts by key; a key whose count falls to zero is deleted, so the map holds only messages in flight. */
class Counter {
  private readonly counts = new Map<string, number>();
  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  /** Takes one from the key's count; false if it had none. */
  take(key: string): boolean {
    const n = this.counts.get(key);
    if (n === undefined) return false;
    if (n === 1) this.counts.delete(key);
    else this.counts.set(key, n - 1);
    return true;
  }
}
