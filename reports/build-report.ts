/**
 * Builds a report's content from a finding and its runs: the finding's run
 * with a full trace, and the same seed and plan on the fixed variant.
 * Reports never run models: whoever calls this has run them
 * (`sim/explore/report-runs.ts`).
 *
 * The order of the work: the violation and the nodes its check read (the
 * focus); the causal slice back from them; lanes for the slice's nodes;
 * the story of the slice; the first point where the fixed run differs; the
 * timeline. Each is one pass over the trace at most, so a report on a
 * million-record run takes a few seconds and memory that does not grow
 * with the trace.
 */
import type { FactTrack } from '../sim/explore/observed-scenario.ts';
import { describeFault, type FaultPlan } from '../sim/kernel/faults.ts';
import { describeOutcome, type Outcome } from '../sim/kernel/outcome.ts';
import type { RunResult } from '../sim/kernel/run.ts';
import type { ScenarioSource } from '../sim/kernel/scenario.ts';
import { explainCause } from './cause.ts';
import { TRACE_FILE, TRACE_RECORDS_MAX } from './chrome-trace.ts';
import { formatT } from './labels.ts';
import { assignLanes, familyOf } from './lanes.ts';
import type { ReportData, ReportSeries, SliceSummary } from './report-data.ts';
import { causalSlice, KERNEL_NODE } from './slice.ts';
import { tellStory } from './story.ts';
import { buildTimeline } from './timeline.ts';

export { compactLabel } from './labels.ts';

/** Nodes named when the report lists those left out of the slice. */
const LEFT_OUT_NAMED = 8;

export interface ReportInput {
  readonly scenario: { readonly id: string; readonly title: string; readonly description: string; readonly source?: ScenarioSource };
  readonly variant: string;
  readonly seed: number;
  readonly plan: FaultPlan;
  readonly oneMinimal: boolean;
  readonly fingerprint: { readonly id: string; readonly text: string; readonly count: number };
  /** The minimal plan's run, with a full trace. */
  readonly run: RunResult;
  /**
   * Nodes whose handles the broken check read when it broke (see
   * `sim/explore/observed-scenario.ts`); without them the slice starts from
   * the nodes the violation names.
   */
  readonly checkReads?: readonly string[];
  /** The scenario's timeline facts over the run. */
  readonly facts?: readonly FactTrack[];
  /** Why the broken invariant matters (from the scenario); empty if unknown. */
  readonly invariantWhy: string;
  readonly replayCommand: string;
  /** The same seed and plan on the fixed variant, full trace; null when the finding is on it. */
  readonly fixed: { readonly variant: string; readonly run: RunResult } | null;
  readonly campaign: ReportData['campaign'];
  /** The scenario's series under the minimal plan (see reports/series.ts), if it declares one. */
  readonly series?: ReportSeries | null;
}

export function buildReport(input: ReportInput): ReportData {
  const { run } = input;
  const trace = run.trace;
  const violation = describeViolation(run.outcome, input.invariantWhy);
  const { focus, focusFrom } = focusOf(input, violation);
  const slice = causalSlice(trace, focus);
  const placed = [...slice.nodes, ...slice.strays].sort((a, b) => slice.firstSeen.get(a)! - slice.firstSeen.get(b)!);
  const lanes = assignLanes({ nodes: placed, focus: new Set(slice.focus), weight: slice.weight });
  const stepAtMs = violation.kind === 'liveness-violation' || violation.kind === 'pass' ? null : violation.atMs;
  const story = tellStory({ trace, slice, lanes, stepAtMs });
  const fixedRun = input.fixed;
  const cause = explainCause(trace, fixedRun?.run.trace ?? null, new Set(slice.nodes), slice.focus, fixedRun?.variant ?? 'fixed');
  const fixedVerdict =
    fixedRun === null
      ? null
      : {
          variant: fixedRun.variant,
          outcome: fixedRun.run.outcome,
          verdict:
            fixedRun.run.outcome.kind === 'pass'
              ? `The ${fixedRun.variant} variant holds under the same seed and plan.`
              : `The ${fixedRun.variant} variant fails too: ${describeOutcome(fixedRun.run.outcome)}.`,
        };
  const sliceSummary: SliceSummary = {
    focus: slice.focus,
    focusFrom,
    nodes: slice.nodes.length,
    records: slice.records,
    leftOut: { count: slice.leftOut.length, first: slice.leftOut.slice(0, LEFT_OUT_NAMED) },
    lanes,
  };
  const where = `${violation.invariant} broke at ${formatT(violation.atMs)} (${violation.kind.replace('-', ' ')})`;
  return {
    format: 'chaos-testbed/report',
    version: 2,
    title: `${input.scenario.id}: ${violation.invariant} broken (${input.variant})`,
    scenario: {
      id: input.scenario.id,
      title: input.scenario.title,
      description: input.scenario.description,
      incident: input.scenario.source?.incident ?? null,
      figures: input.scenario.source?.figures ?? [],
    },
    variant: input.variant,
    verdict: `${where}: ${violation.detail}.${fixedVerdict === null ? '' : ` ${fixedVerdict.verdict}`}`,
    cause,
    replayCommand: input.replayCommand,
    fingerprint: input.fingerprint,
    seed: input.seed,
    violation,
    plan: { oneMinimal: input.oneMinimal, faults: input.plan.faults.map((f) => ({ atMs: f.atMs, kind: f.kind, description: describeFault(f) })) },
    slice: sliceSummary,
    story,
    timeline: buildTimeline(trace, lanes, input.facts ?? [], run.simulatedMs, violation.atMs),
    fixed: fixedVerdict,
    series: input.series ?? null,
    campaign: input.campaign,
    trace: {
      hash: run.traceHash,
      records: run.traceLength,
      events: run.events,
      simulatedMs: run.simulatedMs,
      file: TRACE_FILE,
      fileCut: Math.max(0, trace.length - TRACE_RECORDS_MAX),
    },
  };
}

/**
 * Where the slice starts. The nodes the broken check read, when known; of a
 * family of similar nodes it read (a fleet checked server by server), only
 * the members the violation names, if it names any, since it read the
 * others to find them. Failing that, the nodes the violation names; then
 * the nodes that acted at the last instant; then every node.
 */
function focusOf(input: ReportInput, violation: ReportData['violation']): { focus: string[]; focusFrom: SliceSummary['focusFrom'] } {
  const known = nodesOf(input.run);
  const text = `${violation.detail} ${JSON.stringify(violation.values)}`;
  const named = nodesIn(text, known);
  const reads = (input.checkReads ?? []).filter((n) => known.includes(n));
  if (reads.length > 0) {
    const namedFamilies = new Set(named.filter((n) => reads.includes(n)).map(familyOf).filter((f) => f !== undefined));
    return { focus: reads.filter((n) => named.includes(n) || !namedFamilies.has(familyOf(n) ?? '')), focusFrom: 'check reads' };
  }
  if (named.length > 0) return { focus: named, focusFrom: 'violation text' };
  const trace = input.run.trace;
  const last = new Set<string>();
  const lastAtMs = trace.length > 0 ? trace[trace.length - 1]!.atMs : 0;
  for (let i = trace.length - 1; i >= 0 && trace[i]!.atMs === lastAtMs; i--) if (trace[i]!.node !== KERNEL_NODE) last.add(trace[i]!.node);
  if (last.size > 0) return { focus: [...last].sort(), focusFrom: 'last step' };
  return { focus: known, focusFrom: 'every node' };
}

function describeViolation(outcome: Outcome, why: string): ReportData['violation'] {
  switch (outcome.kind) {
    case 'safety-violation':
    case 'liveness-violation':
      return { kind: outcome.kind, invariant: outcome.invariant, why, atMs: outcome.atMs, detail: outcome.detail, values: outcome.values };
    case 'model-crash':
      return { kind: outcome.kind, invariant: 'model-crash', why: 'A model threw: the model, not the system, has a bug.', atMs: outcome.atMs, detail: `${outcome.node}: ${outcome.message}`, values: { node: outcome.node } };
    case 'budget-exceeded':
      return { kind: outcome.kind, invariant: `budget-${outcome.reason}`, why: 'The run never settled: a livelock, or far more work than the scenario expects.', atMs: outcome.atMs, detail: outcome.detail, values: {} };
    case 'nondeterminism':
      return { kind: outcome.kind, invariant: 'determinism', why: 'A model read the wall clock or unseeded randomness: its runs cannot be replayed.', atMs: outcome.atMs, detail: `${outcome.api} at ${outcome.callSite}`, values: { api: outcome.api, callSite: outcome.callSite } };
    case 'model-hang':
      return { kind: outcome.kind, invariant: 'model-hang', why: 'A model never returned from a step: the watchdog stopped it at its wall-clock budget.', atMs: outcome.atMs, detail: outcome.detail, values: { budgetMs: outcome.budgetMs } };
    case 'resource-exhausted':
      return { kind: outcome.kind, invariant: `resource-${outcome.resource}`, why: 'The run outgrew its memory budget: the watchdog stopped it.', atMs: outcome.atMs, detail: outcome.detail, values: { limitMb: outcome.limitMb } };
    case 'pass':
      return { kind: 'pass', invariant: 'none', why, atMs: 0, detail: 'nothing broke', values: {} };
  }
}

/** The nodes that appear in a run's trace, in order of first appearance (one pass). */
function nodesOf(run: RunResult): string[] {
  const seen = new Set<string>();
  for (const r of run.trace) if (r.node !== KERNEL_NODE) seen.add(r.node);
  return [...seen];
}

/** Node names that occur in `text` as whole words, in order of first occurrence. */
function nodesIn(text: string, known: readonly string[]): string[] {
  const found = known.filter((n) => new RegExp(`(^|[^\\w-])${escapeRegExp(n)}($|[^\\w-])`).test(text));
  return found.sort((a, b) => text.indexOf(a) - text.indexOf(b));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
