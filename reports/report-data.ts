/**
 * The content of an incident report, independent of how it is rendered.
 * Markdown, HTML and JSON are three views of one {@link ReportData}, so they
 * always say the same thing.
 *
 * Everything here is a function of the finding and its trace: no wall-clock
 * time, no random ids. Two renderings of one finding are byte-identical.
 */
import type { Json } from '../sim/kernel/faults.ts';
import type { Outcome } from '../sim/kernel/outcome.ts';

/** Events of the causal slice kept in a report (the most recent ones). */
export const SLICE_LIMIT = 60;
/** Narrative lines kept (the most recent ones, faults always kept). */
export const NARRATIVE_LIMIT = 30;
/** State intervals kept per actor in the timeline (the most recent ones). */
export const TIMELINE_INTERVALS_PER_ACTOR = 12;
/** Actors shown in the timeline at most. */
export const TIMELINE_ACTORS = 8;

export interface ReportData {
  /** `chaos-testbed/report` version, for tools reading the JSON. */
  readonly format: 'chaos-testbed/report';
  readonly version: 1;
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
  readonly narrative: {
    readonly lines: readonly { readonly atMs: number; readonly node: string; readonly text: string }[];
    /** Lines of the slice left out to keep the narrative short. */
    readonly cut: number;
  };
  readonly sequence: {
    readonly participants: readonly string[];
    readonly messages: readonly SequenceMessage[];
    /** Messages of the run not shown (outside the slice, or past the limit). */
    readonly cut: number;
  };
  readonly timeline: {
    readonly actors: readonly { readonly node: string; readonly intervals: readonly StateInterval[]; readonly cut: number }[];
  };
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
  readonly trace: { readonly hash: string; readonly records: number; readonly events: number; readonly simulatedMs: number };
}

export interface ReportSeries {
  readonly name: string;
  readonly bucketMs: number;
  readonly lines: readonly { readonly variant: string; readonly counts: readonly number[] }[];
}

export interface SequenceMessage {
  readonly atMs: number;
  readonly from: string;
  readonly to: string;
  readonly label: string;
  /** The message never arrived (partition, loss, crash, timeout). */
  readonly lost: boolean;
}

export interface StateInterval {
  readonly fromMs: number;
  readonly toMs: number;
  readonly state: string;
}
