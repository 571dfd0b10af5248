import canary from './scenarios/canary/lease.ts';
import { run } from './sim/index.ts';
const t = process.hrtime.bigint();
for (let i = 0; i < 500; i++) run(canary, 'fixed', i, { faults: [] });
console.log(Number(process.hrtime.bigint() - t) / 1e6 / 500, 'ms per run');
