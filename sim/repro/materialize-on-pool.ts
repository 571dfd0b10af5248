/**
 * Building a finding's files in a worker of the pool, under the watchdog:
 * the minimal plan and the fixed variant run there, not on the thread that
 * must stay in control. A finding the watchdog stopped is captured instead.
 */
import type { Finding } from '../explore/campaign.ts';
import type { WorkerPool } from '../explore/pool/pool.ts';
import type { ScenarioRef } from '../explore/pool/protocol.ts';
import { watchdogOutcome } from '../explore/pool/run-campaign.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import { replayable, stoppedFindingFiles, type FindingFiles, type FindingRequest } from './finding-files.ts';
import type { Materialize } from './write-findings.ts';

/** Builds a finding's files in the pool. */
export function materializeOnPool(pool: WorkerPool, ref: ScenarioRef, scenario: AnyScenario): Materialize {
  return async (request: FindingRequest): Promise<FindingFiles> => {
    const finding: Finding = request.finding;
    const captured = async (): Promise<FindingFiles> => {
      // The run never ends (or ends its worker): capture what it does until the watchdog stops it again.
      const capture = await pool.run({ handler: 'capture', input: { scenario: ref, variant: request.variant, seed: finding.seed, plan: finding.repro.plan, traceMode: 'hash', checkpoints: false } });
      return stoppedFindingFiles(scenario, request, finding.repro.outcome, capture.status === 'done' ? [] : capture.records);
    };
    if (!replayable(finding.repro.outcome)) return captured();
    const built = await pool.run<FindingFiles>({ handler: 'finding', input: { scenario: ref, request } });
    if (built.status === 'done') return built.value;
    // The fixed variant (or the series run) did not finish under this plan: say so rather than run it again.
    const again = await pool.run<FindingFiles>({ handler: 'finding', input: { scenario: ref, request: { ...request, fixedStopped: watchdogOutcome(built) } } });
    if (again.status === 'done') return again.value;
    // The finding's own run does not finish in a worker either (a model that exits its process).
    return captured();
  };
}
