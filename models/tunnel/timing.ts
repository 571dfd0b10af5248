/**
 * Timings of the headless-tunnel incident (shared/incidents/002_7922b7283284f21b.txt).
 * From the incident: the 750 ms progress poll, the 10-error bound (~7.5 s),
 * the 30 s default TXT TTL, the 10 s detach readiness window, exit code 75,
 * and "control-plane plumbing is sub-second". The rest are assumptions,
 * named so a reader can change them.
 */

/** `await_tunnel_progress` polls setup progress this often. */
export const POLL_MS = 750;
/** The fix: bail after this many consecutive transient poll errors (10 ≈ 7.5 s at the cadence). */
export const MAX_CONSECUTIVE_POLL_ERRORS = 10;
/** The gateway's resolver caches positive and negative TXT answers this long (the default TTL). */
export const DNS_TTL_MS = 30_000;
/** Detach mode waits this long for readiness. */
export const DETACH_WINDOW_MS = 10_000;
/** The exit code for "started, but readiness not confirmed in the window" (EX_TEMPFAIL). */
export const EXIT_NOT_READY = 75;

/** Deadline of one CLI HTTP call. Assumed: 5 s. */
export const REQUEST_TIMEOUT_MS = 5_000;
/**
 * Envoy answers 503 "upstream connect error" when its upstream does not
 * accept. A refused connection fails within a round trip; assumed 50 ms,
 * which covers the simulated links (at most 10 ms each way).
 */
export const UPSTREAM_TIMEOUT_MS = 50;
/** The listen node heartbeats at start and then this often. Assumed: 10 s. */
export const HEARTBEAT_MS = 10_000;
/** Heartbeat to published TXT record: "sub-second". Assumed: 300 ms. */
export const PUBLISH_DELAY_MS = 300;
/** Setup conditions on the normal path (EnvoyPatchPolicy reconcile and the rest). Assumed: 2 s. */
export const SETUP_MS = 2_000;
/** The verify phase probes the public hostname this often. Assumed: 500 ms. */
export const VERIFY_PROBE_MS = 500;
/** The gateway gives up dialing a node that does not answer. Assumed: 1 s. */
export const DIAL_TIMEOUT_MS = 1_000;
/**
 * `tunnel/api-503-blip`: once the control plane is unreachable, the CLI bails
 * within 10 failed polls at the cadence plus one poll. Each failed poll takes
 * the 750 ms wait, Envoy's 50 ms upstream timeout and up to 20 ms of links:
 * 10 × 820 + 750 = 8950 ms (the incident's "~7.5 s" counts the waits alone).
 */
export const UNREACHABLE_BAIL_BOUND_MS = MAX_CONSECUTIVE_POLL_ERRORS * (POLL_MS + UPSTREAM_TIMEOUT_MS + 20) + POLL_MS;
/**
 * `tunnel/dns-ttl-restart` (fixed): restart to proxy responding within 5 s,
 * whatever the restart time: a poll or two to see readiness (≤ 1.5 s), one
 * failed dial to the old node (1 s) and its retry, with room to spare.
 */
export const RESTART_RESPONDING_BOUND_MS = 5_000;
