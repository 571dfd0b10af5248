/**
 * The run as a Chrome trace-event file (`trace.json`), which ui.perfetto.dev
 * and chrome://tracing open: one track (thread) per node, in order of first
 * appearance, and one for the faults and the violation.
 *
 * - a node's states are slices (`B`/`E`), so its track reads as its state
 *   timeline; a crash ends the slice and leaves a gap until the restart;
 * - a message is a 1 µs slice on the sender (`send <type>`) and one on the
 *   receiver (`recv <type>`), joined by a flow arrow (`s` → `f`); a lost
 *   message's arrow ends on a `lost <type>` slice of its sender, one still
 *   in flight at the end on an `in flight` slice there;
 * - notes, timeouts, starts and crashes are instant events on their node;
 * - a fault with a window is an async slice (`b`/`e`) on the faults track,
 *   one without (a restart) and the violation are global instants.
 *
 * Timestamps are virtual µs (virtual ms × 1000). Records of one node at one
 * virtual ms get consecutive µs, so every track's timestamps strictly
 * increase in file order and slices never overlap. The file is bounded: it
 * holds the last {@link TRACE_RECORDS_MAX} records (every fault is kept)
 * and says how many earlier ones it leaves out.
 */
import { sortKeys } from '../sim/kernel/stable-json.ts';
import type { TraceRecord } from '../sim/kernel/trace.ts';
import { jsonSafe } from './neutral-text.ts';
import { KERNEL_NODE, typeOf, typeOfDrop } from './slice.ts';

/** The file's name beside the report. */
export const TRACE_FILE = 'trace.json';
/**
 * Records written at most: about 4 events and 0.5 kB each, so a few MB,
 * which Perfetto opens at once; longer runs keep their end, where the
 * violation is.
 */
export const TRACE_RECORDS_MAX = 20_000;
/** Longest detail kept in an event's args. */
const DETAIL_MAX = 400;

const PID = 1;
/** Messages in flight kept per pair of nodes (see story.ts: a kernel trace never comes near it). */
const IN_FLIGHT_MAX = 256;
const FRONT_END_ANSWERED = 'front end answered ';
const FAULTS_TID = 0;

type Event = Record<string, unknown>;

export interface ChromeTraceInput {
  readonly trace: readonly TraceRecord[];
  /** Names the process: scenario, variant, seed. */
  readonly title: string;
  readonly endMs: number;
}

export function chromeTrace(input: ChromeTraceInput): { text: string; cut: number } {
  const { trace } = input;
  const start = Math.max(0, trace.length - TRACE_RECORDS_MAX);
  const events: Event[] = [];
  const tids = new Map<string, number>();
  for (const r of trace) if (r.node !== KERNEL_NODE && !tids.has(r.node)) tids.set(r.node, tids.size + 1);

  events.push({ ph: 'M', pid: PID, tid: FAULTS_TID, name: 'process_name', args: { name: input.title } });
  events.push({ ph: 'M', pid: PID, tid: FAULTS_TID, name: 'thread_name', args: { name: 'faults and the violation' } });
  events.push({ ph: 'M', pid: PID, tid: FAULTS_TID, name: 'thread_sort_index', args: { sort_index: 0 } });
  for (const [node, tid] of tids) {
    events.push({ ph: 'M', pid: PID, tid, name: 'thread_name', args: { name: node } });
    events.push({ ph: 'M', pid: PID, tid, name: 'thread_sort_index', args: { sort_index: tid } });
  }

  const lastTs = new Map<number, number>();
  /** The next free µs on a track at or after `atMs`. */
  const at = (tid: number, atMs: number): number => {
    const ts = Math.max(atMs * 1000, lastTs.get(tid) ?? 0);
    lastTs.set(tid, ts + 1);
    return ts;
  };
  const state = new Map<string, { name: string; open: boolean; beforePause: string }>();
  const stateOf = (node: string) => {
    let s = state.get(node);
    if (s === undefined) {
      s = { name: '', open: false, beforePause: '' };
      state.set(node, s);
    }
    return s;
  };
  const begin = (node: string, tid: number, atMs: number, name: string): void => {
    const s = stateOf(node);
    if (s.open) events.push({ ph: 'E', pid: PID, tid, ts: at(tid, atMs) });
    events.push({ ph: 'B', pid: PID, tid, ts: at(tid, atMs), name, cat: 'state' });
    s.name = name;
    s.open = true;
  };
  const end = (node: string, tid: number, atMs: number): void => {
    const s = stateOf(node);
    if (s.open) events.push({ ph: 'E', pid: PID, tid, ts: at(tid, atMs) });
    s.open = false;
  };

  // States before the window, so the tracks open in the right state.
  for (let i = 0; i < start; i++) {
    const r = trace[i]!;
    if (r.node === KERNEL_NODE) continue;
    const s = stateOf(r.node);
    if (r.kind === 'state') s.name = afterArrow(r.detail);
    else if (r.kind === 'crash') s.name = '';
    else if (r.kind === 'pause') [s.beforePause, s.name] = [s.name, `paused (${s.name})`];
    else if (r.kind === 'resume') s.name = s.beforePause;
  }
  /** At the window's first record: say what the file leaves out, and open each track in its state. */
  const openWindow = (atMs: number): void => {
    events.push({ ph: 'i', s: 'g', pid: PID, tid: FAULTS_TID, ts: at(FAULTS_TID, atMs), name: `${start} earlier records not in this file`, cat: 'cut' });
    for (const [node, s] of state) {
      if (s.name === '') continue;
      s.open = false;
      begin(node, tids.get(node)!, atMs, s.name);
    }
  };

  const openFaults = new Map<string, number[]>();
  const flights = new Map<string, { detail: string; type: string; id: number }[]>();
  let flowId = 0;
  const slice = (tid: number, ts: number, name: string, args: Record<string, string>): void => {
    events.push({ ph: 'X', pid: PID, tid, ts, dur: 1, name, cat: 'message', args });
  };
  const finishFlow = (tid: number, ts: number, id: number): void => {
    events.push({ ph: 'f', bp: 'e', pid: PID, tid, ts, id, name: 'message', cat: 'message' });
  };

  trace.forEach((r, i) => {
    if (i === start && start > 0) openWindow(r.atMs);
    if (r.node === KERNEL_NODE) {
      if (r.kind === 'fault') {
        const id = i;
        openFaults.set(r.detail, [...(openFaults.get(r.detail) ?? []), id]);
        events.push({ ph: 'b', pid: PID, tid: FAULTS_TID, ts: at(FAULTS_TID, r.atMs), id, name: r.detail, cat: 'fault' });
      } else if (r.kind === 'heal') {
        const id = openFaults.get(r.detail)?.shift();
        if (id !== undefined) events.push({ ph: 'e', pid: PID, tid: FAULTS_TID, ts: at(FAULTS_TID, r.atMs), id, name: r.detail, cat: 'fault' });
      } else if (r.kind === 'violation') {
        events.push({ ph: 'i', s: 'g', pid: PID, tid: FAULTS_TID, ts: at(FAULTS_TID, r.atMs), name: `violation (${r.detail})`, cat: 'violation' });
      }
      return;
    }
    if (i < start) return;
    const tid = tids.get(r.node)!;
    const detail = short(r.detail);
    switch (r.kind) {
      case 'state':
        begin(r.node, tid, r.atMs, afterArrow(r.detail));
        break;
      case 'crash':
        end(r.node, tid, r.atMs);
        events.push({ ph: 'i', s: 't', pid: PID, tid, ts: at(tid, r.atMs), name: 'crashed', cat: 'process', args: { detail } });
        break;
      case 'start':
        events.push({ ph: 'i', s: 't', pid: PID, tid, ts: at(tid, r.atMs), name: 'started', cat: 'process', args: { detail } });
        break;
      case 'pause': {
        const s = stateOf(r.node);
        s.beforePause = s.name;
        begin(r.node, tid, r.atMs, `paused (${s.name})`);
        break;
      }
      case 'resume': {
        const s = stateOf(r.node);
        if (s.beforePause === '') end(r.node, tid, r.atMs);
        else begin(r.node, tid, r.atMs, s.beforePause);
        break;
      }
      case 'note':
        if (r.peer !== '' && r.detail.startsWith(FRONT_END_ANSWERED)) {
          // The node's front end answered a request itself: the request's arrow ends here.
          const type = r.detail.slice(FRONT_END_ANSWERED.length).split(' ')[0]!;
          const flight = take(flights, `${r.peer}\u0000${r.node}`, (f) => f.type === type);
          if (flight !== undefined) {
            const ts = at(tid, r.atMs);
            slice(tid, ts, `recv ${type} (front end)`, { from: r.peer, detail });
            finishFlow(tid, ts, flight.id);
          }
        }
        events.push({ ph: 'i', s: 't', pid: PID, tid, ts: at(tid, r.atMs), name: `note: ${short(r.detail, 60)}`, cat: 'note', args: { detail, ...(r.peer === '' ? {} : { peer: r.peer }) } });
        break;
      case 'timeout':
        events.push({ ph: 'i', s: 't', pid: PID, tid, ts: at(tid, r.atMs), name: `timeout ${typeOf(r.detail)}`, cat: 'timeout', args: { to: r.peer, detail } });
        break;
      case 'send': {
        const ts = at(tid, r.atMs);
        const id = ++flowId;
        slice(tid, ts, `send ${typeOf(r.detail)}`, { to: r.peer, detail });
        events.push({ ph: 's', pid: PID, tid, ts, id, name: 'message', cat: 'message' });
        const key = `${r.node}\u0000${r.peer}`;
        const queue = flights.get(key);
        const flight = { detail: r.detail, type: typeOf(r.detail), id };
        if (queue === undefined) flights.set(key, [flight]);
        else if (queue.push(flight) > IN_FLIGHT_MAX) {
          // Sends that never pair with a delivery (not a kernel trace): end the oldest arrow where it is, to stay bounded.
          const oldest = queue.shift()!;
          const ts = at(tid, r.atMs);
          slice(tid, ts, `unpaired ${oldest.type}`, { detail: short(oldest.detail) });
          finishFlow(tid, ts, oldest.id);
        }
        break;
      }
      case 'deliver': {
        const ts = at(tid, r.atMs);
        slice(tid, ts, `recv ${typeOf(r.detail)}`, { from: r.peer, detail });
        const flight = take(flights, `${r.peer}\u0000${r.node}`, (f) => f.detail === r.detail);
        if (flight !== undefined) finishFlow(tid, ts, flight.id);
        break;
      }
      case 'drop': {
        const ts = at(tid, r.atMs);
        const type = typeOfDrop(r.detail);
        slice(tid, ts, `lost ${type}`, { to: r.peer, detail });
        const flight = take(flights, `${r.node}\u0000${r.peer}`, (f) => f.type === type);
        if (flight !== undefined) finishFlow(tid, ts, flight.id);
        break;
      }
      default:
        break;
    }
  });

  const endMs = Math.max(input.endMs, trace.length === 0 ? 0 : trace[trace.length - 1]!.atMs);
  for (const [key, queue] of flights) {
    const node = key.split('\u0000')[0]!;
    const tid = tids.get(node)!;
    for (const f of queue) {
      const ts = at(tid, endMs);
      slice(tid, ts, `in flight ${f.type}`, { detail: short(f.detail) });
      finishFlow(tid, ts, f.id);
    }
  }
  for (const [node, tid] of tids) end(node, tid, endMs);
  // A fault still active at the end (a node kept down) ends with the run.
  for (const [name, ids] of openFaults) for (const id of ids) events.push({ ph: 'e', pid: PID, tid: FAULTS_TID, ts: at(FAULTS_TID, endMs), id, name, cat: 'fault' });

  const lines = events.map((e) => JSON.stringify(sortKeys(e)));
  const head = JSON.stringify(sortKeys({ displayTimeUnit: 'ms', otherData: { title: input.title, recordsLeftOut: start, timestamps: 'virtual microseconds' } }));
  const text = `${head.slice(0, -1)},"traceEvents":[\n${lines.join(',\n')}\n]}\n`;
  return { text: jsonSafe(text), cut: start };
}

function take<T>(map: Map<string, T[]>, key: string, matches: (t: T) => boolean): T | undefined {
  const queue = map.get(key);
  if (queue === undefined) return undefined;
  const at = queue.findIndex(matches);
  if (at < 0) return undefined;
  const [found] = queue.splice(at, 1);
  if (queue.length === 0) map.delete(key);
  return found;
}

function afterArrow(detail: string): string {
  const arrow = detail.indexOf(' -> ');
  return arrow < 0 ? detail : detail.slice(arrow + 4);
}

function short(text: string, max = DETAIL_MAX): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
