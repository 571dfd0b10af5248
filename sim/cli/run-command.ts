/**
 * `run`: loads the scenarios, plans the campaigns (see jobs.ts), runs them
 * one after another on one worker pool, writes each finding as soon as it is
 * found, and prints a line per campaign as it finishes; then the summary.
 */
import { InputError } from '../kernel/plan-file.ts';
import type { Project } from '../load/config.ts';
import { discoverScenarios, projectRelative, type ScenarioSet } from '../load/discover.ts';
import { cleanStaleTemporaries } from '../repro/files.ts';
import { writeFindings } from '../repro/write-findings.ts';
import { CLI } from '../identity.ts';
import type { CliOptions } from './args.ts';
import { materializeOnPool, openPool } from './engine.ts';
import { planJobs, jobVerdict, type Job } from './jobs.ts';
import { checkOutputs } from './outputs.ts';
import { banner, executeCampaign, type CampaignContext } from './run-campaign.ts';
import { finishRun, resultLine, warningLines, type JobOutcome } from './run-output.ts';
import { selfCheckJobs } from './self-check-command.ts';
import { settingsFor } from './settings.ts';
import { writeShardFile } from './shards.ts';
import { singleRun } from './single-run.ts';
import { onInterrupt } from './interrupt.ts';
import { learnFactsOnPool } from '../explore/pool/learn-facts.ts';

export async function runCommand(options: CliOptions, project: Project): Promise<number> {
  const settings = settingsFor(options, project);
  const set = await selection(options, project);
  const entries = options.scenario === undefined ? set.entries : [set.get(options.scenario)];
  if (options.plan !== undefined) {
    if (entries.length !== 1) throw new InputError(`--plan runs one scenario, and ${entries.length} are loaded: name it with --scenario ID`);
    return singleRun(entries[0]!, options, settings, options.plan);
  }
  const jobs = planJobs(entries, options, settings);
  if (jobs.length === 0) throw new InputError('none of the loaded scenarios declares a fault space to explore');
  checkOutputs(settings.out, options.junit);
  const pool = openPool(settings);
  try {
    // What each scenario's build says is learned in a worker: this thread never runs a build that might not return.
    for (const entry of new Set(jobs.map((j) => j.entry))) await learnFactsOnPool(pool, { file: entry.file, id: entry.scenario.id }, entry.scenario);
    if (options.selfCheck) return await selfCheckJobs(pool, jobs, options.timeBudgetMs);
    cleanStaleTemporaries(settings.out);
    const context: CampaignContext = { pool, root: project.root, out: settings.out, resume: options.resume };
    const outcomes: JobOutcome[] = [];
    const stopOnInterrupt = onInterrupt(pool, () => `${outcomes.length} of ${jobs.length} campaigns done; every finding so far is written. Continue with the same command and --resume.`);
    const shardText = options.shard === undefined ? '' : `, shard ${options.shard.index}/${options.shard.count}`;
    if (jobs.length > 1) {
      const seeds = [...new Set(jobs.map((j) => j.spec.seed))];
      const what = jobs.some((j) => j.expect !== null) ? 'expectations' : 'campaigns';
      process.stderr.write(`checking ${jobs.length} ${what} of ${entries.length} scenario${entries.length === 1 ? '' : 's'} (seed${seeds.length > 1 ? 's' : ''} ${seeds.join(', ')}, ${pool.size} worker${pool.size === 1 ? '' : 's'}${shardText})\n`);
    }
    for (const [i, job] of jobs.entries()) {
      const position = { index: i + 1, count: jobs.length };
      // One campaign: its banner names every parameter; many: the result lines do.
      if (jobs.length === 1) process.stderr.write(banner(job.entry.scenario, job.spec, pool.size, options.timeBudgetMs) + shardText + '\n');
      const campaign = await executeCampaign(context, job.entry, job.spec, { timeBudgetMs: options.timeBudgetMs, shard: options.shard, label: label(job), position, writeAsFound: options.shard === undefined });
      const written =
        options.shard === undefined
          ? await writeFindings(
              job.entry.scenario.id,
              projectRelative(project.root, job.entry.file),
              campaign.summary,
              settings.out,
              materializeOnPool(pool, { file: job.entry.file, id: job.entry.scenario.id }, job.entry.scenario),
              job.expect,
              jobVerdict(job, campaign.summary.found).result,
            )
          : null;
      const outcome = { job, campaign, written };
      outcomes.push(outcome);
      process.stderr.write(resultLine(outcome, jobs.length > 1 ? position : undefined) + '\n');
      for (const line of warningLines(campaign.summary)) process.stderr.write(`  ${line}\n`);
    }
    stopOnInterrupt();
    const code = options.shard !== undefined ? writeShardFile(outcomes, options.shard, project, settings, options.json) : finishRun(outcomes, options, settings);
    for (const { campaign } of outcomes) campaign.journal?.remove();
    return code;
  } finally {
    await pool.close();
  }
}

/** The scenario files named on the command line, else those of the config. */
async function selection(options: CliOptions, project: Project): Promise<ScenarioSet> {
  if (options.args.length > 0) return discoverScenarios(options.args, process.cwd());
  if (project.config === undefined) {
    throw new InputError(`no scenario files: name them (${CLI} run incidents/*.scenario.ts) or list them in chaos-testbed.config.ts (${CLI} init writes one)`);
  }
  return discoverScenarios(project.config.scenarios, project.root);
}

export function label(job: Job): string {
  return `${job.entry.scenario.id} ${job.spec.variant}${job.spec.seed === 1 ? '' : ` seed ${job.spec.seed}`}`;
}
