/**
 * Command-line flags: parsing, checking and `--help`. Anything wrong with
 * them is an {@link InputError}: one line on stderr, exit code 2.
 */
import { parseArgs } from 'node:util';
import { InputError } from '../kernel/plan-file.ts';

/** What the user asked for. */
export interface CliOptions {
  readonly help: boolean;
  readonly list: boolean;
  readonly scenario: string | undefined;
  readonly variant: string;
  readonly seed: number;
  readonly plan: string | undefined;
  readonly runs: number | undefined;
  readonly timeBudgetMs: number | undefined;
  readonly workers: number;
  readonly shard: { readonly index: number; readonly count: number } | undefined;
  readonly merge: readonly string[] | undefined;
  readonly replay: string | undefined;
  readonly emitTest: boolean;
  readonly stopOnFailure: boolean;
  readonly out: string;
  readonly junit: string | undefined;
  readonly json: boolean;
  readonly trace: boolean;
  readonly selfCheck: boolean;
}

/** Exit codes, typed by outcome so CI can tell what kind of failure it saw. */
export const EXIT = {
  pass: 0,
  violation: 1,
  badInput: 2,
  nondeterminism: 3,
  modelCrash: 4,
  budgetExceeded: 5,
  modelHang: 6,
  resourceExhausted: 7,
} as const;

/** Runs of a campaign when neither --runs nor --time-budget is given. */
export const DEFAULT_RUNS = 200;

export const HELP = `Usage: npm run sim -- [options]

Deterministic-simulation chaos testbed: runs xstate models of distributed
control planes on a seeded virtual clock, searches fault plans with
fast-check, and shrinks a failure to a minimal plan that replays exactly.

With no options, runs the whole incident library: each scenario's buggy
variant must fail and its fixed variant must hold.

Modes:
  --list                  list scenario ids with their variants
  --scenario ID           a campaign on one scenario (family/name, see --list)
  --scenario ID --plan F  one run of the fault plan in F ({"faults": [...]})
  --replay FILE           replay a repro file; it must give the recorded trace hash
  --merge FILE...         combine shard results (from --shard) into one campaign

Options:
  --variant V             buggy (default), fixed, or another the scenario names
  --seed N                campaign seed, or the run's seed with --plan (0..4294967295, default 1)
  --runs K                campaign runs (default ${DEFAULT_RUNS})
  --time-budget T         stop the campaign after T of wall time (30s, 2m, 1h)
  --workers N             run the campaign on N threads: the main one and N-1 workers (default 1)
  --shard I/N             run the I-th of N slices of the runs (I from 1), for a CI matrix
  --stop-on-failure       end a campaign at its first failing run
  --self-check            run each run twice and compare traces; exit 3 at the first difference
  --emit-test             with --replay: write a vitest regression test to test/regressions/
  --out DIR               where repro files, reports, the index and shard results go (default reports/out)
  --junit FILE            write JUnit XML of the results
  --json                  print exactly one JSON document on stdout; logs go to stderr
  --trace                 with --plan or --replay: print the full trace
  -h, --help              this text

Exit codes:
  0  pass: every invariant held (library: every expectation held)
  1  invariant violation (safety or liveness); library: an expectation failed
  2  bad input: unknown scenario or variant, bad flag, malformed plan or repro file
  3  nondeterminism: wall clock or unseeded randomness used, or a replay diverged
  4  model crash: a model threw
  5  budget exceeded: too many events, or a livelock at one virtual instant

Examples:
  npm run sim -- --scenario canary/lease --runs 500 --seed 7
  npm run sim -- --scenario canary/lease --variant fixed --time-budget 30s --workers 2
  npm run sim -- --replay reports/out/repros/canary__lease-buggy-1a2b3c4d.repro.json
  npm run sim -- --scenario canary/lease --seed 7 --plan plan.json --trace
`;

/** Parses argv (without the node and script entries). */
export function parseCli(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        list: { type: 'boolean' },
        scenario: { type: 'string' },
        variant: { type: 'string' },
        seed: { type: 'string' },
        plan: { type: 'string' },
        runs: { type: 'string' },
        'time-budget': { type: 'string' },
        workers: { type: 'string' },
        shard: { type: 'string' },
        merge: { type: 'boolean' },
        replay: { type: 'string' },
        'emit-test': { type: 'boolean' },
        'stop-on-failure': { type: 'boolean' },
        out: { type: 'string' },
        junit: { type: 'string' },
        json: { type: 'boolean' },
        trace: { type: 'boolean' },
        'self-check': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new InputError(`${(error as Error).message.split('\n')[0]} (see --help)`);
  }
  const v = parsed.values;
  if (parsed.positionals.length > 0 && !v.merge) throw new InputError(`unexpected argument '${parsed.positionals[0]}' (see --help)`);
  if (v.merge && parsed.positionals.length === 0) throw new InputError('--merge needs the shard result files to combine');
  if (v['emit-test'] && v.replay === undefined) throw new InputError('--emit-test goes with --replay FILE');
  return {
    help: v.help ?? false,
    list: v.list ?? false,
    scenario: v.scenario,
    variant: v.variant ?? 'buggy',
    seed: parseSeed(v.seed ?? '1'),
    plan: v.plan,
    runs: v.runs === undefined ? undefined : positiveInt('--runs', v.runs),
    timeBudgetMs: v['time-budget'] === undefined ? undefined : parseDuration(v['time-budget']),
    workers: v.workers === undefined ? 1 : positiveInt('--workers', v.workers),
    shard: v.shard === undefined ? undefined : parseShard(v.shard),
    merge: v.merge ? parsed.positionals : undefined,
    replay: v.replay,
    emitTest: v['emit-test'] ?? false,
    stopOnFailure: v['stop-on-failure'] ?? false,
    out: v.out ?? 'reports/out',
    junit: v.junit,
    json: v.json ?? false,
    trace: v.trace ?? false,
    selfCheck: v['self-check'] ?? false,
  };
}

function parseSeed(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 0xffff_ffff) {
    throw new InputError(`--seed must be a whole number from 0 to 4294967295, got '${text}'`);
  }
  return Number(text);
}

function positiveInt(flag: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new InputError(`${flag} must be a whole number >= 1, got '${text}'`);
  }
  return Number(text);
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `30s`, `2m`, `1h`, `500ms`, or a bare number of seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
  if (match === null) throw new InputError(`--time-budget must look like 30s, 2m or 1h, got '${text}'`);
  const ms = Number(match[1]) * UNIT_MS[match[2] ?? 's']!;
  if (!(ms >= 1)) throw new InputError(`--time-budget must be at least 1ms, got '${text}'`);
  return Math.round(ms);
}

function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index < 1 || index > count) {
    throw new InputError(`--shard must be I/N with 1 <= I <= N (say 1/4), got '${text}'`);
  }
  return { index, count };
}
