/**
 * Command-line flags: parsing, checking and `--help`. Anything wrong with
 * them is an {@link InputError}: one line on stderr, exit code 2.
 */
import { parseArgs } from 'node:util';
import { InputError } from '../plan-file.ts';

/** What the user asked for. */
export interface CliOptions {
  readonly help: boolean;
  readonly list: boolean;
  readonly scenario: string | undefined;
  readonly variant: string;
  readonly seed: number;
  readonly plan: string | undefined;
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
} as const;

export const HELP = `Usage: npm run sim -- [options]

Deterministic-simulation chaos testbed: runs xstate models of distributed
control planes on a seeded virtual clock under a fault plan, and checks their
invariants.

Options:
  --list                  list scenario ids with their variants
  --scenario ID           the scenario to run (family/name, see --list)
  --variant V             its variant: buggy (default), fixed, or another it names
  --seed N                the run's seed, a whole number 0..4294967295 (default 1)
  --plan FILE.json        the fault plan: {"faults": [...]}; none means no faults
  --json                  print exactly one JSON document on stdout; logs go to stderr
  --trace                 include the full trace (text: on stdout; JSON: "trace")
  --self-check            run twice and compare traces; exit 3 at the first difference
  -h, --help              this text

Exit codes:
  0  pass: every invariant held
  1  invariant violation (safety or liveness)
  2  bad input: unknown scenario or variant, bad flag, malformed plan file
  3  nondeterminism: wall clock or unseeded randomness used, or two runs differed
  4  model crash: a model threw
  5  budget exceeded: too many events, or a livelock at one virtual instant

Example:
  npm run sim -- --scenario canary/lease --variant buggy --seed 7 --plan plan.json
`;

/** Parses argv (without the node and script entries). */
export function parseCli(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        list: { type: 'boolean' },
        scenario: { type: 'string' },
        variant: { type: 'string' },
        seed: { type: 'string' },
        plan: { type: 'string' },
        json: { type: 'boolean' },
        trace: { type: 'boolean' },
        'self-check': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new InputError(`${(error as Error).message.split('\n')[0]} (see --help)`);
  }
  const v = parsed.values;
  return {
    help: v.help ?? false,
    list: v.list ?? false,
    scenario: v.scenario,
    variant: v.variant ?? 'buggy',
    seed: parseSeed(v.seed ?? '1'),
    plan: v.plan,
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
