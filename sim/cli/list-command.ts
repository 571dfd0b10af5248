/**
 * `list`: the scenarios a command would load, with their variants and files.
 */
import { relative } from 'node:path';
import { variantNames } from '../kernel/scenario.ts';
import { stableStringify } from '../kernel/stable-json.ts';
import type { ScenarioSet } from '../load/discover.ts';
import { EXIT } from './args.ts';

export function listCommand(set: ScenarioSet, json: boolean): number {
  const rows = set.entries.map(({ scenario, file }) => ({ id: scenario.id, title: scenario.title, variants: variantNames(scenario), file: relative(process.cwd(), file) }));
  if (json) process.stdout.write(stableStringify(rows) + '\n');
  else for (const r of rows) process.stdout.write(`${r.id}  ${r.title}\n  variants: ${r.variants.join(', ')}\n  file: ${r.file}\n`);
  return EXIT.pass;
}
