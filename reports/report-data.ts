/**
 * The content of an incident report, independent of how it is rendered.
 * Markdown, HTML and JSON are three views of one {@link ReportData}, so they
 * always say the same thing.
 *
 * Everything here is a function of the finding and its runs: no wall-clock
 * time, no random ids. Two renderings of one finding are byte-identical.
 */
import type { Json } from '../sim/kernel/faults.ts';
import type { Outcome } from '../sim/kernel/outcome.ts';
import type { Lane } from './lanes.ts';
import type { TimeAxis } from './time-axis.ts';

export type { Lane } from './lanes.ts';

export interface ReportData {
  /** `chaos-testbed/report` version, for tools reading the JSON. */
  readonly format: 'chaos-testbed/report';
  readonly version: 2;
  readonly title: string;
  readonly scenario: {
    readonly id: string;
    readonly title: string;
    readonly description: string;
    readonly incident: string | null;
    readonly figures: readonly string[];
  };
  readonly variant: string;
  /** One line: what broke, when, and whether the fix holds. */
  readonly verdict: string;
  /** The first point where this run and the fixed one part ways. */
  readonly cause: Cause;
  /** The one command that replays the finding. */
  readonly replayCommand: string;
  readonly fingerprint: { readonly id: string; readonly text: string; readonly count: number };
  readonly seed: number;
  readonly violation: {
    readonly kind: string;
    readonly invariant: string;
    readonly why: string;
    readonly atMs: number;
    readonly detail: string;
    readonly values: Readonly<Record<string, Json>>;
  };
  readonly plan: {
    readonly oneMinimal: boolean;
    readonly faults: readonly { readonly atMs: number; readonly kind: string; readonly description: string }[];
  };
  readonly slice: SliceSummary;
  /** The slice told in order: what the narrative lists and the sequence diagram draws. */
  readonly story: Story;
  readonly timeline: Timeline;
  readonly fixed: { readonly variant: string; readonly outcome: Outcome; readonly verdict: string } | null;
  /** The scenario's series over time under the minimal plan, for the finding's variant and `fixed`; null if it declares none. */
  readonly series: ReportSeries | null;
  readonly campaign: {
    readonly seed: number;
    readonly runs: number;
    readonly runsToFirstFailure: number | null;
    readonly simulatedMs: number;
    readonly faultsFired: Readonly<Record<string, number>>;
    readonly statesReached: number;
    readonly transitionsReached: number;
    readonly warnings: readonly string[];
  } | null;
  readonly trace: {
    readonly hash: string;
    readonly records: number;
    readonly events: number;
    readonly simulatedMs: number;
    /** The Chrome trace-event file beside the report (ui.perfetto.dev, chrome://tracing). */
    readonly file: string;
    /** Records of the run the trace file leaves out (the earliest ones, past its bound). */
    readonly fileCut: number;
  };
}

export interface SliceSummary {
  /** The nodes the slice starts from: those the broken check read (or, failing that, named). */
  readonly focus: readonly string[];
  /** How the focus was found. */
  readonly focusFrom: 'check reads' | 'violation text' | 'last step' | 'every node';
  /** Nodes in the slice. */
  readonly nodes: number;
  /** Records of the run in the slice, of all records. */
  readonly records: number;
  /** Nodes that cannot have influenced the violation, left out (the first few, and how many). */
  readonly leftOut: { readonly count: number; readonly first: readonly string[] };
  readonly lanes: readonly Lane[];
}

export interface Story {
  readonly items: readonly StoryItem[];
  /** Records of the slice behind cut markers. */
  readonly cut: number;
  /** Messages from the slice to nodes outside it that arrived there (they influenced nothing the check saw). */
  readonly messagesOut: number;
}

/** One line of the story. Every item names the lanes it is drawn on. */
export type StoryItem = EventItem | MessageItem | RepeatItem | CutItem;

export interface EventItem {
  readonly kind: 'event';
  readonly atMs: number;
  readonly index: number;
  readonly what: 'fault' | 'heal' | 'state' | 'note' | 'crash' | 'start' | 'pause' | 'resume' | 'timeout';
  /** `sim` for faults. */
  readonly node: string;
  /** Lane ids; every lane for a fault. */
  readonly lanes: readonly string[];
  readonly text: string;
  /** At the violating instant. */
  readonly step: boolean;
}

export interface MessageItem {
  readonly kind: 'message';
  /** When it arrived, was lost, or (in flight) was sent. */
  readonly atMs: number;
  readonly sentAtMs: number;
  readonly index: number;
  readonly from: string;
  readonly to: string;
  readonly fromLane: string;
  readonly toLane: string;
  readonly label: string;
  readonly fate: 'delivered' | 'lost' | 'in flight';
  /** Why it was lost (`partitioned`), or empty. */
  readonly why: string;
  readonly step: boolean;
}

/** Items like one shown before, since the last new thing on their lanes: one line with a count and a time range. */
export interface RepeatItem {
  readonly kind: 'repeat';
  readonly fromMs: number;
  readonly toMs: number;
  readonly index: number;
  readonly count: number;
  /** What repeats: `messages` (drawn as an arrow), or events (a note): `state changes`, `notes`, `timeouts`, … */
  readonly of: string;
  readonly lanes: readonly string[];
  /** `client-3 ⇄ relay: ping ×58` */
  readonly text: string;
  /** The same without who: `ping ×58`, for an arrow between the lanes. */
  readonly label: string;
  /** Some of the nodes involved, when the lanes hold several. */
  readonly nodes: readonly string[];
}

/** Items left out to keep the story bounded, where they were. */
export interface CutItem {
  readonly kind: 'cut';
  readonly fromMs: number;
  readonly toMs: number;
  readonly index: number;
  /** Records of the slice left out here. */
  readonly count: number;
  /** What they were: `{ messages: 12, 'state changes': 3 }`. */
  readonly what: Readonly<Record<string, number>>;
}

export interface Cause {
  /** Both runs were available and compared. */
  readonly compared: boolean;
  /** One sentence: where the runs part ways, and what each did. */
  readonly sentence: string;
  readonly atMs: number | null;
  readonly node: string | null;
  /** The point is on a node of the slice (not only somewhere in the run). */
  readonly inSlice: boolean;
  /** That node's last records the two runs share, then what each did next. */
  readonly shared: readonly CauseLine[];
  readonly buggy: readonly CauseLine[];
  readonly fixed: readonly CauseLine[];
}

export interface CauseLine {
  readonly atMs: number;
  readonly text: string;
}

export interface Timeline {
  readonly endMs: number;
  readonly axis: TimeAxis;
  readonly rows: readonly TimelineRow[];
  readonly faults: readonly FaultWindow[];
  readonly violationAtMs: number;
}

export interface TimelineRow {
  readonly lane: string;
  readonly label: string;
  /** A node's states, a fact's values, or a group's most common state. */
  readonly kind: 'node' | 'group' | 'fact';
  readonly segments: readonly Segment[];
}

export interface Segment {
  readonly fromMs: number;
  readonly toMs: number;
  /** The state (or the fact's value); empty for a stretch of changes too short to draw one by one. */
  readonly state: string;
  /** State changes merged into this segment (0 for a plain one). */
  readonly changes: number;
}

export interface FaultWindow {
  readonly number: number;
  readonly fromMs: number;
  /** Equal to `fromMs` for a fault with no window (a restart). */
  readonly toMs: number;
  readonly text: string;
}

export interface ReportSeries {
  readonly name: string;
  readonly bucketMs: number;
  readonly lines: readonly { readonly variant: string; readonly counts: readonly number[] }[];
}
