/**
 * ownership/deleted-owner (case 1 of the incident): a Connector is replaced.
 *
 * In project drewr-y4nd1b, Connector datum-connect-jttwh served the tunnel;
 * five minutes in, the user stops its agent and deletes it, and a minute later
 * creates datum-connect-ltwr5 (same device, so the same public key) and
 * starts its agent. ltwr5 becomes the owner and serves. The bug: a controller whose cache can
 * hold deleted Connectors (a stale relist), arbitrating first-seen without an
 * existence check, flips ltwr5 to DeferredToOwner citing jttwh, which does not
 * exist; the edge returns 503 for talk-known-phk4r.datumproxy.net.
 *
 * Figures: the field saw the flip after ~3.5 h of healthy service. Here the
 * flip comes at the first stale relist the explorer draws; the calibration
 * test places one at 3.5 h and shows the same shape.
 *
 * What issue 20 corrected. A deeper campaign (seed 2, run 1,481 of 1,500)
 * refuted `fixed` with one partition of api and controller for 555 s across
 * the replacement: 55 s after the heal the edge still answered 503. The
 * invariant was wrong, not the fix or the model. The controller's watch had
 * lost the deletion and the creation; it noticed at the first bookmark
 * after the heal (59.999 s later), relisted and published ltwr5 at once. A
 * real reflector is no quicker: its broken watch makes it retry ListAndWatch
 * with a backoff capped at 30 s and jittered up to 60 s. The liveness bound
 * was a lease and a reconcile, which covers replacing a lapsed owner but not
 * a watch catching up; it is now the slower of the two plus the edge's
 * probe (EDGE_RECOVERY_BOUND_MS in common.ts, 66 s). The plan, its run seed
 * and run 1,481 as the campaign drew it are pinned in
 * test/props/ownership.props.test.ts (the 1,481-run campaign is too long for
 * the props suite; it belongs to the deep campaign).
 */
import { ownershipScenario } from './common.ts';

/** When the user deletes jttwh (ltwr5 follows a minute later). */
export const REPLACE_AT_MS = 300_000;

export function deletedOwnerScenario(options: { durationMs?: number; checkInvariants?: boolean } = {}) {
  // 30 minutes of virtual time per run: long enough for the replacement and
  // hours' worth of reconciles to matter, short enough for a fast search.
  const durationMs = options.durationMs ?? 1_800_000;
  return ownershipScenario({
    id: 'ownership/deleted-owner',
    title: 'Ownership flips to a deleted Connector (IrohDNSPublished → DeferredToOwner)',
    description:
      'A Connector is replaced by a new one with the same public key and deleted. A stale controller cache brings the ' +
      'deleted Connector back, and first-seen arbitration without an existence check hands it the DNS record: the live ' +
      'Connector is DeferredToOwner a Connector that does not exist, and the edge returns 503.',
    figures: ['flip after ~3.5 h of healthy service', 'cited owner NotFound', 'HTTP 503 at the edge while deferred'],
    connectors: [
      { uid: '226a90b6-3cad-4242-9eff-c2c71a335545', project: 'drewr-y4nd1b', name: 'datum-connect-jttwh', createdAtMs: -86_400_000, agentRunning: true, existsAtStart: true, leaseRenewedAtMs: 0 },
      { uid: 'e43a8dd4-b10e-42de-b9ff-032788491a24', project: 'drewr-y4nd1b', name: 'datum-connect-ltwr5', createdAtMs: REPLACE_AT_MS + 60_000, agentRunning: false, existsAtStart: false },
    ],
    live: 'datum-connect-ltwr5',
    hostname: 'talk-known-phk4r.datumproxy.net',
    durationMs,
    faultWindowMs: [0, durationMs - 600_000],
    // The replacement itself is a planned outage of a minute or so.
    quietAfterMs: REPLACE_AT_MS + 60_000,
    checkInvariants: options.checkInvariants,
    workload(sim, { api, agents, connectors }) {
      const [jttwh, ltwr5] = connectors as [typeof connectors[0], typeof connectors[0]];
      sim.at(REPLACE_AT_MS, () => {
        agents['datum-connect-jttwh']!.crash();
        api.send({ type: 'delete-connector', uid: jttwh.uid });
      });
      sim.at(REPLACE_AT_MS + 60_000, () => {
        api.send({ type: 'create-connector', connector: ltwr5 });
        agents['datum-connect-ltwr5']!.start();
      });
    },
  });
}

export default deletedOwnerScenario();
