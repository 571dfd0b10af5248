/**
 * Shards: `run --shard I/N` runs slice I of every campaign's runs and writes
 * them to a shard file; `merge` folds the shard files of one command back
 * into its campaigns, exactly as one machine running them all would have
 * (the summary is a pure function of the set of runs), then writes the
 * findings and prints the result like `run`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { summarize, type CampaignSpec } from '../explore/campaign.ts';
import type { CaseResult } from '../explore/explore-run.ts';
import { fingerprintId } from '../explore/failure.ts';
import { isCaseResult } from '../explore/case-shape.ts';
import { SEARCH_MODES } from '../explore/search-mode.ts';
import { InputError } from '../kernel/plan-file.ts';
import { stableStringify } from '../kernel/stable-json.ts';
import type { Project } from '../load/config.ts';
import { projectRelative } from '../load/discover.ts';
import { resolveScenario } from '../load/resolve-scenario.ts';
import { EXIT, type CliOptions } from './args.ts';
import type { Shard } from '../explore/shard.ts';
import { writeFileAtomic } from '../repro/files.ts';
import { CLI } from '../identity.ts';
import { jobVerdict } from './jobs.ts';
import { writeFindings } from '../repro/write-findings.ts';
import { materializeOnPool, openPool } from './engine.ts';
import type { WorkerPool } from '../explore/pool/pool.ts';
import { learnFactsOnPool } from '../explore/pool/learn-facts.ts';
import { checkOutputs } from './outputs.ts';
import { finishRun, resultLine, warningLines, type JobOutcome } from './run-output.ts';
import { settingsFor, type Settings } from './settings.ts';

const SHARD_FORMAT = 'chaos-testbed/shard';
// 3: case results carry their plan, its origin, effective faults, state x fault pairs and progress; specs their search.
const SHARD_VERSION = 3;

interface ShardCampaign {
  readonly scenario: string;
  /** The scenario's file, relative to the project root. */
  readonly scenarioFile: string;
  readonly spec: CampaignSpec;
  readonly expect: 'fails' | 'holds' | null;
  readonly wallMs: number;
  readonly cases: readonly CaseResult[];
}

interface ShardFile {
  readonly format: typeof SHARD_FORMAT;
  readonly version: typeof SHARD_VERSION;
  readonly shard: Shard;
  readonly campaigns: readonly ShardCampaign[];
}

export function writeShardFile(outcomes: readonly JobOutcome[], shard: Shard, project: Project, settings: Settings, json: boolean): number {
  const campaigns: ShardCampaign[] = outcomes.map(({ job, campaign }) => ({
    scenario: job.entry.scenario.id,
    scenarioFile: projectRelative(project.root, job.entry.file),
    spec: job.spec,
    expect: job.expect,
    wallMs: Math.round(campaign.wallMs),
    cases: campaign.cases,
  }));
  const file: ShardFile = { format: SHARD_FORMAT, version: SHARD_VERSION, shard, campaigns };
  const path = join(settings.out, 'shards', `${shardStem(campaigns)}-shard-${shard.index}-of-${shard.count}.json`);
  writeFileAtomic(path, stableStringify(file) + '\n');
  const runs = campaigns.reduce((n, c) => n + c.cases.length, 0);
  if (json) {
    process.stdout.write(stableStringify({ shard, file: path, campaigns: campaigns.length, runs }) + '\n');
  } else {
    process.stdout.write(`shard ${shard.index}/${shard.count}: ${runs} runs of ${campaigns.length} campaign${campaigns.length === 1 ? '' : 's'}; wrote ${path}\n`);
    process.stdout.write(`merge with: ${CLI} merge ${join(settings.out, 'shards', `${shardStem(campaigns)}-shard-*.json`)}\n`);
  }
  return EXIT.pass;
}

/** The part of a shard file's name that every shard of one command shares. */
function shardStem(campaigns: readonly ShardCampaign[]): string {
  if (campaigns.length === 1) {
    const { spec } = campaigns[0]!;
    return `${spec.scenario.replace('/', '__')}-${spec.variant}-seed${spec.seed}`;
  }
  return `campaigns-${fingerprintId(stableStringify(campaigns.map((c) => [c.spec, c.expect])))}`;
}

/** `merge FILES`: the shards of one command, combined. */
export async function mergeCommand(paths: readonly string[], options: CliOptions, project: Project): Promise<number> {
  const settings = settingsFor(options, project);
  const shards = paths.map(readShard);
  checkOutputs(settings.out, options.junit);
  const first = shards[0]!;
  const key = (s: ShardFile) => stableStringify(s.campaigns.map((c) => [c.spec, c.expect]));
  const seen = new Map<number, string>();
  for (const [i, s] of shards.entries()) {
    if (key(s) !== key(first)) throw new InputError(`${paths[i]}: shard of other campaigns than ${paths[0]}`);
    if (s.shard.count !== first.shard.count) throw new InputError(`${paths[i]}: shard of ${s.shard.count}, but ${paths[0]} is a shard of ${first.shard.count}`);
    const twin = seen.get(s.shard.index);
    if (twin !== undefined) throw new InputError(`${paths[i]}: shard ${s.shard.index}/${s.shard.count} is also in ${twin}; give each shard once`);
    seen.set(s.shard.index, paths[i]!);
  }
  const pool = openPool(settings);
  try {
    return await mergeOnPool(pool, first, shards, paths, options, project, settings, missingShards(first, seen));
  } finally {
    await pool.close();
  }
}

function missingShards(first: ShardFile, seen: ReadonlyMap<number, string>): number[] {
  return [...Array(first.shard.count).keys()].map((i) => i + 1).filter((i) => !seen.has(i));
}

async function mergeOnPool(
  pool: WorkerPool,
  first: ShardFile,
  shards: readonly ShardFile[],
  paths: readonly string[],
  options: CliOptions,
  project: Project,
  settings: Settings,
  missing: readonly number[],
): Promise<number> {
  // Everything is checked before anything is written.
  const prepared = [];
  for (const [c, campaign] of first.campaigns.entries()) {
    const entry = await resolveScenario(project, campaign.scenario, campaign.scenarioFile);
    if (entry === undefined) throw new InputError(`${paths[0]}: unknown scenario '${campaign.scenario}' (recorded from ${campaign.scenarioFile})`);
    if (campaign.spec.scenario !== entry.scenario.id || !Object.prototype.hasOwnProperty.call(entry.scenario.variants, campaign.spec.variant)) {
      throw new InputError(`${paths[0]}: scenario ${entry.scenario.id} has no variant ${JSON.stringify(campaign.spec.variant)}`);
    }
    const cases = shards.flatMap((s, i) => checkedCases(s.campaigns[c]!, paths[i]!));
    const indices = new Set<number>();
    for (const one of cases) {
      if (indices.has(one.index)) throw new InputError(`run ${one.index} of ${campaign.spec.scenario} ${campaign.spec.variant} is in more than one shard file: the shards overlap`);
      indices.add(one.index);
    }
    const wallMs = Math.max(...shards.map((s) => s.campaigns[c]!.wallMs));
    await learnFactsOnPool(pool, { file: entry.file, id: entry.scenario.id }, entry.scenario);
    prepared.push({ job: { entry, spec: campaign.spec, expect: campaign.expect }, summary: summarize(entry.scenario, campaign.spec, cases), cases, wallMs });
  }
  if (missing.length > 0) process.stderr.write(`warning: shards ${missing.join(', ')} of ${first.shard.count} are missing; merging what is here\n`);
  const outcomes: JobOutcome[] = [];
  for (const [c, { job, summary, cases, wallMs }] of prepared.entries()) {
    const { entry } = job;
    const materialize = materializeOnPool(pool, { file: entry.file, id: entry.scenario.id }, entry.scenario);
    const written = await writeFindings(entry.scenario.id, projectRelative(project.root, entry.file), summary, settings.out, materialize, job.expect, jobVerdict(job, summary.found).result);
    const outcome = { job, campaign: { summary, cases, wallMs }, written };
    outcomes.push(outcome);
    process.stderr.write(resultLine(outcome, prepared.length > 1 ? { index: c + 1, count: prepared.length } : undefined) + '\n');
    for (const line of warningLines(summary)) process.stderr.write(`  ${line}\n`);
  }
  return finishRun(outcomes, options, settings);
}

function checkedCases(campaign: ShardCampaign, path: string): readonly CaseResult[] {
  if (!Array.isArray(campaign.cases)) throw new InputError(`${path}: a campaign without its "cases"`);
  for (const [i, c] of campaign.cases.entries()) {
    if (!isCaseResult(c, campaign.spec.runs)) throw new InputError(`${path}: entry ${i} of ${campaign.spec.scenario} ${campaign.spec.variant} is not a run result`);
  }
  return campaign.cases;
}

function readShard(path: string): ShardFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code ? `cannot read shard file ${path}: ${code}` : `${path}: not valid JSON (${(error as Error).message})`);
  }
  const d = data as Partial<ShardFile> | null;
  if (d === null || typeof d !== 'object' || d.format !== SHARD_FORMAT) throw new InputError(`${path}: not a shard result (no "format": "${SHARD_FORMAT}")`);
  if (d.version !== SHARD_VERSION) throw new InputError(`${path}: shard version ${JSON.stringify(d.version)} is not supported (this build reads ${SHARD_VERSION})`);
  const shardOk = typeof d.shard === 'object' && d.shard !== null && Number.isSafeInteger(d.shard.index) && Number.isSafeInteger(d.shard.count) && d.shard.index >= 1 && d.shard.index <= d.shard.count;
  if (!shardOk) throw new InputError(`${path}: "shard" must be {"index": I, "count": N} with 1 <= I <= N`);
  if (!Array.isArray(d.campaigns) || d.campaigns.length === 0) throw new InputError(`${path}: shard result without campaigns`);
  for (const c of d.campaigns) {
    const ok =
      typeof c === 'object' && c !== null && typeof c.scenario === 'string' && typeof c.scenarioFile === 'string' && typeof c.spec === 'object' && c.spec !== null &&
      typeof c.spec.scenario === 'string' && typeof c.spec.variant === 'string' && Number.isSafeInteger(c.spec.seed) && Number.isSafeInteger(c.spec.runs) &&
      typeof c.spec.stopOnFailure === 'boolean' && Number.isSafeInteger(c.spec.maxShrinkRuns) && (c.expect === null || c.expect === 'fails' || c.expect === 'holds') &&
      (c.spec.search === undefined || (SEARCH_MODES as readonly unknown[]).includes(c.spec.search)) && (c.spec.lanes === undefined || (Number.isSafeInteger(c.spec.lanes) && c.spec.lanes >= 1)) &&
      typeof c.wallMs === 'number';
    if (!ok) throw new InputError(`${path}: a campaign entry without scenario, scenarioFile, spec, expect or wallMs`);
  }
  return d as ShardFile;
}
