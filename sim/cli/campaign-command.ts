/**
 * `--scenario ID` without a plan: a campaign. Also its shard form
 * (`--shard I/N`), its merge (`--merge FILES`), and its self-check.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CampaignSpec, CampaignSummary } from '../explore/campaign.ts';
import { summarize } from '../explore/campaign.ts';
import { drawPlan, type CaseResult } from '../explore/explore-run.ts';
import { describeOutcome } from '../kernel/outcome.ts';
import { InputError } from '../kernel/plan-file.ts';
import { findScenarioOrThrow } from './scenarios.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import { selfCheck } from '../kernel/self-check.ts';
import { DEFAULT_RUNS, EXIT, type CliOptions } from './args.ts';
import { writeFileAtomic } from './files.ts';
import { formatPlan, formatRecord, humanMs } from './format.ts';
import { stableStringify } from '../kernel/stable-json.ts';
import { junitXml } from './junit.ts';
import { exitCode } from './outcome-exit.ts';
import { banner, campaignSpec, executeCampaign, writeFindings, writeIndex, type CampaignRun } from './run-campaign.ts';

const SHARD_FORMAT = 'chaos-testbed/shard';
const SHARD_VERSION = 1;

interface ShardFile {
  readonly format: typeof SHARD_FORMAT;
  readonly version: typeof SHARD_VERSION;
  readonly spec: CampaignSpec;
  readonly shard: { readonly index: number; readonly count: number };
  readonly wallMs: number;
  readonly cases: readonly CaseResult[];
}

export async function campaignCommand(scenario: AnyScenario, options: CliOptions): Promise<number> {
  const runs = options.runs ?? (options.timeBudgetMs === undefined ? DEFAULT_RUNS : Number.MAX_SAFE_INTEGER);
  const spec = campaignSpec(scenario, options.variant, options.seed, runs, options.stopOnFailure);
  if (options.selfCheck) return selfCheckCampaign(scenario, spec);
  const shard = options.shard;
  const execute = { workers: options.workers, timeBudgetMs: options.timeBudgetMs, shard, label: `${scenario.id} ${spec.variant}` };
  process.stderr.write(banner(scenario, spec, execute) + (shard ? ` shard=${shard.index}/${shard.count}` : '') + '\n');
  const campaign = await executeCampaign(scenario, spec, execute);
  if (shard !== undefined) return writeShard(campaign, spec, shard, options);
  return report(scenario, campaign, options);
}

/** Prints a campaign's result, writes its repro files and JUnit; returns the exit code. */
function report(scenario: AnyScenario, campaign: CampaignRun, options: CliOptions): number {
  const { summary, wallMs } = campaign;
  const written = writeFindings(scenario, summary, options.out);
  const repros = written.repros;
  const files = [...repros, ...written.reports.flatMap((dir) => ['report.md', 'report.html', 'report.json'].map((f) => join(dir, f))), ...writeIndex(options.out, [written.index])];
  if (options.junit !== undefined) {
    const failure = summary.found ? `${summary.findings[0]!.fingerprint} after ${summary.runsToFirstFailure} runs` : undefined;
    writeFileAtomic(options.junit, junitXml('chaos-testbed', [{ name: `${summary.scenario} ${summary.variant}`, className: summary.scenario, timeMs: wallMs, failure }]));
    files.push(options.junit);
  }
  const runsPerSec = summary.runs / Math.max(0.001, wallMs / 1000);
  if (options.json) {
    const reportPath = written.reports[0] === undefined ? null : join(written.reports[0], 'report.md');
    process.stdout.write(stableStringify({ ...summary, wallMs: Math.round(wallMs), runsPerSec: Math.round(runsPerSec), repro: repros[0] ?? null, report: reportPath, files }) + '\n');
  } else {
    process.stdout.write(describeSummary(summary, wallMs, repros).join('\n') + '\n');
    if (written.reports[0] !== undefined) process.stdout.write(`report: ${join(written.reports[0], 'report.md')} (and .html, .json); index: ${join(options.out, 'index.md')}\n`);
  }
  return summary.found ? exitCode(summary.outcome) : EXIT.pass;
}

/** The human summary of a campaign. */
export function describeSummary(summary: CampaignSummary, wallMs: number, repros: readonly string[]): string[] {
  const lines: string[] = [];
  if (summary.found) {
    lines.push(`FOUND ${summary.findings[0]!.fingerprint} after ${summary.runsToFirstFailure} runs`);
    lines.push(`minimal plan (${summary.planSize} fault${summary.planSize === 1 ? '' : 's'}, ${summary.oneMinimal ? '1-minimal: removing any one fault makes it pass' : 'not confirmed 1-minimal'}):`);
    lines.push(...formatPlan(summary.minimalPlan!));
    lines.push(describeOutcome(summary.outcome));
  } else {
    lines.push(`no failure in ${summary.runs} runs`);
  }
  if (summary.findings.length > 0) {
    lines.push('findings:');
    for (const f of summary.findings) lines.push(`  ${f.fingerprintId}  x${f.count}  ${f.fingerprint}  (first in run ${f.firstRun}, seed ${f.seed})`);
  }
  const fired = Object.entries(summary.faultsFired).map(([k, n]) => `${k} ${n}`);
  lines.push(`faults fired: ${fired.length === 0 ? 'none' : fired.join(', ')}`);
  lines.push(
    `coverage: ${summary.coverage.states.length} states, ${summary.coverage.transitions.length} transitions; sometimes reached: ${summary.sometimesReached.join(', ') || 'none'}`,
  );
  for (const warning of summary.warnings) lines.push(`warning: ${warning}`);
  const ratio = summary.simulatedMs / Math.max(1, wallMs);
  lines.push(`${summary.runs} runs in ${humanMs(wallMs)} (${(summary.runs / Math.max(0.001, wallMs / 1000)).toFixed(0)} runs/s), simulated ${humanMs(summary.simulatedMs)} (${ratio.toFixed(0)}x wall time)`);
  if (repros.length > 0) {
    lines.push(`repro: ${repros[0]}`);
    lines.push(`replay: npm run sim -- --replay ${repros[0]}`);
  }
  return lines;
}

function writeShard(campaign: CampaignRun, spec: CampaignSpec, shard: { index: number; count: number }, options: CliOptions): number {
  const file: ShardFile = { format: SHARD_FORMAT, version: SHARD_VERSION, spec, shard, wallMs: Math.round(campaign.wallMs), cases: campaign.cases };
  const path = join(options.out, 'shards', `${spec.scenario.replace('/', '__')}-${spec.variant}-seed${spec.seed}-shard-${shard.index}-of-${shard.count}.json`);
  writeFileAtomic(path, stableStringify(file) + '\n');
  const { summary } = campaign;
  if (options.json) {
    process.stdout.write(stableStringify({ shard, file: path, runs: summary.runs, found: summary.found, findings: summary.findings.length }) + '\n');
  } else {
    process.stdout.write(`shard ${shard.index}/${shard.count}: ${summary.runs} runs, ${summary.findings.length} findings; wrote ${path}\n`);
    process.stdout.write(`merge with: npm run sim -- --merge ${join(options.out, 'shards', '*.json')}\n`);
  }
  return EXIT.pass;
}

/** `--merge FILES`: shard results of one campaign combined, as if run serially. */
export function mergeCommand(paths: readonly string[], options: CliOptions): number {
  const shards = paths.map(readShard);
  const first = shards[0]!;
  for (const [i, s] of shards.entries()) {
    if (stableStringify(s.spec) !== stableStringify(first.spec)) {
      throw new InputError(`${paths[i]}: shard of a different campaign (${s.spec.scenario} ${s.spec.variant} seed ${s.spec.seed}) than ${paths[0]}`);
    }
    if (s.shard.count !== first.shard.count) throw new InputError(`${paths[i]}: shard of ${s.shard.count}, but ${paths[0]} is a shard of ${first.shard.count}`);
  }
  const have = new Set(shards.map((s) => s.shard.index));
  const missing = [...Array(first.shard.count).keys()].map((i) => i + 1).filter((i) => !have.has(i));
  if (missing.length > 0) process.stderr.write(`warning: shards ${missing.join(', ')} of ${first.shard.count} are missing; merging what is here\n`);
  const scenario = findScenarioOrThrow(first.spec.scenario);
  const cases = shards.flatMap((s) => s.cases);
  const wallMs = Math.max(...shards.map((s) => s.wallMs));
  return report(scenario, { summary: summarize(scenario, first.spec, cases), cases, wallMs }, options);
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
  if (!Array.isArray(d.cases) || typeof d.spec !== 'object' || typeof d.shard !== 'object') throw new InputError(`${path}: shard result without spec, shard or cases`);
  return d as ShardFile;
}

/** `--self-check` on a campaign: each run's plan run twice, traces compared. */
function selfCheckCampaign(scenario: AnyScenario, spec: CampaignSpec): number {
  process.stderr.write(`self-check ${scenario.id} variant=${spec.variant} seed=${spec.seed} runs=${spec.runs}\n`);
  for (let index = 0; index < spec.runs; index++) {
    const { seed, plan } = drawPlan(scenario, spec.seed, index);
    const divergence = selfCheck(scenario, spec.variant, seed, plan).divergence;
    if (divergence !== undefined) {
      process.stdout.write(`self-check: run ${index} (seed ${seed}) differs between two runs at record ${divergence.index}\n`);
      process.stdout.write(`  first:  ${divergence.first ? formatRecord(divergence.first) : '(trace ended)'}\n`);
      process.stdout.write(`  second: ${divergence.second ? formatRecord(divergence.second) : '(trace ended)'}\n`);
      return EXIT.nondeterminism;
    }
  }
  process.stdout.write(`self-check: ${spec.runs} runs, each identical twice\n`);
  return EXIT.pass;
}
