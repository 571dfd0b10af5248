/**
 * `npm run sim`: the testbed's command line. Reads flags, runs what they ask
 * for, and exits with a code typed by outcome (see `--help`). Bad input is
 * one line on stderr and exit 2, never a stack trace.
 */
import { SCENARIOS } from '../../scenarios/index.ts';
import { InputError } from '../kernel/plan-file.ts';
import { variantNames } from '../kernel/scenario.ts';
import { EXIT, HELP, parseCli } from './args.ts';
import { campaignCommand, mergeCommand } from './campaign-command.ts';
import { stableStringify } from '../kernel/stable-json.ts';
import { libraryCommand } from './library-command.ts';
import { replayCommand } from './replay-command.ts';
import { checkVariant, findScenarioOrThrow } from './scenarios.ts';
import { singleRun } from './single-run.ts';

async function main(argv: readonly string[]): Promise<number> {
  const options = parseCli(argv);
  if (options.help) {
    process.stdout.write(HELP);
    return EXIT.pass;
  }
  if (options.list) return list(options.json);
  if (options.replay !== undefined) return replayCommand(options.replay, options);
  if (options.merge !== undefined) return mergeCommand(options.merge, options);
  if (options.scenario === undefined) {
    if (options.plan !== undefined) throw new InputError('--plan needs --scenario ID');
    return libraryCommand(options);
  }
  const scenario = findScenarioOrThrow(options.scenario);
  checkVariant(scenario, options.variant);
  if (options.plan !== undefined) return singleRun(scenario, options, options.plan);
  return campaignCommand(scenario, options);
}

function list(json: boolean): number {
  const rows = SCENARIOS.map((s) => ({ id: s.id, title: s.title, variants: variantNames(s) }));
  if (json) process.stdout.write(stableStringify(rows) + '\n');
  else for (const row of rows) process.stdout.write(`${row.id.padEnd(32)} ${row.variants.join(', ').padEnd(24)} ${row.title}\n`);
  return EXIT.pass;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof InputError)) throw error;
  process.stderr.write(`error: ${error.message}\n`);
  process.exitCode = EXIT.badInput;
}
