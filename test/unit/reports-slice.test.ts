/**
 * The causal slice, the story told from it, lanes, the timeline and the
 * time axis, on traces written by hand so every expectation can be worked
 * out on paper.
 */
import { describe, expect, it } from 'vitest';
import type { TraceKind, TraceRecord } from 'chaos-testbed';
import { firstDivergence } from '../../reports/cause.ts';
import { assignLanes, labelOf, LANES_MAX } from '../../reports/lanes.ts';
import type { CutItem, MessageItem, RepeatItem } from '../../reports/report-data.ts';
import { causalSlice } from '../../reports/slice.ts';
import { STORY_ITEMS_MAX, tellStory } from '../../reports/story.ts';
import { formatTick, timeAxis } from '../../reports/time-axis.ts';
import { buildTimeline, TIMELINE_SEGMENTS_MAX } from '../../reports/timeline.ts';

/** A trace from `[atMs, node, kind, peer, detail]` rows. */
function trace(rows: readonly (readonly [number, string, TraceKind, string, string])[]): TraceRecord[] {
  return rows.map(([atMs, node, kind, peer, detail], index) => ({ index, atMs, node, kind, peer, detail }));
}

/** A message from `from` to `to`, sent at `atMs` and delivered `latencyMs` later. */
function message(atMs: number, from: string, to: string, detail: string, latencyMs = 1): [number, string, TraceKind, string, string][] {
  return [
    [atMs, from, 'send', to, detail],
    [atMs + latencyMs, to, 'deliver', from, detail],
  ];
}

const lanesFor = (t: TraceRecord[], focus: string[]) => {
  const slice = causalSlice(t, focus);
  return { slice, lanes: assignLanes({ nodes: [...slice.nodes, ...slice.strays], focus: new Set(slice.focus), weight: slice.weight }) };
};

describe('causal slice', () => {
  // a → b → c is the chain that reaches c; d ↔ e never touch it; a and b go on after their last message that matters.
  const t = trace([
    [0, 'a', 'state', '', 'idle -> busy'],
    ...message(1, 'a', 'b', 'x'),
    [3, 'a', 'state', '', 'busy -> idle'],
    ...message(4, 'd', 'e', 'unrelated'),
    ...message(5, 'b', 'c', 'y'),
    [7, 'b', 'state', '', 'late'],
    ...message(8, 'b', 'a', 'after'),
    [9, 'c', 'note', '', 'c saw y'],
  ]);
  const slice = causalSlice(t, ['c']);

  it('keeps what happened before the violation on the nodes that reach it, along messages', () => {
    expect(slice.nodes).toEqual(['a', 'b', 'c']);
    expect(slice.frontier.get('c')).toBe(t.length - 1);
    // b's frontier is its send of y: what b did after it cannot have reached c.
    expect(slice.frontier.get('b')).toBe(t.findIndex((r) => r.node === 'b' && r.kind === 'send' && r.detail === 'y'));
    // a's frontier is its send of x: its later state change is out.
    expect(slice.frontier.get('a')).toBe(t.findIndex((r) => r.node === 'a' && r.kind === 'send'));
    expect(slice.leftOut).toEqual(['d', 'e']);
  });

  it('tells the story of just those records, and counts what went out of the slice', () => {
    const { lanes } = lanesFor(t, ['c']);
    const story = tellStory({ trace: t, slice, lanes, stepAtMs: null });
    const lines = story.items.map((i) => (i.kind === 'message' ? `${i.from}→${i.to} ${i.label}` : i.kind === 'event' ? i.text : i.kind));
    expect(lines).toEqual(['a: idle → busy', 'a→b x', 'b→c y', 'c: c saw y']);
  });

  it('shows a message lost or still in flight from the slice, and the node it was meant for', () => {
    const lost = trace([...message(0, 'a', 'c', 'hello'), [5, 'a', 'send', 'z', 'probe {"requestId":"a:1"}'], [5, 'a', 'drop', 'z', 'probe: partitioned'], [6, 'a', 'send', 'z', 'probe {"requestId":"a:2"}'], [6, 'c', 'note', '', 'end']]);
    const { slice: s, lanes } = lanesFor(lost, ['a']);
    expect(s.strays).toEqual(['z']);
    const story = tellStory({ trace: lost, slice: s, lanes, stepAtMs: 6 });
    const fates = story.items.filter((i): i is MessageItem => i.kind === 'message' && i.to === 'z').map((m) => [m.fate, m.why, m.step]);
    expect(fates).toEqual([
      ['lost', 'partitioned', false],
      ['in flight', '', true],
    ]);
  });
});

describe('story', () => {
  it('folds a repetitive exchange into one line with a count and a time range', () => {
    const rows: [number, string, TraceKind, string, string][] = [];
    for (let k = 0; k < 58; k++) {
      const at = 12_000 + k * 1_000;
      rows.push(...message(at, 'client-3', 'relay', `ping {"requestId":"client-3:${k}"}`), ...message(at + 2, 'relay', 'client-3', `ping.response {"requestId":"client-3:${k}","status":200,"body":null}`));
    }
    rows.push([70_400, 'client-3', 'note', '', 'reconnect: ping deadline passed']);
    const t = trace(rows);
    const { slice, lanes } = lanesFor(t, ['client-3']);
    const story = tellStory({ trace: t, slice, lanes, stepAtMs: null });
    const repeat = story.items.find((i): i is RepeatItem => i.kind === 'repeat')!;
    expect(repeat.text).toBe('client-3 ⇄ relay: ping ×57');
    expect(repeat.count).toBe(114);
    expect([repeat.fromMs, repeat.toMs]).toEqual([13_001, 69_003]);
    // The first ping and its answer are shown as they are, the note after the repeat.
    expect(story.items.map((i) => i.kind)).toEqual(['message', 'message', 'repeat', 'event']);
  });

  it('stays bounded, and marks every cut with where it was and what it held', () => {
    const rows: [number, string, TraceKind, string, string][] = [];
    // Ten thousand different things (numbers alone would be folded: each note is new in its words).
    const words = (n: number) => n.toString(26).replace(/\d/g, (d) => 'qrstuvwxyz'[Number(d)]!);
    for (let k = 0; k < 10_000; k++) rows.push([k, 'n', 'note', '', `event ${words(k)}`]);
    const t = trace(rows);
    const { slice, lanes } = lanesFor(t, ['n']);
    const story = tellStory({ trace: t, slice, lanes, stepAtMs: null });
    const shown = story.items.filter((i) => i.kind !== 'cut');
    const cuts = story.items.filter((i): i is CutItem => i.kind === 'cut');
    expect(shown.length).toBeLessThanOrEqual(STORY_ITEMS_MAX);
    expect(cuts.length).toBeGreaterThan(0);
    expect(story.cut + shown.length).toBe(10_000);
    for (const c of cuts) expect(Object.values(c.what).reduce((a, b) => a + b, 0)).toBe(c.count);
    // Oldest first: what is kept is the end, nearest the violation.
    expect(shown[shown.length - 1]!.kind === 'event' && shown[shown.length - 1]!.index).toBe(9_999);
    expect(cuts[0]!.fromMs).toBe(0);
  });
});

describe('lanes', () => {
  it('group similar nodes and keep the focus apart, at most twelve', () => {
    const nodes = ['relay', ...Array.from({ length: 100 }, (_, i) => `client-${i + 1}`)];
    const lanes = assignLanes({ nodes, focus: new Set(['client-37']), weight: new Map() });
    expect(lanes.map((l) => l.label)).toEqual(['relay', 'client-1 … client-36 (36)', 'client-37', 'client-38 … client-100 (63)']);
    expect(lanes.find((l) => l.label === 'client-37')!.focus).toBe(true);
  });

  it('put the least active of many distinct nodes in one lane', () => {
    const nodes = Array.from({ length: 30 }, (_, i) => `node${String.fromCharCode(97 + (i % 26))}${i >= 26 ? 'x' : ''}`);
    const weight = new Map(nodes.map((n, i) => [n, 100 - i]));
    const lanes = assignLanes({ nodes, focus: new Set(['nodez']), weight });
    expect(lanes.length).toBe(LANES_MAX);
    expect(lanes.map((l) => l.nodes).flat().sort()).toEqual([...nodes].sort());
    expect(lanes.some((l) => l.label === 'other nodes (19)')).toBe(true);
    expect(lanes.find((l) => l.nodes.includes('nodez'))!.nodes).toEqual(['nodez']);
  });

  it('never exceed twelve, whatever the mix', () => {
    for (const count of [1, 12, 13, 50, 1000]) {
      const nodes = Array.from({ length: count }, (_, i) => (i % 3 === 0 ? `srv-${i}` : i % 3 === 1 ? `client-${i}` : `x${i}y`));
      const lanes = assignLanes({ nodes, focus: new Set(nodes.slice(0, 4)), weight: new Map() });
      expect(lanes.length).toBeLessThanOrEqual(LANES_MAX);
      expect(lanes.flatMap((l) => l.nodes).length).toBe(count);
    }
  });

  it('label a group by its range, or what is missing from it', () => {
    expect(labelOf(['srv-1', 'srv-2', 'srv-3'], 'srv-')).toBe('srv-1 … srv-3 (3)');
    expect(labelOf(['srv-1', 'srv-2', 'srv-4'], 'srv-')).toBe('srv-1 … srv-4 without srv-3 (3)');
    expect(labelOf(['srv-1', 'srv-20'], 'srv-')).toBe('srv-* (2: srv-1 … srv-20)');
  });
});

describe('timeline', () => {
  it('has one row per lane, not one per interval, with fault windows and the violation', () => {
    const rows: [number, string, TraceKind, string, string][] = [[0, 'a', 'start', '', 'incarnation 1'], [0, 'a', 'state', '', 'idle']];
    for (let k = 1; k <= 9; k++) rows.push([k * 1_000, 'a', 'state', '', k % 2 === 1 ? 'idle -> busy' : 'busy -> idle']);
    rows.push([2_000, 'sim', 'fault', '', 'pause a for 1000ms'], [3_000, 'sim', 'heal', '', 'pause a for 1000ms'], [500, 'b', 'start', '', 'incarnation 1']);
    const t = trace(rows.sort((x, y) => x[0] - y[0]));
    const lanes = assignLanes({ nodes: ['a', 'b'], focus: new Set(['a']), weight: new Map() });
    const timeline = buildTimeline(t, lanes, [{ node: 'a', name: 'ready', changes: [{ atMs: 0, value: 'false' }, { atMs: 4_000, value: 'true' }], dropped: 0 }], 10_000, 10_000);
    expect(timeline.rows.map((r) => [r.label, r.kind])).toEqual([
      ['a', 'node'],
      ['a: ready', 'fact'],
      ['b', 'node'],
    ]);
    expect(timeline.rows[0]!.segments.map((s) => s.state)).toEqual(['idle', 'busy', 'idle', 'busy', 'idle', 'busy', 'idle', 'busy', 'idle', 'busy']);
    expect(timeline.rows[1]!.segments.map((s) => [s.state, s.fromMs, s.toMs])).toEqual([
      ['false', 0, 4_000],
      ['true', 4_000, 10_000],
    ]);
    // A machine with no states of its own is "up" from its start.
    expect(timeline.rows[2]!.segments.map((s) => s.state)).toEqual(['down', 'up']);
    expect(timeline.faults).toEqual([{ number: 1, fromMs: 2_000, toMs: 3_000, text: 'pause a for 1000ms' }]);
    expect(timeline.violationAtMs).toBe(10_000);
  });

  it('merges changes too short to draw and stays bounded', () => {
    const rows: [number, string, TraceKind, string, string][] = [];
    for (let k = 0; k < 200_000; k++) rows.push([k, `n${k % 12}`, 'state', '', `s${k % 5} -> s${(k + 1) % 5}`]);
    const t = trace(rows);
    const lanes = assignLanes({ nodes: Array.from({ length: 12 }, (_, i) => `n${i}`), focus: new Set(), weight: new Map() });
    const timeline = buildTimeline(t, lanes, [], 200_000, 200_000);
    expect(timeline.rows.reduce((n, r) => n + r.segments.length, 0)).toBeLessThanOrEqual(TIMELINE_SEGMENTS_MAX);
    expect(timeline.rows[0]!.segments.some((s) => s.state === '' && s.changes > 1)).toBe(true);
  });
});

describe('time axis', () => {
  it('chooses units for the run length', () => {
    expect(timeAxis(4).ticks.map((t) => t.label)).toEqual(['0 ms', '1 ms', '2 ms', '3 ms', '4 ms']);
    expect(timeAxis(85_000).ticks.map((t) => t.label)).toEqual(['0 s', '15 s', '30 s', '45 s', '60 s', '75 s']);
    expect(timeAxis(1_800_000).unit).toBe('min');
    expect(timeAxis(1_800_000).ticks[1]!.label).toBe('5 min');
    expect(formatTick(5 * 3_600_000 + 30 * 60_000, 'h')).toBe('5 h 30');
  });
});

describe('first divergence', () => {
  it('is per node, so records of other nodes interleaving differently do not count', () => {
    const buggy = trace([[0, 'a', 'state', '', 'x'], [1, 'b', 'note', '', 'one'], [1, 'a', 'note', '', 'same'], [2, 'a', 'note', '', 'buggy']]);
    const fixed = trace([[0, 'a', 'state', '', 'x'], [1, 'a', 'note', '', 'same'], [1, 'b', 'note', '', 'one'], [2, 'a', 'note', '', 'fixed']]);
    const d = firstDivergence(buggy, fixed, () => true)!;
    expect([d.node, d.atMs, d.buggy?.detail, d.fixed?.detail]).toEqual(['a', 2, 'buggy', 'fixed']);
    expect(d.shared.map((r) => r.detail)).toEqual(['x', 'same']);
  });

  it('takes a changed message format as a note, and a field that agreed before and now differs as the point', () => {
    const buggy = trace([[0, 'c', 'send', 'api', 'publish {"key":"k","owner":"o1"}'], [5, 'c', 'send', 'api', 'publish {"key":"k","owner":"o2"}']]);
    const fixed = trace([[0, 'c', 'send', 'api', 'publish {"key":"k/p","owner":"o1"}'], [5, 'c', 'send', 'api', 'publish {"key":"k/p","owner":"o1"}']]);
    const d = firstDivergence(buggy, fixed, () => true)!;
    expect([d.atMs, d.field]).toEqual([5, 'owner']);
    expect(d.formatFirst?.buggy.atMs).toBe(0);
  });

  it('does not count the fixed run going on past the violation', () => {
    const buggy = trace([[0, 'a', 'note', '', 'x'], [3, 'a', 'note', '', 'y']]);
    const fixed = trace([[0, 'a', 'note', '', 'x'], [3, 'a', 'note', '', 'y'], [3, 'a', 'note', '', 'z'], [4, 'a', 'note', '', 'w']]);
    expect(firstDivergence(buggy, fixed, () => true)).toBeUndefined();
  });
});
