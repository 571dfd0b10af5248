import canary from './scenarios/canary/lease.ts';
import { exploreRun } from './sim/explore/explore-run.ts';
for (const variant of ['buggy', 'fixed']) {
  let fails = 0; const t = process.hrtime.bigint(); let firstShown = false;
  for (let i = 0; i < 200; i++) {
    const c = exploreRun(canary, variant, 1, i, { maxShrinkRuns: 500 });
    if (c.repro) { fails++; if (!firstShown) { firstShown = true; console.log(variant, 'first fail at', i, JSON.stringify(c.repro.plan), c.repro.fingerprint, c.repro.oneMinimal, c.repro.shrinkRuns, 'drawn size', c.planSize); } }
    if (c.outcome.kind !== 'pass' && c.outcome.kind !== 'safety-violation') console.log(variant, i, c.outcome);
  }
  console.log(variant, 'fails', fails, '/200 in', Number(process.hrtime.bigint() - t) / 1e6, 'ms');
}
