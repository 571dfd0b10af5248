/**
 * Repro files: versioned JSON that replays one failing run exactly.
 *
 * A repro holds the scenario, variant, seed and fault plan, the kernel version
 * it was recorded with, and what the replay must give: the outcome, the trace
 * hash and length, and up to {@link MAX_CHECKPOINTS} checkpoints spread over
 * the trace (the rolling hash at a record, with the record itself), so a
 * replay that diverges can say where.
 *
 * Reading is strict: a corrupt file, an unknown format or version, an unknown
 * scenario or variant, or a malformed plan is an {@link InputError} with one
 * line that names the file.
 */
import { readFileSync } from 'node:fs';
import type { FaultPlan } from '../kernel/faults.ts';
import type { Outcome } from '../kernel/outcome.ts';
import { InputError, parsePlan } from '../kernel/plan-file.ts';
import { KERNEL_VERSION, run, type RunResult } from '../kernel/run.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import type { TraceRecord } from '../kernel/trace.ts';

export const REPRO_FORMAT = 'chaos-testbed/repro';
export const REPRO_VERSION = 1;
/** Checkpoints kept per repro; traces up to this many records are located exactly. */
export const MAX_CHECKPOINTS = 512;

/** The hash of the trace after record `index`, with that record. */
export interface Checkpoint {
  readonly index: number;
  readonly hash: string;
  readonly record: TraceRecord;
}

export interface ReproFile {
  readonly format: typeof REPRO_FORMAT;
  readonly version: typeof REPRO_VERSION;
  readonly kernelVersion: number;
  readonly scenario: string;
  /** The file that declares the scenario, relative to the project root (where the config is), when known. */
  readonly scenarioFile?: string;
  readonly variant: string;
  readonly seed: number;
  readonly plan: FaultPlan;
  readonly expected: {
    readonly outcome: Outcome;
    readonly traceHash: string;
    readonly traceLength: number;
    readonly checkpoints: readonly Checkpoint[];
  };
  /** Where the repro came from, when a campaign found it. */
  readonly finding?: {
    readonly fingerprint: string;
    readonly fingerprintId: string;
    readonly oneMinimal: boolean;
    readonly campaignSeed: number;
    readonly run: number;
  };
}

/** Records a repro by running the plan once with a full trace. */
export function recordRepro(scenario: AnyScenario, variant: string, seed: number, plan: FaultPlan, finding?: ReproFile['finding'], scenarioFile?: string): ReproFile {
  return reproFromRun(scenario, variant, seed, plan, runForRepro(scenario, variant, seed, plan), finding, scenarioFile);
}

/** The run a repro records: full trace, with a hash checkpoint after every record. */
export function runForRepro(scenario: AnyScenario, variant: string, seed: number, plan: FaultPlan): RunResult {
  return run(scenario, variant, seed, plan, { traceMode: 'full', checkpoints: true });
}

/** A repro from a run made by {@link runForRepro}. */
export function reproFromRun(
  scenario: AnyScenario,
  variant: string,
  seed: number,
  plan: FaultPlan,
  result: RunResult,
  finding?: ReproFile['finding'],
  scenarioFile?: string,
): ReproFile {
  const hashes = result.checkpoints ?? [];
  return {
    format: REPRO_FORMAT,
    version: REPRO_VERSION,
    kernelVersion: KERNEL_VERSION,
    scenario: scenario.id,
    ...(scenarioFile === undefined ? {} : { scenarioFile }),
    variant,
    seed,
    plan,
    expected: {
      outcome: result.outcome,
      traceHash: result.traceHash,
      traceLength: result.traceLength,
      checkpoints: checkpointIndices(hashes.length).map((index) => ({ index, hash: hashes[index]!, record: result.trace[index]! })),
    },
    ...(finding === undefined ? {} : { finding }),
  };
}

/** Evenly spread record indices, always including the last one. */
export function checkpointIndices(length: number): number[] {
  if (length === 0) return [];
  const stride = Math.max(1, Math.ceil(length / MAX_CHECKPOINTS));
  const out: number[] = [];
  for (let i = stride - 1; i < length; i += stride) out.push(i);
  if (out[out.length - 1] !== length - 1) out.push(length - 1);
  return out;
}

/**
 * Finds the scenario a repro names: `id` as declared in `file` (relative to
 * the project root, when the repro recorded one). `undefined` when there is
 * no such scenario.
 */
export type ScenarioResolver = (id: string, file: string | undefined) => Promise<AnyScenario | undefined>;

/** Reads and checks a repro file; the scenario it names must exist. */
export async function readReproFile(path: string | URL, resolve: ScenarioResolver): Promise<{ repro: ReproFile; scenario: AnyScenario }> {
  const name = path instanceof URL ? decodeURIComponent(path.pathname) : path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read repro file ${name}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${name}: not valid JSON (${(error as Error).message})`);
  }
  return checkRepro(data, name, resolve);
}

/** Checks parsed JSON as a repro file. */
export async function checkRepro(data: unknown, name: string, resolve: ScenarioResolver): Promise<{ repro: ReproFile; scenario: AnyScenario }> {
  if (typeof data !== 'object' || data === null || (data as { format?: unknown }).format !== REPRO_FORMAT) {
    throw new InputError(`${name}: not a repro file (no "format": "${REPRO_FORMAT}")`);
  }
  const d = data as Record<string, unknown>;
  if (d.version !== REPRO_VERSION) {
    throw new InputError(`${name}: repro version ${JSON.stringify(d.version)} is not supported (this build reads version ${REPRO_VERSION})`);
  }
  if (typeof d.scenario !== 'string') throw new InputError(`${name}: "scenario" must name a scenario id`);
  if (d.scenarioFile !== undefined && typeof d.scenarioFile !== 'string') throw new InputError(`${name}: "scenarioFile" must be a path`);
  const scenario = await resolve(d.scenario, d.scenarioFile as string | undefined);
  if (scenario === undefined) {
    const where = typeof d.scenarioFile === 'string' ? ` (recorded from ${d.scenarioFile})` : '';
    throw new InputError(`${name}: unknown scenario ${JSON.stringify(d.scenario)}${where}`);
  }
  if (typeof d.variant !== 'string' || !Object.prototype.hasOwnProperty.call(scenario.variants, d.variant)) {
    throw new InputError(`${name}: scenario ${scenario.id} has no variant ${JSON.stringify(d.variant)}`);
  }
  if (!Number.isSafeInteger(d.seed) || (d.seed as number) < 0 || (d.seed as number) > 0xffff_ffff) {
    throw new InputError(`${name}: "seed" must be a whole number from 0 to 4294967295`);
  }
  if (!Number.isSafeInteger(d.kernelVersion)) throw new InputError(`${name}: "kernelVersion" is missing`);
  const plan = parsePlan(d.plan, `${name}: plan`, scenario, d.variant);
  const expected = d.expected as ReproFile['expected'] | undefined;
  if (
    typeof expected !== 'object' ||
    expected === null ||
    typeof expected.traceHash !== 'string' ||
    !/^[0-9a-f]{16}$/.test(expected.traceHash) ||
    !Number.isSafeInteger(expected.traceLength) ||
    !Array.isArray(expected.checkpoints) ||
    typeof expected.outcome !== 'object'
  ) {
    throw new InputError(`${name}: "expected" must hold outcome, traceHash (16 hex digits), traceLength and checkpoints`);
  }
  for (const [i, c] of (expected.checkpoints as unknown[]).entries()) {
    const ok = typeof c === 'object' && c !== null && Number.isSafeInteger((c as Checkpoint).index) && typeof (c as Checkpoint).hash === 'string' && /^[0-9a-f]{16}$/.test((c as Checkpoint).hash) && typeof (c as Checkpoint).record === 'object' && (c as Checkpoint).record !== null;
    if (!ok) throw new InputError(`${name}: checkpoint ${i} must be {"index": n, "hash": 16 hex digits, "record": {...}}`);
  }
  const outcome = expected.outcome as { kind?: unknown } | null;
  if (outcome === null || typeof outcome.kind !== 'string') throw new InputError(`${name}: "expected.outcome" must name an outcome kind`);
  return { repro: { ...(d as unknown as ReproFile), plan }, scenario };
}

/** A file name for a repro: `<family>__<name>-<variant>-<fingerprint id>[-seed<N>].repro.json`. */
export function reproFileName(scenarioId: string, variant: string, id: string, campaignSeed = 1): string {
  // Campaigns of other seeds find the same bug too; their files must not
  // overwrite each other's in a shared output folder.
  return `${scenarioId.replace('/', '__')}-${variant}-${id}${campaignSeed === 1 ? '' : `-seed${campaignSeed}`}.repro.json`;
}
