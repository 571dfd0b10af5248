/**
 * `npm run sim` with no scenario: the whole incident library. Each
 * scenario's buggy variant must fail (the campaign stops at the first
 * failure, which is shrunk) and its fixed variant must hold for its whole
 * budget. A summary table, a repro file per finding, and exit 0 only when
 * every expectation held.
 */
import { SCENARIOS } from '../../scenarios/index.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import { EXIT, type CliOptions } from './args.ts';
import { writeFileAtomic } from './files.ts';
import { humanMs, table } from './format.ts';
import { stableStringify } from '../kernel/stable-json.ts';
import { junitXml, type JunitCase } from './junit.ts';
import type { IndexCampaign } from '../../reports/index-page.ts';
import { banner, campaignSpec, executeCampaign, writeFindings, writeIndex } from './run-campaign.ts';

/**
 * Budgets of the library run. A buggy variant gets up to 1000 runs to show
 * its bug (the canary needs tens); a fixed variant must hold for 300, enough
 * to make a lucky pass unlikely while the whole library stays in seconds.
 */
export const LIBRARY_BUGGY_RUNS = 1000;
export const LIBRARY_FIXED_RUNS = 300;

interface Row {
  readonly scenario: string;
  readonly variant: string;
  readonly expected: 'fails' | 'holds';
  readonly ok: boolean;
  readonly result: string;
  readonly runs: number;
  readonly timeToFindMs: number | null;
  readonly planSize: number | null;
  readonly runsPerSec: number;
  readonly simulatedPerWall: number;
  readonly repro: string | null;
  readonly fingerprint: string | null;
}

export async function libraryCommand(options: CliOptions): Promise<number> {
  const rows: Row[] = [];
  const index: IndexCampaign[] = [];
  for (const scenario of SCENARIOS) {
    if (scenario.faultSpace === undefined) continue;
    for (const variant of ['buggy', 'fixed'] as const) {
      const { row, campaign } = await runVariant(scenario, variant, options);
      rows.push(row);
      index.push(campaign);
    }
  }
  const indexFiles = writeIndex(options.out, index);
  const allOk = rows.every((r) => r.ok);
  if (options.junit !== undefined) writeFileAtomic(options.junit, junitXml('chaos-testbed library', rows.map(junitCase)));
  if (options.json) {
    process.stdout.write(stableStringify({ seed: options.seed, ok: allOk, results: rows }) + '\n');
  } else {
    const header = ['scenario', 'variant', 'expected', 'result', 'runs', 'time to find', 'plan size', 'runs/s', 'sim/wall'];
    const cells = rows.map((r) => [
      r.scenario,
      r.variant,
      r.expected,
      r.result,
      String(r.runs),
      r.timeToFindMs === null ? '-' : humanMs(r.timeToFindMs),
      r.planSize === null ? '-' : String(r.planSize),
      r.runsPerSec.toFixed(0),
      `${r.simulatedPerWall.toFixed(0)}x`,
    ]);
    process.stdout.write(`\n${table(header, cells)}\n\n`);
    for (const r of rows) if (r.repro !== null) process.stdout.write(`${r.scenario} ${r.variant}: ${r.fingerprint}\n  replay: npm run sim -- --replay ${r.repro}\n`);
    process.stdout.write(`\nreports: ${indexFiles[0]}\n`);
    process.stdout.write(allOk ? `\nevery expectation held (seed ${options.seed})\n` : `\nSOME EXPECTATIONS FAILED (seed ${options.seed})\n`);
  }
  return allOk ? EXIT.pass : EXIT.violation;
}

async function runVariant(scenario: AnyScenario, variant: 'buggy' | 'fixed', options: CliOptions): Promise<{ row: Row; campaign: IndexCampaign }> {
  const buggy = variant === 'buggy';
  const runs = options.runs ?? (buggy ? LIBRARY_BUGGY_RUNS : LIBRARY_FIXED_RUNS);
  const spec = campaignSpec(scenario, variant, options.seed, runs, buggy);
  const execute = { workers: options.workers, timeBudgetMs: options.timeBudgetMs, label: `${scenario.id} ${variant}` };
  process.stderr.write(banner(scenario, spec, execute) + '\n');
  const { summary, wallMs } = await executeCampaign(scenario, spec, execute);
  const ok = buggy ? summary.found : !summary.found;
  const result = summary.found ? (buggy ? 'found' : 'FAILED') : buggy ? 'NOT FOUND' : 'held';
  const written = writeFindings(scenario, summary, options.out, buggy ? 'fails' : 'holds', result);
  // Time to find: the share of wall time spent up to and including the first failing run.
  const timeToFindMs = summary.found ? wallMs : null;
  const row: Row = {
    scenario: scenario.id,
    variant,
    expected: buggy ? 'fails' : 'holds',
    ok,
    result,
    runs: summary.runs,
    timeToFindMs,
    planSize: summary.planSize,
    runsPerSec: summary.runs / Math.max(0.001, wallMs / 1000),
    simulatedPerWall: summary.simulatedMs / Math.max(1, wallMs),
    repro: written.repros[0] ?? null,
    fingerprint: summary.findings[0]?.fingerprint ?? null,
  };
  return { row, campaign: written.index };
}

function junitCase(r: Row): JunitCase {
  const failure = r.ok ? undefined : r.expected === 'fails' ? `bug not found in ${r.runs} runs` : `fixed variant failed: ${r.fingerprint}`;
  return { name: `${r.scenario} ${r.variant} ${r.expected}`, className: r.scenario, timeMs: 0, failure };
}
