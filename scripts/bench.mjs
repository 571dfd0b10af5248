#!/usr/bin/env zx
// `npm run bench`: runs every benchmark in turn and prints each one's JSON
// summary (the last line of its stdout) under its name, as one document.
// Progress of each goes to stderr as it runs.
import { $ } from 'zx';

const benches = { kernel: 'sim/bench/kernel.bench.ts', explore: 'sim/bench/explore.bench.ts', reports: 'sim/bench/reports.bench.ts', fleet: 'sim/bench/fleet.bench.ts', search: 'sim/bench/search.bench.ts', peer: 'sim/bench/peer.bench.ts', cost: 'sim/bench/cost.bench.ts', 'sim-wall': 'sim/bench/sim-wall.bench.ts' };
const results = {};
for (const [name, file] of Object.entries(benches)) {
  process.stderr.write(`bench ${name}: ${file}\n`);
  const out = await $({ stdio: ['ignore', 'pipe', 'inherit'] })`npx tsx --conditions=chaos-testbed-source ${file}`;
  const lines = out.stdout.trim().split('\n');
  results[name] = JSON.parse(lines[lines.length - 1]);
}
process.stdout.write(JSON.stringify(results, null, 2) + '\n');
