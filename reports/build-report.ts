/**
 * Builds a report's content from a finding and the full trace of its minimal
 * run. Reports never run models: whoever calls this has run them.
 */
import { describeFault, type FaultPlan } from '../sim/kernel/faults.ts';
import { describeOutcome, type Outcome } from '../sim/kernel/outcome.ts';
import type { RunResult } from '../sim/kernel/run.ts';
import type { ScenarioSource } from '../sim/kernel/scenario.ts';
import { formatT, narrate } from './narrative.ts';
import {
  NARRATIVE_LIMIT,
  SLICE_LIMIT,
  TIMELINE_ACTORS,
  TIMELINE_INTERVALS_PER_ACTOR,
  type ReportData,
  type SequenceMessage,
} from './report-data.ts';
import { causalSlice } from './slice.ts';
import { timelines } from './timeline.ts';

export interface ReportInput {
  readonly scenario: { readonly id: string; readonly title: string; readonly description: string; readonly source?: ScenarioSource };
  readonly variant: string;
  readonly seed: number;
  readonly plan: FaultPlan;
  readonly oneMinimal: boolean;
  readonly fingerprint: { readonly id: string; readonly text: string; readonly count: number };
  /** The minimal plan's run, with a full trace. */
  readonly run: RunResult;
  /** Why the broken invariant matters (from the scenario); empty if unknown. */
  readonly invariantWhy: string;
  readonly replayCommand: string;
  /** The same seed and plan on the fixed variant, when the finding is not on it. */
  readonly fixed: { readonly variant: string; readonly outcome: Outcome } | null;
  readonly campaign: ReportData['campaign'];
  /** The scenario's series under the minimal plan (see reports/series.ts), if it declares one. */
  readonly series?: ReportData['series'];
}

export function buildReport(input: ReportInput): ReportData {
  const { run } = input;
  const violation = describeViolation(run.outcome, input.invariantWhy);
  const mentioned = nodesIn(`${violation.detail} ${JSON.stringify(violation.values)}`, nodesOf(run));
  const slice = causalSlice(run.trace, mentioned, SLICE_LIMIT);
  const narrative = narrate(slice.records, NARRATIVE_LIMIT);
  const messages = slice.records.flatMap((r): SequenceMessage[] => {
    if (r.kind === 'deliver') return [{ atMs: r.atMs, from: r.peer, to: r.node, label: compactLabel(r.detail), lost: false }];
    if (r.kind === 'drop') return [{ atMs: r.atMs, from: r.node, to: r.peer, label: compactLabel(r.detail), lost: true }];
    if (r.kind === 'timeout') return [{ atMs: r.atMs, from: r.peer, to: r.node, label: `timeout: ${r.detail}`, lost: true }];
    return [];
  });
  let totalMessages = 0;
  for (const r of run.trace) if (r.kind === 'deliver' || r.kind === 'drop' || r.kind === 'timeout') totalMessages++;
  const participants = orderedUnique(messages.flatMap((m) => [m.from, m.to]).concat(slice.nodes));
  const actors = orderedUnique([...mentioned, ...slice.nodes]).slice(0, TIMELINE_ACTORS);
  const fixedVerdict =
    input.fixed === null
      ? null
      : {
          variant: input.fixed.variant,
          outcome: input.fixed.outcome,
          verdict:
            input.fixed.outcome.kind === 'pass'
              ? `The ${input.fixed.variant} variant holds under the same seed and plan.`
              : `The ${input.fixed.variant} variant fails too: ${describeOutcome(input.fixed.outcome)}.`,
        };
  const where = `${violation.invariant} broke at ${formatT(violation.atMs)} (${violation.kind.replace('-', ' ')})`;
  return {
    format: 'chaos-testbed/report',
    version: 1,
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
    replayCommand: input.replayCommand,
    fingerprint: input.fingerprint,
    seed: input.seed,
    violation,
    plan: { oneMinimal: input.oneMinimal, faults: input.plan.faults.map((f) => ({ atMs: f.atMs, kind: f.kind, description: describeFault(f) })) },
    narrative: { lines: narrative.lines, cut: narrative.cut + slice.cut },
    sequence: { participants, messages, cut: totalMessages - messages.length },
    timeline: { actors: timelines(run.trace, actors, run.simulatedMs, TIMELINE_INTERVALS_PER_ACTOR) },
    fixed: fixedVerdict,
    series: input.series ?? null,
    campaign: input.campaign,
    trace: { hash: run.traceHash, records: run.traceLength, events: run.events, simulatedMs: run.simulatedMs },
  };
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

/**
 * A message's trace detail (`type {json}`) made short for an arrow: the
 * request id goes (it is noise on a diagram), the status comes first.
 * Details that are not of that form are kept as they are.
 */
export function compactLabel(detail: string): string {
  const brace = detail.indexOf(' {');
  if (brace < 0) return detail;
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(detail.slice(brace + 1)) as Record<string, unknown>;
  } catch {
    return detail;
  }
  const { requestId: _id, status, ...rest } = fields;
  const head = status === undefined ? detail.slice(0, brace) : `${detail.slice(0, brace)} ${String(status)}`;
  const tail = Object.keys(rest).length === 0 ? '' : ` ${JSON.stringify(rest)}`;
  return head + tail;
}

/** The nodes that appear in a run's trace, in order of first appearance (one pass). */
function nodesOf(run: RunResult): string[] {
  const seen = new Set<string>();
  for (const r of run.trace) if (r.node !== 'sim') seen.add(r.node);
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

function orderedUnique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
