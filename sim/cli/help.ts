/**
 * `--help`: every command and flag, in 80 columns. `cli` is how the user
 * runs the tool (`npx chaos-testbed`, or `npm run sim --` in its own repository).
 */
import { DEFAULT_OUT, DEFAULT_RUNS, DEFAULT_SEARCH } from './args.ts';
import { DEFAULT_LANES } from '../explore/guided/layout.ts';

export function helpText(cli: string, version: string): string {
  return `chaos-testbed ${version}: deterministic-simulation chaos testing for
distributed control planes. xstate models run on a seeded virtual clock;
fast-check searches fault plans and shrinks a failure to a minimal plan
that replays exactly.

Usage:
  ${cli} run [FILES or GLOBS...] [options]
  ${cli} replay FILE [--emit-test] [--trace] [--json]
  ${cli} list [FILES...] [--json]
  ${cli} merge SHARD-FILES... [--out DIR] [--json]
  ${cli} init [DIR]

Commands:
  run       Scenario files (or those chaos-testbed.config.ts names) are
            loaded and checked: each variant's expectation (buggy fails,
            fixed holds, as the scenario declares) is tested by a campaign.
            With --variant or --scenario: one campaign per scenario.
            With --plan FILE: one run of that fault plan.
  replay    Replays a repro file; it must give the recorded trace hash.
  list      Lists the scenarios with their variants.
  merge     Combines shard results (from run --shard) as one run would.
  init      Writes a config, an example scenario and a vitest test here.
  (The older forms --list, --replay FILE and --merge FILES... still work.)

Run options:
  --scenario ID         only this scenario (family/name, see list)
  --variant V           a campaign on variant V (buggy, fixed, or another)
  --seed N              campaign seed, or the run's seed with --plan
                        (0..4294967295, default 1)
  --runs K              runs of a campaign (default ${DEFAULT_RUNS}); when checking
                        expectations, the budget of every 'holds' one
  --time-budget T       stop a campaign after T of wall time (30s, 2m, 1h)
  --workers N           worker threads to run on (default and most: one
                        per core; same results on any number)
  --shard I/N           run slice I of N of every campaign, for a CI
                        matrix; auto/N takes I from JOB_COMPLETION_INDEX
  --deep                every expectation on seeds 1..5, 'holds' budgets
                        ten times over
  --resume              continue an interrupted run from its journal in --out
  --run-timeout T       wall time one run may take before it counts as a
                        hang (default 30s)
  --run-memory MB       heap limit of each worker thread (default 2048)
  --search S            how campaigns choose plans: guided (keep plans that
                        reach new coverage and mutate them, mixed with fresh
                        draws) or random (each run draws its own); default
                        ${DEFAULT_SEARCH}
  --lanes N             guided: independent searches a campaign is dealt
                        into, round robin (default ${DEFAULT_LANES}, or N with
                        --shard I/N: shards split the lanes); each lane
                        searches alone
  --explain             show what the search did: sample plans, coverage
                        growth per hundred runs, corpus size, and which
                        mutations paid off
  --stop-on-failure     end a campaign at its first failing run
  --self-check          run each run twice and compare the traces
  --plan FILE           one run of the fault plan in FILE ({"faults": [...]})
  --trace               with --plan or replay: print the full trace
  --out DIR             where repros, reports and shard results go
                        (default ${DEFAULT_OUT})
  --junit FILE          write JUnit XML of the results
  --json                print exactly one JSON document on stdout

Other options:
  --emit-test           with replay: write a vitest regression test
  --config FILE         the config file (default: chaos-testbed.config.ts,
                        .mts, .js, .mjs or .json, here or in a parent)
  -v, --version         the version
  -h, --help            this text

Exit codes:
  0  pass: every invariant (or every expectation) held
  1  invariant violation, or an expectation that did not hold
  2  bad input: unknown scenario, bad flag, malformed plan or repro file
  3  nondeterminism: wall clock or unseeded randomness, or a replay diverged
  4  model crash: a model threw
  5  budget exceeded: too many events, or a livelock
  6  model hang: a run took more than --run-timeout of wall time
  7  resource exhausted: a run passed --run-memory

Examples:
  ${cli} run incidents/lease.scenario.ts
  ${cli} run --scenario canary/lease --runs 500 --seed 7
  ${cli} run --scenario canary/lease --variant fixed --time-budget 30s
  ${cli} run --scenario canary/lease --search random --explain
  ${cli} replay ${DEFAULT_OUT}/repros/canary__lease-buggy-4911b77c.repro.json
  ${cli} run --scenario canary/lease --seed 7 --plan plan.json --trace
`;
}
