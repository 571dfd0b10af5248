/**
 * The cause in words: the first point where the finding's run and the same
 * seed and plan on the fixed variant part ways, on a node of the slice.
 *
 * The kernel is deterministic and every node, link and workload draws from
 * its own random stream, so the two runs are the same record for record
 * until the bug flag makes a difference. After that, records of unrelated
 * nodes may interleave differently, so the runs are compared node by node:
 * each node's records, in order, in both runs. Records carry their time, so
 * the walk goes instant by instant, and at each instant compares each
 * node's records of that instant in both runs. The first node whose records
 * differ (earliest instant, then earliest record) is the point; the
 * sentence says what it did in each run, and both sides are shown: the
 * node's last records the runs share, and each run's next few.
 *
 * What counts as a difference: a node doing something else (another kind
 * of record, another peer, another message type or status, another state,
 * another note, at another time). A message carrying other field values is
 * a difference only where that field agreed before, for that node and
 * message type: a fix that changes a format (a key with the project in it)
 * changes every message from the first, and is noted, not taken as the
 * point; a publish naming another owner than the last one did is the point.
 *
 * The finding's run stops at the violation, possibly in the middle of an
 * instant: at its last instant, the fixed run having more records is not a
 * difference. Memory: the records of one instant, a few per node, and the
 * message fields seen to agree.
 */
import type { TraceRecord } from '../sim/kernel/trace.ts';
import { deed, formatT, shorten } from './labels.ts';
import type { Cause, CauseLine } from './report-data.ts';
import { KERNEL_NODE, typeOf } from './slice.ts';

/** Records shown on each side of the point. */
const SIDE_RECORDS = 4;
/** Shared records shown before it. */
const SHARED_RECORDS = 2;

/** Two records compared: the same, the same deed with a message's format changed, or different. */
export type Comparison = 'same' | 'format' | 'different';

export interface Divergence {
  readonly node: string;
  readonly atMs: number;
  /** The finding's record at the point, or undefined when its run had none there. */
  readonly buggy: TraceRecord | undefined;
  readonly fixed: TraceRecord | undefined;
  readonly shared: readonly TraceRecord[];
  /** Index of the point among the node's records (for collecting what follows). */
  readonly position: number;
  /** For a message whose fields differ where they agreed before: the first such field. */
  readonly field: string | undefined;
  /** Before the point, the first pair of records whose messages differed only in format, if any. */
  readonly formatFirst: { readonly buggy: TraceRecord; readonly fixed: TraceRecord } | undefined;
}

/**
 * The first divergence on a node `track` accepts, comparing `buggy` (which
 * may stop early, at a violation) with `fixed`. `exact` compares records
 * as they are, fields and all.
 */
export function firstDivergence(buggy: readonly TraceRecord[], fixed: readonly TraceRecord[], track: (node: string) => boolean, exact = false): Divergence | undefined {
  let field: string | undefined;
  const byDeed = deedComparison((path) => (field = path));
  const compare = exact ? (a: TraceRecord, b: TraceRecord): Comparison => (sameRecord(a, b) ? 'same' : 'different') : byDeed;
  let formatFirst: Divergence['formatFirst'];
  const matched = new Map<string, { count: number; last: TraceRecord[] }>();
  const buggyEndMs = buggy.length === 0 ? 0 : buggy[buggy.length - 1]!.atMs;
  let i = 0;
  let j = 0;
  while (i < buggy.length) {
    const atMs = Math.min(buggy[i]!.atMs, j < fixed.length ? fixed[j]!.atMs : Infinity);
    const mine = new Map<string, TraceRecord[]>();
    const theirs = new Map<string, TraceRecord[]>();
    for (; i < buggy.length && buggy[i]!.atMs === atMs; i++) collect(mine, buggy[i]!, track);
    for (; j < fixed.length && fixed[j]!.atMs === atMs; j++) collect(theirs, fixed[j]!, track);
    const lastInstant = atMs === buggyEndMs && i === buggy.length;
    let best: Divergence | undefined;
    for (const node of new Set([...mine.keys(), ...theirs.keys()])) {
      const a = mine.get(node) ?? [];
      const b = theirs.get(node) ?? [];
      const length = lastInstant ? a.length : Math.max(a.length, b.length);
      const seen = matched.get(node) ?? { count: 0, last: [] };
      for (let k = 0; k < length; k++) {
        const x = a[k];
        const y = b[k];
        field = undefined;
        const verdict = x !== undefined && y !== undefined ? compare(x, y) : 'different';
        if (verdict !== 'different') {
          if (verdict === 'format') formatFirst ??= { buggy: x!, fixed: y! };
          seen.last.push(x!);
          if (seen.last.length > SHARED_RECORDS) seen.last.shift();
          seen.count++;
          continue;
        }
        const first = Math.min(x?.index ?? Infinity, y?.index ?? Infinity);
        const bestFirst = best === undefined ? Infinity : Math.min(best.buggy?.index ?? Infinity, best.fixed?.index ?? Infinity);
        if (first < bestFirst) best = { node, atMs, buggy: x, fixed: y, shared: [...seen.last], position: seen.count, field, formatFirst };
        break;
      }
      matched.set(node, seen);
    }
    if (best !== undefined) return best;
  }
  return undefined;
}

function collect(into: Map<string, TraceRecord[]>, r: TraceRecord, track: (node: string) => boolean): void {
  if (r.node === KERNEL_NODE || !track(r.node)) return;
  const list = into.get(r.node);
  if (list === undefined) into.set(r.node, [r]);
  else list.push(r);
}

/** The same record: time, kind, peer and text. */
export function sameRecord(a: TraceRecord, b: TraceRecord): boolean {
  return a.atMs === b.atMs && a.kind === b.kind && a.peer === b.peer && a.detail === b.detail;
}

/**
 * Compares by deed (see the file's comment), remembering which message
 * fields have agreed so far, by node, record kind and message type.
 */
function deedComparison(disagreed: (path: string) => void): (a: TraceRecord, b: TraceRecord) => Comparison {
  const agreed = new Set<string>();
  // The last message of each kind both runs sent alike, read only when a later one differs (parsing every message would cost more than the walk).
  const lastAlike = new Map<string, string>();
  return (a, b) => {
    const message = a.kind === 'send' || a.kind === 'deliver';
    if (sameRecord(a, b)) {
      if (message) lastAlike.set(`${a.node}|${a.kind}|${typeOf(a.detail)}`, a.detail);
      return 'same';
    }
    if (a.atMs !== b.atMs || a.kind !== b.kind || a.peer !== b.peer || !message) return 'different';
    const type = typeOf(a.detail);
    if (type !== typeOf(b.detail)) return 'different';
    const where = `${a.node}|${a.kind}|${type}`;
    const alike = lastAlike.get(where);
    if (alike !== undefined) {
      for (const path of fieldsOf(alike).keys()) agreed.add(`${where}|${path}`);
      lastAlike.delete(where);
    }
    const fields = fieldsOf(a.detail);
    const theirs = fieldsOf(b.detail);
    let verdict: Comparison = 'same';
    for (const path of new Set([...fields.keys(), ...theirs.keys()])) {
      if (fields.get(path) === theirs.get(path)) {
        agreed.add(`${where}|${path}`);
        continue;
      }
      // A field that agreed before now disagrees: the node did something else.
      if (agreed.has(`${where}|${path}`)) {
        disagreed(path);
        return 'different';
      }
      verdict = 'format';
    }
    return verdict;
  };
}

/** A message text's fields as leaf paths and their JSON (the request id aside: it only counts requests). */
function fieldsOf(detail: string): Map<string, string> {
  const out = new Map<string, string>();
  const brace = detail.indexOf(' {');
  let value: unknown;
  try {
    value = brace < 0 ? {} : JSON.parse(detail.slice(brace + 1));
  } catch {
    out.set('(text)', detail);
    return out;
  }
  const walk = (v: unknown, path: string): void => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) {
      for (const [k, child] of Object.entries(v)) if (!(path === '' && k === 'requestId')) walk(child, path === '' ? k : `${path}.${k}`);
    } else {
      out.set(path, JSON.stringify(v));
    }
  };
  walk(value, '');
  return out;
}

/** The first field two message texts differ in: `owner "226a…" where the fix has "e43a…"`. */
export function fieldDifference(a: string, b: string, only?: string): string {
  const mine = fieldsOf(a);
  const theirs = fieldsOf(b);
  for (const path of only === undefined ? new Set([...mine.keys(), ...theirs.keys()]) : [only]) {
    const x = mine.get(path);
    const y = theirs.get(path);
    if (x === y) continue;
    const show = (v: string | undefined): string => (v === undefined ? 'nothing' : shorten(v, 70));
    return `${path} ${show(x)} where the fix has ${show(y)}`;
  }
  return 'only the request id';
}

/** The next `count` records of `node` from its `position`-th on. */
function recordsFrom(trace: readonly TraceRecord[], node: string, position: number, count: number): TraceRecord[] {
  const out: TraceRecord[] = [];
  let k = 0;
  for (const r of trace) {
    if (r.node !== node) continue;
    if (k++ < position) continue;
    out.push(r);
    if (out.length === count) break;
  }
  return out;
}

const line = (r: TraceRecord): CauseLine => ({ atMs: r.atMs, text: `${r.node} ${deed(r)}` });

/**
 * The report's cause: where the runs part ways, first on the slice's nodes,
 * else anywhere, in one sentence with both sides.
 * @param focus the nodes the slice starts from: when the runs never part
 *   before the violation, what the fixed run does next on them is shown
 * @param fixedVariant the compared variant's name, for the sentence
 */
export function explainCause(buggy: readonly TraceRecord[], fixed: readonly TraceRecord[] | null, sliceNodes: ReadonlySet<string>, focus: readonly string[], fixedVariant: string): Cause {
  if (fixed === null) {
    return { compared: false, sentence: 'This finding is on the fixed variant itself: there is no fixed run to compare it with.', atMs: null, node: null, inSlice: false, shared: [], buggy: [], fixed: [] };
  }
  // What a node did differently, on the slice; else a message's contents; else the same anywhere in the run.
  const inSlice = (n: string): boolean => sliceNodes.has(n);
  const inSliceDivergence = firstDivergence(buggy, fixed, inSlice) ?? firstDivergence(buggy, fixed, inSlice, true);
  const divergence = inSliceDivergence ?? firstDivergence(buggy, fixed, () => true) ?? firstDivergence(buggy, fixed, () => true, true);
  if (divergence === undefined) return sameUntilViolation(buggy, fixed, focus, fixedVariant);
  const { node, buggy: a, fixed: b } = divergence;
  const where = inSliceDivergence === undefined ? ' (outside the causal slice: no node of the slice differs before the violation)' : '';
  const atMs = Math.min(a?.atMs ?? Infinity, b?.atMs ?? Infinity);
  const contentsOnly = a !== undefined && b !== undefined && a.kind === b.kind && a.peer === b.peer && a.atMs === b.atMs && typeOf(a.detail) === typeOf(b.detail) && (a.kind === 'send' || a.kind === 'deliver');
  // When only a field differs, the sentence names the message by its type and then the field: the whole text is in the table below.
  const mine = a === undefined ? `${node} did nothing more` : contentsOnly ? `${node} ${a.kind === 'send' ? `sent ${typeOf(a.detail)} to` : `received ${typeOf(a.detail)} from`} ${a.peer}` : `${node} ${deed(a)}`;
  const fixedNext = recordsFrom(fixed, node, divergence.position, SIDE_RECORDS);
  const theirs =
    b === undefined
      ? `it did nothing then${fixedNext[0] === undefined ? '' : `; next, at ${formatT(fixedNext[0].atMs)}, it ${deed(fixedNext[0])}`}`
      : contentsOnly
        ? `it did the same but with ${fieldDifference(a.detail, b.detail, divergence.field)}`
        : `${b.atMs === atMs ? '' : `at ${formatT(b.atMs)} `}it ${deed(b)}${a === undefined ? '' : ' instead'}`;
  const before = divergence.formatFirst;
  const earlier =
    before === undefined
      ? ''
      : ` (Before that the runs differ only in the format of what messages carry, from ${formatT(before.buggy.atMs)}: ${before.buggy.node} ${before.buggy.kind === 'send' ? 'sent' : 'received'} ${typeOf(before.buggy.detail)} with ${fieldDifference(before.buggy.detail, before.fixed.detail)}.)`;
  return {
    compared: true,
    sentence: `At ${formatT(atMs)} ${mine}${where}; with the fix (${fixedVariant}), ${theirs}.${earlier}`,
    atMs,
    node,
    inSlice: inSliceDivergence !== undefined,
    shared: divergence.shared.map(line),
    buggy: recordsFrom(buggy, node, divergence.position, SIDE_RECORDS).map(line),
    fixed: fixedNext.map(line),
  };
}

/** The runs agree up to the violation: say so, and show what the fixed run does next on the focus nodes. */
function sameUntilViolation(buggy: readonly TraceRecord[], fixed: readonly TraceRecord[], focus: readonly string[], fixedVariant: string): Cause {
  const endMs = buggy.length === 0 ? 0 : buggy[buggy.length - 1]!.atMs;
  const watched = new Set(focus);
  const on = (r: TraceRecord): boolean => r.node !== KERNEL_NODE && (watched.size === 0 || watched.has(r.node));
  const shared = buggy.filter(on).slice(-SHARED_RECORDS);
  const next = fixed.slice(Math.max(0, buggy.length - 1)).filter(on).slice(0, SIDE_RECORDS);
  const goesOn = next.length === 0 ? '' : ` Past it, the fixed run goes on: ${formatT(next[0]!.atMs)} ${next[0]!.node} ${deed(next[0]!)}.`;
  return {
    compared: true,
    sentence: `The run and the same seed and plan on ${fixedVariant} record the same events up to the violation (${formatT(endMs)}): the fix changes nothing the trace shows before then, only what the broken check reads in the models' context.${goesOn}`,
    atMs: null,
    node: null,
    inSlice: false,
    shared: shared.map(line),
    buggy: [],
    fixed: next.map(line),
  };
}
