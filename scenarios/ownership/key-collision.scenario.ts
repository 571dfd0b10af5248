/**
 * ownership/key-collision (case 2 of the incident): two accounts, one key.
 *
 * drewr-y4nd1b/datum-connect-mhxj5 serves with a fresh lease;
 * my-project-4h6v89/datum-connect-dwq9z, 87 days old in another user's
 * project, holds the same public key (a listen key shared across the user's
 * accounts) and its agent stopped long ago. The bug: a relist reorders the
 * controller's cache, first-seen arbitration ignores lease freshness, and dwq9z
 * takes mhxj5's record: mhxj5 is DeferredToOwner a Connector of another
 * project whose lease lapsed long ago. The runtime watch exits mhxj5's agent;
 * its status update moves mhxj5 back to the front of the cache, and the next
 * reconcile flips ownership back on its own.
 *
 * Figures: a flip back ~13 s after the runtime watch reported the flip. Here
 * the watch polls every 3 s and the controller reconciles every 15 s, so the
 * flip back comes 12–15 s after the report (calibration test).
 */
import { ownershipScenario } from './common.ts';

const DAY_MS = 86_400_000;

export function keyCollisionScenario(options: { durationMs?: number; checkInvariants?: boolean } = {}) {
  // 30 minutes of virtual time per run (the calibration test runs hours).
  const durationMs = options.durationMs ?? 1_800_000;
  return ownershipScenario({
    id: 'ownership/key-collision',
    title: "Another account's Connector with the same key takes the record, then ownership flips back",
    description:
      "Two Connectors in two users' projects hold the same public key. One serves with a fresh lease; the other's agent " +
      'stopped long ago. First-seen arbitration after a relist hands the record to the stale one: the live Connector is ' +
      'DeferredToOwner across accounts, its agent exits, and ownership flips back seconds later.',
    figures: ['flip back ~13 s after the runtime watch reported the flip', 'cited owner 87 days old, lease long expired, other account'],
    connectors: [
      { uid: 'c0968142-c465-440a-ad40-fdb797ebf366', project: 'my-project-4h6v89', name: 'datum-connect-dwq9z', createdAtMs: -87 * DAY_MS, agentRunning: false, existsAtStart: true, leaseRenewedAtMs: -30 * DAY_MS },
      // The incident did not capture mhxj5's uid; any uid that sorts after dwq9z's shows the bug.
      { uid: 'f1b2c3d4-0000-4000-8000-000000000001', project: 'drewr-y4nd1b', name: 'datum-connect-mhxj5', createdAtMs: -DAY_MS, agentRunning: true, existsAtStart: true, leaseRenewedAtMs: 0 },
    ],
    live: 'datum-connect-mhxj5',
    hostname: 'mhxj5.datumproxy.net',
    durationMs,
    faultWindowMs: [0, durationMs - 600_000],
    checkInvariants: options.checkInvariants,
  });
}

export default keyCollisionScenario();
