/**
 * Command-line flags: parsing, checking and `--help`. Anything wrong with
 * them is an {@link InputError}: one line on stderr, exit code 2, before any
 * work.
 *
 * The first argument may name a command (`run`, `replay`, `list`, `merge`,
 * `init`); without one the command is `run`, and the older flag forms
 * (`--list`, `--replay FILE`, `--merge FILES`) still pick the others.
 */
import { parseArgs } from 'node:util';
import { InputError } from '../kernel/plan-file.ts';

export const COMMANDS = ['run', 'replay', 'list', 'merge', 'init'] as const;
export type Command = (typeof COMMANDS)[number];

/** What the user asked for. `undefined` means "not given": the config's default, then the built-in one. */
export interface CliOptions {
  readonly command: Command;
  /** Positional arguments after the command: scenario files or globs, a repro file, shard files, a folder. */
  readonly args: readonly string[];
  readonly help: boolean;
  readonly version: boolean;
  readonly config: string | undefined;
  readonly scenario: string | undefined;
  readonly variant: string | undefined;
  readonly seed: number | undefined;
  readonly plan: string | undefined;
  readonly runs: number | undefined;
  readonly timeBudgetMs: number | undefined;
  readonly workers: number | undefined;
  readonly shard: Shard | undefined;
  readonly deep: boolean;
  /** Continue an interrupted command from its journal. */
  readonly resume: boolean;
  /** Wall time one run may take before the watchdog calls it a hang. */
  readonly runTimeoutMs: number | undefined;
  /** Heap limit of each worker, in MB. */
  readonly runMemoryMb: number | undefined;
  readonly emitTest: boolean;
  readonly stopOnFailure: boolean;
  readonly out: string | undefined;
  readonly junit: string | undefined;
  readonly json: boolean;
  readonly trace: boolean;
  readonly selfCheck: boolean;
  /** How campaigns choose plans (`undefined`: the config's, then {@link DEFAULT_SEARCH}). */
  readonly search: SearchMode | undefined;
  /** Lanes of a guided campaign (see sim/explore/guided/layout.ts). */
  readonly lanes: number | undefined;
  /** Print what the search did: sample plans, coverage growth, corpus, mutations that paid off. */
  readonly explain: boolean;
}

import type { Shard } from '../explore/shard.ts';
import { SEARCH_MODES, type SearchMode } from '../explore/search-mode.ts';

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

/**
 * The search when neither --search nor the config says: guided, which the
 * search benchmark (`npm run bench:search`, see the README) shows finding
 * multi-fault timing bugs random search does not, and the library's bugs in
 * as few runs.
 */
export const DEFAULT_SEARCH: SearchMode = 'guided';

/** Runs of a campaign when neither --runs, the config nor --time-budget says. */
export const DEFAULT_RUNS = 200;
export const DEFAULT_SEED = 1;
export const DEFAULT_OUT = 'reports/out';

const FLAGS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  config: { type: 'string' },
  list: { type: 'boolean' },
  scenario: { type: 'string' },
  variant: { type: 'string' },
  seed: { type: 'string' },
  plan: { type: 'string' },
  runs: { type: 'string' },
  'time-budget': { type: 'string' },
  workers: { type: 'string' },
  shard: { type: 'string' },
  deep: { type: 'boolean' },
  resume: { type: 'boolean' },
  'run-timeout': { type: 'string' },
  'run-memory': { type: 'string' },
  merge: { type: 'boolean' },
  replay: { type: 'string' },
  'emit-test': { type: 'boolean' },
  'stop-on-failure': { type: 'boolean' },
  out: { type: 'string' },
  junit: { type: 'string' },
  json: { type: 'boolean' },
  trace: { type: 'boolean' },
  'self-check': { type: 'boolean' },
  search: { type: 'string' },
  lanes: { type: 'string' },
  explain: { type: 'boolean' },
} as const;

type Flag = keyof typeof FLAGS;

/** Flags each command takes (besides --help, --version and --config). */
const ACCEPTS: Record<Command, readonly Flag[]> = {
  run: ['scenario', 'variant', 'seed', 'plan', 'runs', 'time-budget', 'workers', 'shard', 'deep', 'resume', 'run-timeout', 'run-memory', 'stop-on-failure', 'out', 'junit', 'json', 'trace', 'self-check', 'search', 'lanes', 'explain'],
  replay: ['emit-test', 'json', 'trace', 'run-timeout', 'run-memory'],
  list: ['json'],
  merge: ['out', 'junit', 'json', 'workers', 'run-timeout', 'run-memory'],
  init: [],
};

/** Parses argv (without the node and script entries). */
export function parseCli(argv: readonly string[]): CliOptions {
  const named = COMMANDS.find((c) => c === argv[0]);
  let parsed;
  try {
    parsed = parseArgs({ args: named === undefined ? [...argv] : argv.slice(1), strict: true, allowPositionals: true, options: FLAGS });
  } catch (error) {
    throw new InputError(`${(error as Error).message.split('\n')[0]} (see --help)`);
  }
  const v = parsed.values;
  const legacy = v.list ? 'list' : v.replay !== undefined ? 'replay' : v.merge ? 'merge' : undefined;
  if (named !== undefined && legacy !== undefined) throw new InputError(`--${legacy} does not go with the '${named}' command (see --help)`);
  if ([v.list, v.replay !== undefined, v.merge].filter(Boolean).length > 1) throw new InputError('--list, --replay and --merge are different commands: give one (see --help)');
  const command: Command = named ?? legacy ?? 'run';
  const args = v.replay !== undefined ? [v.replay, ...parsed.positionals] : parsed.positionals;
  if (!(v.help ?? false) && !(v.version ?? false)) checkFlagsFit(command, v as Record<string, unknown>, args);
  return {
    command,
    args,
    help: v.help ?? false,
    version: v.version ?? false,
    config: v.config,
    scenario: v.scenario,
    variant: v.variant,
    seed: v.seed === undefined ? undefined : parseSeed(v.seed),
    plan: v.plan,
    runs: v.runs === undefined ? undefined : positiveInt('--runs', v.runs),
    timeBudgetMs: v['time-budget'] === undefined ? undefined : parseDuration(v['time-budget'], '--time-budget'),
    workers: v.workers === undefined ? undefined : positiveInt('--workers', v.workers),
    shard: v.shard === undefined ? undefined : parseShard(v.shard, process.env.JOB_COMPLETION_INDEX),
    deep: v.deep ?? false,
    resume: v.resume ?? false,
    runTimeoutMs: v['run-timeout'] === undefined ? undefined : parseDuration(v['run-timeout'], '--run-timeout'),
    runMemoryMb: v['run-memory'] === undefined ? undefined : positiveInt('--run-memory', v['run-memory']),
    emitTest: v['emit-test'] ?? false,
    stopOnFailure: v['stop-on-failure'] ?? false,
    out: v.out,
    junit: v.junit,
    json: v.json ?? false,
    trace: v.trace ?? false,
    selfCheck: v['self-check'] ?? false,
    search: v.search === undefined ? undefined : parseSearch(v.search),
    lanes: v.lanes === undefined ? undefined : positiveInt('--lanes', v.lanes),
    explain: v.explain ?? false,
  };
}

export function parseSearch(text: string): SearchMode {
  const mode = SEARCH_MODES.find((m) => m === text);
  if (mode === undefined) throw new InputError(`--search must be ${SEARCH_MODES.join(' or ')}, got '${text}'`);
  return mode;
}

/** Refuses flags the command does not take and arguments it cannot use, naming the first. */
function checkFlagsFit(command: Command, values: Record<string, unknown>, args: readonly string[]): void {
  const always = new Set<string>(['help', 'version', 'config', 'list', 'replay', 'merge']);
  for (const [flag, value] of Object.entries(values)) {
    if (value === undefined || always.has(flag)) continue;
    if (!(ACCEPTS[command] as readonly string[]).includes(flag)) throw new InputError(`--${flag} does not go with '${command}' (see --help)`);
  }
  if (command === 'replay' && args.length !== 1) throw new InputError(args.length === 0 ? 'replay needs a repro file: replay FILE' : `replay takes one repro file, got ${args.length}`);
  if (command === 'merge' && args.length === 0) throw new InputError('merge needs the shard result files to combine');
  if (command === 'init' && args.length > 1) throw new InputError(`init takes at most one folder, got ${args.length}`);
  if (command === 'run') {
    if (values.plan !== undefined && (values.shard !== undefined || values.deep !== undefined)) throw new InputError('--plan runs one plan: it does not go with --shard or --deep');
    if (values.deep !== undefined && (values.variant !== undefined || values.scenario !== undefined || values['self-check'] !== undefined)) {
      throw new InputError('--deep checks every expectation of every scenario: it does not go with --variant, --scenario or --self-check');
    }
    if (values['self-check'] !== undefined && values.shard !== undefined) throw new InputError('--self-check does not go with --shard');
    if (values['self-check'] !== undefined && values.resume !== undefined) throw new InputError('--self-check does not go with --resume');
    if (values.trace !== undefined && values.plan === undefined) throw new InputError('--trace goes with --plan FILE (or with replay)');
    if (values.plan !== undefined && (values.search !== undefined || values.lanes !== undefined || values.explain !== undefined)) throw new InputError('--plan runs one plan: it does not go with --search, --lanes or --explain');
    if (values.lanes !== undefined && values.search === 'random') throw new InputError('--lanes goes with --search guided (a random campaign has no lanes)');
  }
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
export function parseDuration(text: string, flag = '--time-budget'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
  if (match === null) throw new InputError(`${flag} must look like 30s, 2m or 1h, got '${text}'`);
  const ms = Number(match[1]) * UNIT_MS[match[2] ?? 's']!;
  if (!(ms >= 1) || !Number.isSafeInteger(Math.round(ms))) throw new InputError(`${flag} must be at least 1ms, got '${text}'`);
  return Math.round(ms);
}

/**
 * `I/N` (I from 1), or `auto/N`, which takes I from `JOB_COMPLETION_INDEX`
 * (0-based), as a Kubernetes Indexed Job sets it in each pod.
 */
export function parseShard(text: string, completionIndex: string | undefined): Shard {
  const auto = /^auto\/(\d+)$/.exec(text);
  if (auto !== null) {
    if (completionIndex === undefined || !/^\d+$/.test(completionIndex)) {
      throw new InputError(`--shard auto/${auto[1]} takes its index from JOB_COMPLETION_INDEX, which is ${completionIndex === undefined ? 'not set' : `'${completionIndex}'`}`);
    }
    return parseShard(`${Number(completionIndex) + 1}/${auto[1]}`, undefined);
  }
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index < 1 || index > count) {
    throw new InputError(`--shard must be I/N with 1 <= I <= N (say 1/4), or auto/N, got '${text}'`);
  }
  return { index, count };
}
