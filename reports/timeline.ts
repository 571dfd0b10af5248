/**
 * The timeline: one row per lane (a node's states over the run, or, for a
 * lane of similar nodes, the state most of them are in), a row under it for
 * each timeline fact the scenario declares, the fault windows and the
 * violation.
 *
 * One forward pass over the trace. A state held for less than about a pixel
 * of the chart is not drawn alone: a stretch of such changes becomes one
 * segment that says how many changes it holds, so a row has at most a few
 * thousand segments however long the run.
 */
import type { TraceRecord } from '../sim/kernel/trace.ts';
import type { FactTrack } from '../sim/explore/observed-scenario.ts';
import type { Lane } from './lanes.ts';
import type { FaultWindow, Segment, Timeline, TimelineRow } from './report-data.ts';
import { KERNEL_NODE } from './slice.ts';
import { timeAxis } from './time-axis.ts';

/** Horizontal resolution of the drawn chart, in segments: a 1000 px chart with its label column. */
const RESOLUTION = 800;

/**
 * Segments drawn at most over all rows: about 150 bytes of SVG each, so the
 * timeline stays under half a megabyte however busy the run.
 */
export const TIMELINE_SEGMENTS_MAX = 3_000;

/** A node's state before it first starts. */
export const DOWN = 'down';
/** A running node whose machine has no states to name. */
export const UP = 'up';

export function buildTimeline(trace: readonly TraceRecord[], lanes: readonly Lane[], facts: readonly FactTrack[], endMs: number, violationAtMs: number): Timeline {
  const minMs = Math.max(1, endMs / RESOLUTION);
  const nodeState = new Map<string, NodeState>();
  const laneRows = lanes.map((lane) => {
    const row = new RowBuilder(minMs, DOWN);
    const counts = new Map<string, number>([[DOWN, lane.nodes.length]]);
    for (const n of lane.nodes) nodeState.set(n, { state: DOWN, beforePause: DOWN, row, counts, members: lane.nodes.length });
    return { lane, row };
  });
  const faults: FaultWindow[] = [];
  const open = new Map<string, FaultWindow[]>();

  for (const r of trace) {
    if (r.node === KERNEL_NODE) {
      if (r.kind === 'fault') {
        const w = { number: faults.length + 1, fromMs: r.atMs, toMs: r.atMs, text: r.detail };
        faults.push(w);
        open.set(r.detail, [...(open.get(r.detail) ?? []), w]);
      } else if (r.kind === 'heal') {
        const w = open.get(r.detail)?.shift();
        if (w !== undefined) faults[w.number - 1] = { ...w, toMs: r.atMs };
      }
      continue;
    }
    const s = nodeState.get(r.node);
    if (s === undefined) continue;
    switch (r.kind) {
      case 'state': {
        const arrow = r.detail.indexOf(' -> ');
        move(s, r.atMs, arrow < 0 ? r.detail : r.detail.slice(arrow + 4));
        break;
      }
      case 'start':
        // A machine without states of its own stays "up"; one with states names its first one at the same instant.
        move(s, r.atMs, UP);
        break;
      case 'crash':
        move(s, r.atMs, DOWN);
        break;
      case 'pause':
        s.beforePause = s.state;
        move(s, r.atMs, 'paused');
        break;
      case 'resume':
        move(s, r.atMs, s.beforePause);
        break;
      default:
        break;
    }
  }

  const rows: TimelineRow[] = [];
  const laneOfNode = new Map(lanes.flatMap((l) => l.nodes.map((n) => [n, l] as const)));
  for (const { lane, row } of laneRows) {
    rows.push({ lane: lane.id, label: lane.label, kind: lane.nodes.length === 1 ? 'node' : 'group', segments: row.finish(endMs) });
    for (const fact of facts) if (laneOfNode.get(fact.node) === lane) rows.push(factRow(fact, lane.id, minMs, endMs));
  }
  for (const fact of facts) if (!laneOfNode.has(fact.node)) rows.push(factRow(fact, '', minMs, endMs));
  return { endMs, axis: timeAxis(endMs), rows: bounded(rows, minMs), faults, violationAtMs };
}

interface NodeState {
  state: string;
  beforePause: string;
  readonly row: RowBuilder;
  /** For a lane of several nodes: how many are in each state. */
  readonly counts: Map<string, number>;
  readonly members: number;
}

function move(s: NodeState, atMs: number, next: string): void {
  if (s.members === 1) {
    s.state = next;
    s.row.change(atMs, next);
    return;
  }
  s.counts.set(s.state, (s.counts.get(s.state) ?? 1) - 1);
  s.counts.set(next, (s.counts.get(next) ?? 0) + 1);
  s.state = next;
  s.row.change(atMs, mostCommon(s.counts));
}

/** The state most members are in; ties go to the name first in alphabetical order, so the choice is stable. */
function mostCommon(counts: ReadonlyMap<string, number>): string {
  let best = '';
  let bestCount = -1;
  for (const [state, n] of counts) if (n > bestCount || (n === bestCount && state < best)) [best, bestCount] = [state, n];
  return best;
}

function factRow(fact: FactTrack, lane: string, minMs: number, endMs: number): TimelineRow {
  const row = new RowBuilder(minMs, '');
  for (const c of fact.changes) row.change(c.atMs, c.value ?? '');
  return { lane, label: `${fact.node}: ${fact.name}`, kind: 'fact', segments: row.finish(endMs).filter((s) => s.state !== '' || s.changes > 0) };
}

/** Rows with their segments merged more coarsely until they fit {@link TIMELINE_SEGMENTS_MAX}. */
function bounded(rows: TimelineRow[], minMs: number): TimelineRow[] {
  let out = rows;
  for (let coarse = minMs * 2; out.reduce((n, r) => n + r.segments.length, 0) > TIMELINE_SEGMENTS_MAX; coarse *= 2) {
    out = out.map((r) => ({ ...r, segments: coarsen(r.segments, coarse) }));
  }
  return out;
}

/** Segments shorter than `minMs` merged into stretches of changes. */
function coarsen(segments: readonly Segment[], minMs: number): Segment[] {
  const out: Segment[] = [];
  let busy: Segment | undefined;
  for (const s of segments) {
    if (s.toMs - s.fromMs >= minMs) {
      if (busy !== undefined) out.push(busy);
      busy = undefined;
      out.push(s);
    } else {
      busy = busy === undefined ? { fromMs: s.fromMs, toMs: s.toMs, state: '', changes: Math.max(1, s.changes) } : { ...busy, toMs: s.toMs, changes: busy.changes + Math.max(1, s.changes) };
    }
  }
  if (busy !== undefined) out.push(busy);
  return out;
}

/** Segments of one row, with changes too short to draw merged. */
class RowBuilder {
  private readonly out: Segment[] = [];
  private state: string;
  private sinceMs = 0;
  private busy: { fromMs: number; toMs: number; changes: number; state: string } | undefined;

  constructor(
    private readonly minMs: number,
    initial: string,
  ) {
    this.state = initial;
  }

  change(atMs: number, next: string): void {
    if (next === this.state) return;
    this.close(atMs);
    this.state = next;
    this.sinceMs = atMs;
  }

  finish(endMs: number): Segment[] {
    this.close(Math.max(endMs, this.sinceMs));
    this.flushBusy();
    return this.out;
  }

  private close(atMs: number): void {
    if (atMs <= this.sinceMs) return;
    if (atMs - this.sinceMs >= this.minMs) {
      this.flushBusy();
      this.out.push({ fromMs: this.sinceMs, toMs: atMs, state: this.state, changes: 0 });
    } else if (this.busy === undefined) {
      this.busy = { fromMs: this.sinceMs, toMs: atMs, changes: 1, state: this.state };
    } else {
      this.busy.toMs = atMs;
      this.busy.changes++;
    }
  }

  private flushBusy(): void {
    if (this.busy === undefined) return;
    const { fromMs, toMs, changes, state } = this.busy;
    // One short stretch keeps its state's name; several become one segment of changes.
    this.out.push(changes === 1 ? { fromMs, toMs, state, changes: 0 } : { fromMs, toMs, state: '', changes });
    this.busy = undefined;
  }
}
