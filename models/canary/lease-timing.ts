/**
 * Lease timings of the canary, taken from Kubernetes leader election
 * (client-go `leaderelection` defaults used by kube-controller-manager):
 * `--leader-elect-lease-duration=15s`, `--leader-elect-renew-deadline=10s`,
 * `--leader-elect-retry-period=2s`.
 */

/** How long a grant lasts on the lease server, from when it is granted. */
export const LEASE_DURATION_MS = 15_000;
/** A holder that could not renew for this long steps down (fixed clients only). */
export const RENEW_DEADLINE_MS = 10_000;
/** How often a client tries to acquire or renew. */
export const RETRY_PERIOD_MS = 2_000;
/**
 * Deadline of one acquire request. It bounds how stale a grant can be when
 * the client reads it: RENEW_DEADLINE + REQUEST_TIMEOUT < LEASE_DURATION keeps
 * a fixed client's belief inside the server's grant.
 */
export const REQUEST_TIMEOUT_MS = 1_000;
