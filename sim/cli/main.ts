#!/usr/bin/env node
/**
 * `chaos-testbed` (and `npm run sim` in its own repository): the command
 * line. Reads flags, runs what they ask for, and exits with a code typed by
 * outcome (see `--help`). Bad input is one line on stderr and exit 2, never
 * a stack trace.
 */
// First: scenario files loaded later must capture guarded clocks and random sources.
import '../kernel/guard-install.ts';
import { InputError } from '../kernel/plan-file.ts';
import { openProject } from '../load/config.ts';
import { discoverScenarios } from '../load/discover.ts';
import { EXIT, parseCli } from './args.ts';
import { helpText } from './help.ts';
import { CLI, VERSION } from '../identity.ts';
import { initCommand } from './init-command.ts';
import { listCommand } from './list-command.ts';
import { replayCommand } from './replay-command.ts';
import { runCommand } from './run-command.ts';
import { mergeCommand } from './shards.ts';

async function main(argv: readonly string[]): Promise<number> {
  const options = parseCli(argv);
  if (options.help) {
    process.stdout.write(helpText(CLI, VERSION));
    return EXIT.pass;
  }
  if (options.version) {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.pass;
  }
  if (options.command === 'init') return initCommand(options.args[0] ?? '.');
  const project = await openProject(process.cwd(), options.config);
  switch (options.command) {
    case 'replay':
      return replayCommand(options.args[0]!, options, project);
    case 'merge':
      return mergeCommand(options.args, options, project);
    case 'list': {
      const patterns = options.args.length > 0 ? options.args : project.config?.scenarios;
      if (patterns === undefined) throw new InputError(`no scenario files: name them (${CLI} list incidents/*.scenario.ts) or list them in chaos-testbed.config.ts`);
      return listCommand(await discoverScenarios(patterns, options.args.length > 0 ? process.cwd() : project.root), options.json);
    }
    case 'run':
      return runCommand(options, project);
  }
}

// A reader that went away (`| head`) is not an error of ours: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? EXIT.pass);
  });
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof InputError)) throw error;
  process.stderr.write(`error: ${error.message}\n`);
  process.exitCode = EXIT.badInput;
}
