/**
 * What `run` (and `merge`) print when campaigns end: a line per campaign as
 * it finishes, then either the expectations table with the failed ones named
 * last, or a campaign's summary; or, with `--json`, exactly one JSON
 * document on stdout. Also the index, and JUnit when asked.
 */
import { join } from 'node:path';
import { describeOutcome } from '../kernel/outcome.ts';
import { stableStringify } from '../kernel/stable-json.ts';
import type { CampaignSummary } from '../explore/campaign.ts';
import { EXIT, type CliOptions } from './args.ts';
import { writeFileAtomic } from '../repro/files.ts';
import { formatPlan, humanMs, table } from './format.ts';
import { jobVerdict, type Job } from './jobs.ts';
import { junitXml, type JunitCase } from './junit.ts';
import { exitCode } from './outcome-exit.ts';
import type { Position } from './progress.ts';
import type { CampaignRun } from './run-campaign.ts';
import type { Journal } from './journal.ts';
import { replayCommand, writeIndex, type WrittenFindings } from '../repro/write-findings.ts';
import type { Settings } from './settings.ts';
import { stderrColors, stdoutColors } from './style.ts';
import { describeSearch } from './explain-output.ts';

/** A campaign that ran, and what it wrote (`null` for a shard, which writes no findings). */
export interface JobOutcome {
  readonly job: Job;
  readonly campaign: CampaignRun & { readonly journal?: Journal };
  readonly written: WrittenFindings | null;
}

/** One line when a campaign ends: ✓ or ✗, what was expected, what happened. */
export function resultLine(outcome: JobOutcome, position: Position | undefined): string {
  const c = stderrColors;
  const { job, campaign } = outcome;
  const { summary, wallMs } = campaign;
  const { ok } = jobVerdict(job, summary.found);
  const where = position === undefined ? '' : `[${position.index}/${position.count}] `;
  const expected = job.expect === null ? '' : ` ${job.expect}`;
  const what = summary.found
    ? `found ${summary.findings[0]!.fingerprint} in run ${summary.runsToFirstFailure}, shrunk to ${summary.planSize} fault${summary.planSize === 1 ? '' : 's'}`
    : `no failure in ${summary.runs} runs`;
  const mark = job.expect === null ? (summary.found ? c.red('✗') : c.green('✓')) : ok ? c.green('✓') : c.red('✗');
  const text = `${where}${job.entry.scenario.id} ${job.spec.variant}${expected}: ${what} (${humanMs(wallMs)})`;
  return `${mark} ${ok ? text : c.red(text)}`;
}

/** Prints the command's result, writes the index and JUnit; returns the exit code. */
export function finishRun(outcomes: readonly JobOutcome[], options: CliOptions, settings: Settings): number {
  const written = outcomes.map((o) => o.written!);
  const indexFiles = writeIndex(settings.out, written.map((w) => w.index));
  if (options.junit !== undefined) writeFileAtomic(options.junit, junitXml('chaos-testbed', outcomes.map(junitCase)));
  const expectations = outcomes.some((o) => o.job.expect !== null);
  return expectations ? expectationsResult(outcomes, options, settings, indexFiles) : campaignsResult(outcomes, options, indexFiles);
}

interface Row {
  readonly scenario: string;
  readonly variant: string;
  readonly seed: number;
  readonly expected: 'fails' | 'holds';
  readonly ok: boolean;
  readonly result: string;
  readonly runs: number;
  readonly timeToFindMs: number | null;
  readonly planSize: number | null;
  readonly oneMinimal: boolean | null;
  readonly traceHash: string | null;
  readonly runsPerSec: number;
  readonly simulatedPerWall: number;
  readonly repro: string | null;
  readonly report: string | null;
  readonly fingerprint: string | null;
  readonly search: CampaignSummary['search'];
  readonly faults: CampaignSummary['faults'];
  readonly goals: CampaignSummary['goals'];
  readonly warnings: readonly string[];
  /** With --explain only: what the search did. */
  readonly explain?: CampaignSummary['explain'];
}

function row({ job, campaign, written }: JobOutcome, explain: boolean): Row {
  const { summary, wallMs } = campaign;
  const { ok, result } = jobVerdict(job, summary.found);
  return {
    scenario: summary.scenario,
    variant: summary.variant,
    seed: summary.seed,
    expected: job.expect ?? 'holds',
    ok,
    result,
    runs: summary.runs,
    timeToFindMs: summary.found ? wallMs : null,
    planSize: summary.planSize,
    oneMinimal: summary.oneMinimal,
    traceHash: summary.traceHash,
    runsPerSec: summary.runs / Math.max(0.001, wallMs / 1000),
    simulatedPerWall: summary.simulatedMs / Math.max(1, wallMs),
    repro: written?.repros[0] ?? null,
    report: written?.reports[0] === undefined ? null : join(written.reports[0], 'report.md'),
    fingerprint: summary.findings[0]?.fingerprint ?? null,
    search: summary.search,
    faults: summary.faults,
    goals: summary.goals,
    warnings: summary.warnings,
    ...(explain ? { explain: summary.explain } : {}),
  };
}

function expectationsResult(outcomes: readonly JobOutcome[], options: CliOptions, settings: Settings, indexFiles: readonly string[]): number {
  const rows = outcomes.map((o) => row(o, options.explain));
  const failed = rows.filter((r) => !r.ok).map((r) => `${r.scenario} ${r.variant}${r.seed === settings.seed ? '' : ` seed ${r.seed}`} ${r.expected}`);
  const seeds = [...new Set(rows.map((r) => r.seed))];
  if (options.json) {
    process.stdout.write(stableStringify({ seed: settings.seed, seeds, ok: failed.length === 0, failed, results: rows, index: indexFiles[0] ?? null }) + '\n');
    return failed.length === 0 ? EXIT.pass : EXIT.violation;
  }
  const c = stdoutColors;
  const header = ['scenario', 'variant', ...(seeds.length > 1 ? ['seed'] : []), 'expected', 'result', 'runs', 'time to find', 'plan size', 'runs/s', 'sim/wall'];
  const cells = rows.map((r) => [
    r.scenario,
    r.variant,
    ...(seeds.length > 1 ? [String(r.seed)] : []),
    r.expected,
    r.result,
    String(r.runs),
    r.timeToFindMs === null ? '-' : humanMs(r.timeToFindMs),
    r.planSize === null ? '-' : String(r.planSize),
    r.runsPerSec.toFixed(0),
    `${r.simulatedPerWall.toFixed(0)}x`,
  ]);
  const resultColumn = header.indexOf('result');
  const lines = table(header, cells).split('\n');
  // Colour after aligning, so escape codes do not count as width.
  const coloured = lines.map((line, i) => (i < 2 ? line : rows[i - 2]!.ok ? line.replace(cells[i - 2]![resultColumn]!, c.green(cells[i - 2]![resultColumn]!)) : c.red(line)));
  process.stdout.write(`\n${coloured.join('\n')}\n\n`);
  for (const r of rows) if (r.repro !== null) process.stdout.write(`${r.scenario} ${r.variant}: ${r.fingerprint}\n  replay: ${replayCommand(r.repro)}\n`);
  if (options.explain) {
    for (const o of outcomes) process.stdout.write(`\n${o.campaign.summary.scenario} ${o.campaign.summary.variant}${o.campaign.summary.seed === settings.seed ? '' : ` seed ${o.campaign.summary.seed}`}:\n${describeSearch(o.campaign.summary).join('\n')}\n`);
  }
  process.stdout.write(`\nreports: ${indexFiles[0]}\n`);
  const seedText = seeds.length > 1 ? `seeds ${seeds[0]}..${seeds[seeds.length - 1]}` : `seed ${settings.seed}`;
  if (failed.length === 0) process.stdout.write(c.green(`\nevery expectation held (${rows.length}, ${seedText})\n`));
  else process.stdout.write(c.red(`\n${failed.length} of ${rows.length} expectations failed (${seedText}): ${failed.join('; ')}\n`));
  return failed.length === 0 ? EXIT.pass : EXIT.violation;
}

function campaignsResult(outcomes: readonly JobOutcome[], options: CliOptions, indexFiles: readonly string[]): number {
  const docs = outcomes.map((o) => campaignDocument(o, indexFiles));
  const code = outcomes.map((o) => (o.campaign.summary.found ? exitCode(o.campaign.summary.outcome) : EXIT.pass)).find((c) => c !== EXIT.pass) ?? EXIT.pass;
  if (options.json) {
    process.stdout.write(stableStringify(docs.length === 1 ? docs[0] : { ok: code === EXIT.pass, campaigns: docs }) + '\n');
    return code;
  }
  const texts = outcomes.map((o) => {
    const lines = describeSummary(o.campaign.summary, o.campaign.wallMs, o.written?.repros ?? []);
    if (options.explain) lines.push(...describeSearch(o.campaign.summary));
    const report = o.written?.reports[0];
    if (report !== undefined) lines.push(`report: ${join(report, 'report.md')} (and .html, .json); index: ${indexFiles[0]}`);
    return lines.join('\n');
  });
  process.stdout.write(texts.join('\n\n') + '\n');
  return code;
}

function campaignDocument({ campaign, written }: JobOutcome, indexFiles: readonly string[]): Record<string, unknown> {
  const { summary, wallMs } = campaign;
  const repros = written?.repros ?? [];
  const reports = written?.reports ?? [];
  const files = [...(written?.files ?? []), ...indexFiles];
  const runsPerSec = summary.runs / Math.max(0.001, wallMs / 1000);
  return { ...summary, wallMs: Math.round(wallMs), runsPerSec: Math.round(runsPerSec), repro: repros[0] ?? null, report: reports[0] === undefined ? null : join(reports[0], 'report.md'), files };
}

function junitCase({ job, campaign }: JobOutcome): JunitCase {
  const { summary, wallMs } = campaign;
  const { ok } = jobVerdict(job, summary.found);
  const name = `${summary.scenario} ${summary.variant}${job.expect === null ? '' : ` ${job.expect}`}${summary.seed === 1 ? '' : ` seed ${summary.seed}`}`;
  const failure = ok
    ? undefined
    : job.expect === 'fails'
      ? `bug not found in ${summary.runs} runs`
      : `${summary.findings[0]!.fingerprint} after ${summary.runsToFirstFailure} runs`;
  return { name, className: summary.scenario, timeMs: wallMs, failure };
}

/** Per fault kind: faults planned, fired and effective, and runs where each was effective. */
function describeFaults(summary: CampaignSummary): string[] {
  const kinds = Object.entries(summary.faults);
  if (kinds.length === 0) return ['faults: none in the space'];
  const rows = kinds.map(([kind, a]) => [kind, String(a.planned), String(a.fired), String(a.effective), `${a.runsEffective} of ${summary.runs}`]);
  return ['faults (fired: applied to something; effective: it reached a model):', ...table(['kind', 'planned', 'fired', 'effective', 'effective in runs'], rows).split('\n').map((l) => `  ${l}`)];
}

/** A campaign's warnings, one line each, for stderr (every mode, --json too: they are also in the JSON). */
export function warningLines(summary: CampaignSummary): string[] {
  return summary.warnings.map((w) => `warning: ${summary.scenario} ${summary.variant}${summary.seed === 1 ? '' : ` seed ${summary.seed}`}: ${w}`);
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
  lines.push(...describeFaults(summary));
  const goals = Object.entries(summary.goals).map(([g, n]) => `${g} (in ${n} runs)`);
  lines.push(`coverage: ${summary.coverage.states.length} states, ${summary.coverage.transitions.length} transitions; sometimes reached: ${goals.join(', ') || 'no goals declared'}`);
  // Warnings go to stderr, in every mode: see warningLines.
  if (summary.warnings.length > 0) lines.push(`${summary.warnings.length} warning${summary.warnings.length === 1 ? '' : 's'} (on stderr)`);
  const ratio = summary.simulatedMs / Math.max(1, wallMs);
  lines.push(`${summary.runs} runs in ${humanMs(wallMs)} (${(summary.runs / Math.max(0.001, wallMs / 1000)).toFixed(0)} runs/s), simulated ${humanMs(summary.simulatedMs)} (${ratio.toFixed(0)}x wall time)`);
  if (repros.length > 0) {
    lines.push(`repro: ${repros[0]}`);
    lines.push(`replay: ${replayCommand(repros[0]!)}`);
  }
  return lines;
}
