/**
 * The story of a causal slice: its records told in order as a bounded list
 * of items, which the narrative lists and the sequence diagram draws.
 *
 * One forward pass over the trace. Kept: every fault boundary; every state
 * change, note, crash, start, pause and timeout of a node in the slice; and
 * every message sent from the slice, shown at its fate (delivered into the
 * slice, lost, or still in flight at the violation). A message delivered to
 * a node outside the slice influenced nothing the check saw and is only
 * counted.
 *
 * Repetition collapses. An item is new when nothing like it (same lanes,
 * same kind of message or change, numbers aside) has been shown since the
 * last fault boundary; a new item is shown as it is. An item like one shown
 * before joins a repeat line on its lanes ("client-3 ⇄ relay: ping ×58,
 * t=12.0–70.4 s"), which stays open until something new happens on one of
 * those lanes. Never collapsed: faults, the violating step, messages still
 * in flight, anything naming a focus node.
 *
 * Bounded: when the list outgrows {@link STORY_ITEMS_MAX}, items give way
 * to cut markers that say where they were and what they held, oldest first
 * (so a cut is one stretch, a fleet's boot say, not every other line). Kept
 * until nothing else is left: fault boundaries, the violating step,
 * messages in flight, and the first of each kind of thing about a focus
 * node (its own changes, messages to or from it, texts naming it). Memory
 * is the list, one entry per kind of item seen (capped), and the messages
 * in flight.
 */
import { compactLabel, shorten } from './labels.ts';
import type { Lane } from './lanes.ts';
import type { CutItem, EventItem, MessageItem, RepeatItem, Story, StoryItem } from './report-data.ts';
import { inSlice, KERNEL_NODE, typeOfDrop, type CausalSlice } from './slice.ts';
import type { TraceRecord } from '../sim/kernel/trace.ts';

/** Items a story keeps (cut markers come on top): enough for a few hundred lines of narrative, and a sequence diagram Mermaid still lays out in a second. */
export const STORY_ITEMS_MAX = 150;
/** Kinds of item remembered as already shown; past this, everything counts as new and the bound above does the rest. */
const SEEN_MAX = 20_000;
/**
 * Messages in flight kept per pair of nodes. A kernel trace gives every send
 * a fate (delivery, loss), so a queue this long means sends and deliveries
 * that do not pair; the oldest are forgotten, to keep memory bounded.
 */
const IN_FLIGHT_MAX = 256;
/** Records of what happened to a process, told for every node on a lane. */
const PROCESS_KINDS: ReadonlySet<string> = new Set(['crash', 'start', 'pause', 'resume']);
/** Longest message label kept in an item; the full text is in trace.json. */
const LABEL_MAX = 160;

export interface StoryInput {
  readonly trace: readonly TraceRecord[];
  readonly slice: CausalSlice;
  readonly lanes: readonly Lane[];
  /** The violating instant, when a step broke it (safety, model crash); null for a deadline that passed. */
  readonly stepAtMs: number | null;
}

/** 0: kept while anything else can go (faults, the violating step, messages in flight, the first of each thing about a focus node); 1: the rest. */
type Tier = 0 | 1;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Entry {
  item: StoryItem;
  tier: Tier;
  evicted: boolean;
  /** The repeat line this entry shows, while it is one. */
  group?: Group;
}

interface Group {
  readonly entry: Entry;
  /** The first item folded in, and its tier: a repeat of one is shown as that item. */
  readonly first: EventItem | MessageItem;
  readonly firstTier: Tier;
  /** Who talks to whom, from the first request (or the first item). */
  subjectFrom: string;
  subjectTo: string;
  /** What the first item said. */
  readonly predicate: string;
  /** For messages: the exchange's type; empty for events. */
  readonly type: string;
  /** Messages that are not answers, and answers (`<type>.response`). */
  requests: number;
  answers: number;
  readonly nodes: Set<string>;
}

interface Pending {
  readonly detail: string;
  readonly type: string;
  readonly sentAtMs: number;
  readonly index: number;
}

export function tellStory(input: StoryInput): Story {
  const { trace, slice, lanes, stepAtMs } = input;
  const laneOf = new Map<string, Lane>();
  for (const lane of lanes) for (const n of lane.nodes) laneOf.set(n, lane);
  const allLanes = lanes.map((l) => l.id);
  const focus = new Set(slice.focus);
  const focusNamed = focusMatcher(slice.focus);

  let entries: Entry[] = [];
  let seen = new Set<string>();
  let open = new Map<string, Group>();
  const openByLane = new Map<string, Set<string>>();
  const pending = new Map<string, Pending[]>();
  let messagesOut = 0;
  /** A start waits for the node's first state, to be told as one line: `srv-3 started in booting`. */
  const starting = new Map<string, TraceRecord>();

  const laneIdOf = (node: string): string => laneOf.get(node)?.id ?? allLanes[0] ?? 'L0';
  const subjectOf = (node: string): string => {
    const lane = laneOf.get(node);
    return lane === undefined || lane.nodes.length === 1 ? node : lane.label;
  };
  const closeGroupsOn = (laneIds: readonly string[]): void => {
    for (const id of laneIds) {
      const keys = openByLane.get(id);
      if (keys === undefined) continue;
      for (const key of keys) open.delete(key);
      openByLane.delete(id);
    }
  };
  // Items other than cut markers in `entries`; markers are at most one more than items, so the list stays within 4 × the bound.
  let shown = 0;
  const push = (item: StoryItem, tier: Tier): Entry => {
    const entry = { item, tier, evicted: false };
    entries.push(entry);
    if (++shown > 2 * STORY_ITEMS_MAX) {
      entries = compact(entries, STORY_ITEMS_MAX);
      shown = STORY_ITEMS_MAX;
    }
    return entry;
  };

  /** Shows an item, or folds it into a repeat line when something like it was shown since the last new thing on its lanes. */
  const tell = (at: Source, novelKey: string, groupKey: string, keep: boolean, individual: boolean): void => {
    if (individual || !seen.has(novelKey)) {
      // Something new happening to a node (not one more message) starts a new chapter on its lanes.
      if (at.event) closeGroupsOn(at.laneIds);
      if (seen.size < SEEN_MAX) seen.add(novelKey);
      push(telling(at, subjectOf).item, individual || keep ? 0 : 1);
      return;
    }
    const tier: Tier = 1;
    const existing = open.get(groupKey);
    let group: Group;
    if (existing !== undefined && !existing.entry.evicted) group = existing;
    else {
      const { item, subject, predicate } = telling(at, subjectOf);
      const laneIds = [...new Set(at.laneIds)];
      group = {
        entry: push({ kind: 'repeat', fromMs: at.atMs, toMs: at.atMs, index: at.index, count: 0, of: item.kind === 'message' ? 'messages' : categoryOf(item.what), lanes: laneIds, text: '', label: '', nodes: [] }, tier),
        first: item,
        firstTier: tier,
        subjectFrom: subject,
        subjectTo: '',
        predicate,
        type: item.kind === 'message' ? baseType(item.label) : '',
        requests: 0,
        answers: 0,
        nodes: new Set(),
      };
      group.entry.group = group;
      open.set(groupKey, group);
      for (const id of laneIds) {
        const keys = openByLane.get(id) ?? new Set<string>();
        keys.add(groupKey);
        openByLane.set(id, keys);
      }
    }
    if (!at.event && (group.subjectTo === '' || (group.requests === 0 && !at.answer))) {
      // Name the exchange from the side that asks.
      const [a, b] = telling(at, subjectOf).subject.split(' → ') as [string, string];
      [group.subjectFrom, group.subjectTo] = at.answer ? [b, a] : [a, b];
    }
    if (at.answer) group.answers++;
    else group.requests++;
    group.nodes.add(at.from);
    // The line is updated in place (one object per repeat line, not per record); its words are written at the end.
    const repeat = group.entry.item as Mutable<RepeatItem>;
    repeat.toMs = at.atMs;
    repeat.count++;
  };

  const tellMessage = (p: Pending, from: string, to: string, atMs: number, index: number, fate: MessageItem['fate'], why: string): void => {
    const fromLane = laneIdOf(from);
    const toLane = laneIdOf(to);
    const step = stepAtMs !== null && atMs === stepAtMs;
    const named = focusNamed(p.detail);
    const individual = step || fate === 'in flight';
    const keep = named !== '' || focus.has(from) || focus.has(to);
    const kind = `${labelKind(p.detail)}${named === '' ? '' : ` @${named}`}`;
    const [a, b] = fromLane <= toLane ? [fromLane, toLane] : [toLane, fromLane];
    const at: Source = { kind: 'message', atMs, index, from, answer: p.type.endsWith('.response'), event: false, laneIds: [fromLane, toLane], p, to, fate, why, step };
    tell(at, `m|${fromLane}|${toLane}|${kind}|${fate}`, `x|${a}|${b}|${baseType(kind)}|${named}|${fate}`, keep, individual);
  };

  const takePending = (from: string, to: string, matches: (p: Pending) => boolean): Pending | undefined => {
    const queue = pending.get(pairKey(from, to));
    if (queue === undefined) return undefined;
    const at = queue.findIndex(matches);
    if (at < 0) return undefined;
    const [p] = queue.splice(at, 1);
    if (queue.length === 0) pending.delete(pairKey(from, to));
    return p;
  };

  /** A record of a slice node other than a message: an event of the story. */
  const tellEvent = (r: TraceRecord): void => {
    const told = describeEvent(r);
    if (told === undefined) return;
    const lane = laneIdOf(r.node);
    const lanesOfItem = r.kind === 'timeout' && laneOf.has(r.peer) ? [...new Set([lane, laneIdOf(r.peer)])] : [lane];
    const step = stepAtMs !== null && r.atMs === stepAtMs;
    const named = focusNamed(told.predicate);
    const keep = named !== '' || focus.has(r.node);
    // Numbers aside, but not the name of a focus node: "register srv-15: read timed out" stays apart from srv-4's.
    const shape = `${maskNumbers(told.predicate)}${named === '' ? '' : ` @${named}`}`;
    const key = `e|${lane}|${told.what}|${shape}`;
    tell({ kind: 'event', atMs: r.atMs, index: r.index, from: r.node, answer: false, event: true, laneIds: lanesOfItem, r, told, step }, key, key, keep, step);
  };

  for (let i = 0; i < trace.length; i++) {
    const r = trace[i]!;
    if (r.node === KERNEL_NODE) {
      if (r.kind !== 'fault' && r.kind !== 'heal') continue;
      // A fault boundary: what follows is told afresh.
      seen = new Set();
      open = new Map();
      openByLane.clear();
      const text = `${r.kind === 'fault' ? 'fault begins' : 'fault ends'}: ${r.detail}`;
      push({ kind: 'event', atMs: r.atMs, index: i, what: r.kind, node: KERNEL_NODE, lanes: allLanes, text, step: false }, 0);
      continue;
    }
    // A crash, restart or pause of a node of the slice is told even after the node's last influence: it is why messages to it were lost.
    const member = inSlice(slice, r.node, i) || (PROCESS_KINDS.has(r.kind) && laneOf.has(r.node));
    if (member && r.kind === 'start') {
      starting.set(r.node, r);
      continue;
    }
    const started = starting.get(r.node);
    if (started !== undefined) {
      starting.delete(r.node);
      if (r.kind === 'state' && !r.detail.includes(' -> ') && r.atMs === started.atMs) {
        tellEvent({ ...r, kind: 'start', detail: `in ${r.detail}, ${started.detail}` });
        continue;
      }
      tellEvent(started);
    }
    switch (r.kind) {
      case 'send':
        if (member) {
          const key = pairKey(r.node, r.peer);
          const queue = pending.get(key);
          const p = { detail: r.detail, type: typeOfSend(r.detail), sentAtMs: r.atMs, index: i };
          if (queue === undefined) pending.set(key, [p]);
          else if (queue.push(p) > IN_FLIGHT_MAX) queue.shift();
        }
        continue;
      case 'deliver': {
        const p = takePending(r.peer, r.node, (q) => q.detail === r.detail);
        if (p === undefined) continue;
        if (member) tellMessage(p, r.peer, r.node, r.atMs, i, 'delivered', '');
        else messagesOut++;
        continue;
      }
      case 'drop': {
        const type = typeOfDrop(r.detail);
        const p = takePending(r.node, r.peer, (q) => q.type === type);
        if (p !== undefined) tellMessage(p, r.node, r.peer, r.atMs, i, 'lost', r.detail.slice(type.length + 2));
        continue;
      }
      default:
        break;
    }
    if (r.kind === 'note' && r.peer !== '' && r.detail.startsWith('front end answered ')) {
      const type = r.detail.slice('front end answered '.length).split(' ')[0]!;
      const p = takePending(r.peer, r.node, (q) => q.type === type);
      if (p !== undefined && inSlice(slice, r.peer, p.index)) tellMessage(p, r.peer, r.node, r.atMs, i, 'delivered', '');
    }
    if (!member) continue;
    tellEvent(r);
  }
  for (const r of starting.values()) tellEvent(r);

  // Repeat lines get their words; one that stayed at a single item is shown as that item.
  for (const e of entries) {
    const g = e.group;
    const item = e.item;
    if (g === undefined || e.evicted || item.kind !== 'repeat') continue;
    if (item.count === 1) {
      e.item = g.first;
      e.tier = g.firstTier;
    } else {
      const [text, label] = repeatText(g);
      e.item = { ...item, text, label, nodes: firstNodes(g.nodes) };
    }
    delete e.group;
  }
  // Messages still in flight when the run stopped: drawn where they were sent.
  const inFlight: Entry[] = [];
  for (const [key, queue] of pending) {
    const [from, to] = key.split('\u0000') as [string, string];
    for (const p of queue) {
      const item: MessageItem = {
        kind: 'message',
        atMs: p.sentAtMs,
        sentAtMs: p.sentAtMs,
        index: p.index,
        from,
        to,
        fromLane: laneIdOf(from),
        toLane: laneIdOf(to),
        label: shorten(compactLabel(p.detail), LABEL_MAX),
        fate: 'in flight',
        why: '',
        step: stepAtMs !== null && p.sentAtMs === stepAtMs,
      };
      inFlight.push({ item, tier: 0, evicted: false });
    }
  }
  const all = mergeByIndex(entries, inFlight.sort((a, b) => a.item.index - b.item.index));
  const kept = compact(all, STORY_ITEMS_MAX);
  const items = kept.map((e) => e.item);
  return { items, cut: items.reduce((n, it) => n + (it.kind === 'cut' ? it.count : 0), 0), messagesOut };
}

/** What `tell` needs of an item, made only when the item is shown or starts a repeat line (most records only add to a count). */
interface Telling {
  readonly item: EventItem | MessageItem;
  readonly subject: string;
  readonly predicate: string;
}

/** A record about to be told: plain data, so that folding it into a count allocates no closure. */
type Source = {
  readonly atMs: number;
  readonly index: number;
  readonly from: string;
  readonly answer: boolean;
  readonly event: boolean;
  readonly laneIds: readonly string[];
  readonly step: boolean;
} & (
  | { readonly kind: 'message'; readonly p: Pending; readonly to: string; readonly fate: MessageItem['fate']; readonly why: string }
  | { readonly kind: 'event'; readonly r: TraceRecord; readonly told: NonNullable<ReturnType<typeof describeEvent>> }
);

function telling(at: Source, subjectOf: (node: string) => string): Telling {
  if (at.kind === 'event') {
    const { r, told } = at;
    return {
      item: { kind: 'event', atMs: r.atMs, index: r.index, what: told.what, node: r.node, lanes: at.laneIds, text: `${r.node}${told.joiner}${told.predicate}`, step: at.step },
      subject: subjectOf(r.node),
      predicate: told.predicate,
    };
  }
  const label = shorten(compactLabel(at.p.detail), LABEL_MAX);
  const item: MessageItem = { kind: 'message', atMs: at.atMs, sentAtMs: at.p.sentAtMs, index: at.index, from: at.from, to: at.to, fromLane: at.laneIds[0]!, toLane: at.laneIds[1]!, label, fate: at.fate, why: at.why, step: at.step };
  return { item, subject: `${subjectOf(at.from)} → ${subjectOf(at.to)}`, predicate: at.fate === 'delivered' ? label : `${label}, ${at.fate}${at.why === '' ? '' : ` (${at.why})`}` };
}

/** A sentence for a record of a slice node: its kind, and the words after the node's name. */
function describeEvent(r: TraceRecord): { what: EventItem['what']; joiner: string; predicate: string } | undefined {
  switch (r.kind) {
    case 'state': {
      const arrow = r.detail.indexOf(' -> ');
      return arrow < 0
        ? { what: 'state', joiner: ' ', predicate: `entered ${r.detail}` }
        : { what: 'state', joiner: ': ', predicate: `${r.detail.slice(0, arrow)} → ${r.detail.slice(arrow + 4)}` };
    }
    case 'note':
      return { what: 'note', joiner: r.peer === '' ? ': ' : ` (${r.peer}): `, predicate: r.detail };
    case 'crash':
      return { what: 'crash', joiner: ' ', predicate: `crashed (${r.detail})` };
    case 'start':
      return { what: 'start', joiner: ' ', predicate: `started (${r.detail})` };
    case 'pause':
      return { what: 'pause', joiner: ' ', predicate: 'froze' };
    case 'resume':
      return { what: 'resume', joiner: ' ', predicate: `woke (${r.detail})` };
    case 'timeout':
      return { what: 'timeout', joiner: ': ', predicate: `request to ${r.peer} timed out (${r.detail})` };
    default:
      return undefined;
  }
}

/** The line of a repeat, with and without who: `client-3 ⇄ relay: ping ×58` and `ping ×58`. */
function repeatText(group: Group): [string, string] {
  const count = group.requests + group.answers;
  if (group.type === '') return [`${group.subjectFrom}: ${group.predicate} ×${count}`, `${group.predicate} ×${count}`];
  const sameLane = group.subjectFrom === group.subjectTo;
  if (group.requests > 0 && group.answers > 0) {
    const label = `${group.type} ×${group.requests} and answers`;
    return [sameLane ? `${group.subjectFrom}, among themselves: ${label}` : `${group.subjectFrom} ⇄ ${group.subjectTo}: ${group.type} ×${group.requests}`, label];
  }
  return [`${group.subjectFrom} → ${group.subjectTo}: ${group.predicate} ×${count}`, `${group.predicate} ×${count}`];
}

/** A message's label is an answer to a request. */
function isAnswer(label: string): boolean {
  return label.split(' ')[0]!.endsWith('.response');
}

function firstNodes(nodes: Set<string>): string[] {
  const out: string[] = [];
  for (const n of nodes) {
    if (out.length === 4) break;
    out.push(n);
  }
  return out;
}

/**
 * Replaces the least important items by cut markers until at most `max`
 * items other than markers are left; neighbouring markers merge.
 */
function compact(entries: readonly Entry[], max: number): Entry[] {
  let excess = -max;
  for (const e of entries) if (e.item.kind !== 'cut') excess++;
  if (excess <= 0) return [...entries];
  // Oldest first (the list is in trace order), so that cuts come in stretches (a fleet's boot, say) rather than one line in two; what must stay goes last.
  for (const tier of [1, 0] as const) {
    for (const e of entries) {
      if (excess === 0) break;
      if (e.tier === tier && !e.evicted && e.item.kind !== 'cut') {
        e.evicted = true;
        excess--;
      }
    }
  }
  const out: Entry[] = [];
  for (const e of entries) {
    if (!e.evicted && e.item.kind !== 'cut') {
      out.push(e);
      continue;
    }
    const last = out[out.length - 1];
    const cut = asCut(e.item);
    if (last !== undefined && last.item.kind === 'cut') last.item = mergeCuts(last.item, cut);
    else out.push({ item: cut, tier: 0, evicted: false });
  }
  return out;
}

function asCut(item: StoryItem): CutItem {
  switch (item.kind) {
    case 'cut':
      return item;
    case 'repeat':
      return { kind: 'cut', fromMs: item.fromMs, toMs: item.toMs, index: item.index, count: item.count, what: { [item.of]: item.count } };
    case 'message':
      return { kind: 'cut', fromMs: item.atMs, toMs: item.atMs, index: item.index, count: 1, what: { messages: 1 } };
    case 'event':
      return { kind: 'cut', fromMs: item.atMs, toMs: item.atMs, index: item.index, count: 1, what: { [categoryOf(item.what)]: 1 } };
  }
}

function categoryOf(what: EventItem['what']): string {
  switch (what) {
    case 'state':
      return 'state changes';
    case 'note':
      return 'notes';
    case 'timeout':
      return 'timeouts';
    default:
      return 'crashes, starts and pauses';
  }
}

function mergeCuts(a: CutItem, b: CutItem): CutItem {
  const what: Record<string, number> = { ...a.what };
  for (const [k, n] of Object.entries(b.what)) what[k] = (what[k] ?? 0) + n;
  return { kind: 'cut', fromMs: Math.min(a.fromMs, b.fromMs), toMs: Math.max(a.toMs, b.toMs), index: Math.min(a.index, b.index), count: a.count + b.count, what };
}

function mergeByIndex(a: readonly Entry[], b: readonly Entry[]): Entry[] {
  const out: Entry[] = [];
  let j = 0;
  for (const e of a) {
    while (j < b.length && b[j]!.item.index < e.item.index) out.push(b[j++]!);
    out.push(e);
  }
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/** The first focus node a text names as a whole word (request ids aside), or ''. */
function focusMatcher(focus: readonly string[]): (text: string) => string {
  if (focus.length === 0) return () => '';
  const escaped = focus.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  // A request id (`setup-node:12`) names its sender, not what the message is about.
  const pattern = new RegExp(`(?:^|[^\\w-])(${escaped.join('|')})(?!:\\d)(?:$|[^\\w-])`);
  return (text) => pattern.exec(text)?.[1] ?? '';
}

function pairKey(from: string, to: string): string {
  return `${from}\u0000${to}`;
}

function typeOfSend(detail: string): string {
  const space = detail.indexOf(' ');
  return space < 0 ? detail : detail.slice(0, space);
}

/** `ping.response` → `ping`: a request and its answers are one exchange. */
function baseType(kind: string): string {
  const type = kind.split(' ')[0]!;
  return type.endsWith('.response') ? type.slice(0, -'.response'.length) : type;
}

/**
 * What kind of message a text is, for telling new from repeated: its type,
 * its status, and its short string fields (`connector-event kind=deleted`);
 * numbers and long strings (ids, keys, timestamps) aside.
 */
function labelKind(detail: string): string {
  const type = typeOfSend(detail);
  if (type.length === detail.length) return type;
  let kind = type;
  const status = /"status":(\d+)/.exec(detail);
  if (status !== null) kind += ` ${status[1]}`;
  for (const m of detail.matchAll(/"(\w{1,30})":"([^"\\]{1,24})"/g)) if (m[1] !== 'requestId') kind += ` ${m[1]}=${maskNumbers(m[2]!)}`;
  return kind;
}

/** Digits as `#`: "reconnect 5 after 3000 ms" and "reconnect 6 after 3000 ms" are the same kind of line. */
function maskNumbers(text: string): string {
  return text.replace(/\d+/g, '#');
}
