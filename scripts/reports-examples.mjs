#!/usr/bin/env zx
// `npm run reports:examples`: regenerates the gallery of example reports in
// reports/examples/ by running the incident library with campaign seed 1.
// Reports are deterministic, so CI regenerates the gallery and fails if it
// differs from what is committed (`--check`).
import { $, fs } from 'zx';

const DIR = 'reports/examples';
const check = process.argv.includes('--check');

await fs.rm(DIR, { recursive: true, force: true });
// Two threads: a campaign on workers gives the same results as a serial one (tested), in less time.
await $({ stdio: ['ignore', 'ignore', 'inherit'] })`npx tsx --conditions=chaos-testbed-source sim/cli/main.ts --seed 1 --workers 2 --out ${DIR}`;
process.stderr.write(`regenerated ${DIR}\n`);
if (check) {
  const status = (await $`git status --porcelain -- ${DIR}`).stdout.trim();
  if (status !== '') {
    process.stderr.write(`${DIR} differs from what is committed (regenerate with npm run reports:examples):\n${status}\n`);
    process.exit(1);
  }
  process.stderr.write(`${DIR} matches what is committed\n`);
}
