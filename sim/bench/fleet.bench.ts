/**
 * `npm run bench:fleet`: the cost of one `dmsg/cold-start` run (the fixed
 * variant, so the fleet converges and then runs its steady state for the
 * rest of the 300 s) as the fleet grows: N = 10, 100, 1000 servers. For each:
 * kernel events, wall time, and both per server, with ratios against N = 10
 * measured in the same run, so linear scaling reads as ratios near 1.
 *
 * The last line of stdout is one JSON document.
 */
import { performance } from 'node:perf_hooks';
import { coldStartScenario } from '../../scenarios/dmsg/cold-start.scenario.ts';
import { run } from '../kernel/run.ts';
import { tuneGarbageCollectorForRuns } from '../explore/gc-tuning.ts';

// The process runs campaigns as the command line's workers do (see gc-tuning.ts); the same for every side measured here.
tuneGarbageCollectorForRuns();

const SIZES = (process.env.BENCH_FLEET_SIZES ?? '10,100,1000').split(',').map(Number);

interface Row {
  readonly servers: number;
  readonly outcome: string;
  readonly events: number;
  readonly wallMs: number;
  readonly eventsPerServer: number;
  readonly wallMsPerServer: number;
  readonly eventsPerSec: number;
}

function measure(servers: number): Row {
  const scenario = coldStartScenario({ fleetMax: servers });
  const plan = { faults: [{ kind: 'cold-start', atMs: 0, size: servers }] };
  run(scenario, 'fixed', 1, plan); // warm-up: JIT and module caches
  const start = performance.now();
  const result = run(scenario, 'fixed', 1, plan, { maxEvents: 50_000_000 });
  const wallMs = performance.now() - start;
  return {
    servers,
    outcome: result.outcome.kind,
    events: result.events,
    wallMs: Math.round(wallMs),
    eventsPerServer: Math.round(result.events / servers),
    wallMsPerServer: Number((wallMs / servers).toFixed(2)),
    eventsPerSec: Math.round(result.events / (wallMs / 1000)),
  };
}

const rows: Row[] = [];
for (const servers of SIZES) {
  const row = measure(servers);
  rows.push(row);
  process.stderr.write(`N=${servers}: ${row.outcome}, ${row.events} events in ${row.wallMs} ms (${row.eventsPerServer} events and ${row.wallMsPerServer} ms per server, ${row.eventsPerSec} events/s)\n`);
}
const base = rows[0]!;
const scaling = rows.map((r) => ({
  servers: r.servers,
  eventsPerServerRatio: Number((r.eventsPerServer / base.eventsPerServer).toFixed(2)),
  wallPerServerRatio: Number((r.wallMsPerServer / base.wallMsPerServer).toFixed(2)),
}));
process.stdout.write(JSON.stringify({ bench: 'fleet cold start (dmsg/cold-start, fixed, 300 s)', baseline: `N=${base.servers}`, rows, scaling }) + '\n');
