/**
 * Who owns the DNS record of a public key: the decision the ownership
 * controller makes on every reconcile, as a pure function.
 *
 * - `first-seen` (the bug): the candidate the controller's cache lists first
 *   wins. Lease freshness is ignored, and the cache's order changes on a
 *   relist (sorted by uid) and on watch events (a changed Connector moves to
 *   the front), so ownership can flip with nothing wrong.
 * - `lease-aware` (the fix), with hysteresis: the current owner keeps the
 *   record while it exists and its lease is fresh; otherwise the candidate
 *   with the freshest lease takes it; with no fresh candidate, nothing moves.
 */

export interface Candidate {
  readonly uid: string;
  readonly project: string;
  readonly name: string;
  readonly createdAtMs: number;
}

export type Arbitration = 'first-seen' | 'lease-aware';

export interface ArbitrationInput {
  readonly arbitration: Arbitration;
  /** Candidates for one key, in the controller's cache order. */
  readonly candidates: readonly Candidate[];
  /** The record's current owner, if any. */
  readonly currentOwner: string | null;
  /** Last lease renewal per uid, in the API's clock. */
  readonly leaseRenewedAtMs: Readonly<Record<string, number>>;
  /** The controller's clock now. */
  readonly nowMs: number;
  readonly leaseDurationMs: number;
}

export function chooseOwner(input: ArbitrationInput): Candidate | null {
  const { candidates } = input;
  if (candidates.length === 0) return null;
  if (input.arbitration === 'first-seen') return candidates[0]!;
  const fresh = (c: Candidate) => input.nowMs - (input.leaseRenewedAtMs[c.uid] ?? Number.NEGATIVE_INFINITY) < input.leaseDurationMs;
  const current = candidates.find((c) => c.uid === input.currentOwner);
  if (current !== undefined && fresh(current)) return current;
  const freshest = candidates
    .filter(fresh)
    .sort((a, b) => (input.leaseRenewedAtMs[b.uid] ?? 0) - (input.leaseRenewedAtMs[a.uid] ?? 0) || a.createdAtMs - b.createdAtMs)[0];
  return freshest ?? current ?? null;
}
