/**
 * Timings of the ownership incident (shared/incidents/000_9286170ccca94d12.txt).
 * The incident gives the outcomes (a flip after ~3.5 h of healthy service, a
 * flip back ~13 s after the agent's runtime watch reported it), not the
 * settings; these are assumptions chosen to be typical, and the flip-back
 * figure follows from two of them (see RECONCILE_PERIOD_MS).
 */

/** The agent renews its Lease this often. Assumed: 10 s. */
export const HEARTBEAT_MS = 10_000;
/** A Lease lapses this long after its last renewal. Assumed: 40 s (four missed heartbeats). */
export const LEASE_DURATION_MS = 40_000;
/**
 * The controller reconciles every key this often. Assumed: 15 s. With the
 * runtime watch's 3 s poll, a flip back happens 12–15 s after the watch
 * reports the flip: the incident's ~13 s.
 */
export const RECONCILE_PERIOD_MS = 15_000;
/** The CLI's runtime watch polls its Connector's condition this often. Assumed: 3 s. */
export const WATCH_POLL_MS = 3_000;
/** The edge probes its hostname this often. Assumed: 5 s. */
export const EDGE_PROBE_MS = 5_000;
/** Deadline of one control-plane request. Assumed: 5 s. */
export const REQUEST_TIMEOUT_MS = 5_000;
/**
 * How far behind the API a stale relist can be: it may still list Connectors
 * deleted within this window (a lagging cache or replica that keeps deleted
 * objects until it compacts). Assumed: 6 h, long enough for the field's case
 * 1, where the deleted owner came back 3.5 h after the replacement.
 */
export const STALE_LIST_WINDOW_MS = 6 * 3_600_000;
/**
 * The API sends a watch bookmark (its current resourceVersion) this often, so
 * a controller that missed events notices the gap and relists. Kubernetes
 * sends bookmarks about once a minute.
 */
export const BOOKMARK_MS = 60_000;
/**
 * The longest a controller's watch can go on having lost events before the
 * controller notices and relists: until the next bookmark, which carries the
 * API's resourceVersion. A real reflector is no quicker after a long cut:
 * its watch connection breaks, and client-go retries ListAndWatch with a
 * backoff of 800 ms doubling to a 30 s cap, jittered up to twice that
 * ("backoff will stop at [30,60) sec interval", tools/cache/reflector.go),
 * so the first relist after the network heals can come up to 60 s later.
 */
export const WATCH_CATCH_UP_MS = BOOKMARK_MS;
/**
 * Slack for the round trips between a decision and what a user sees: a
 * relist, a lease read and a publish, then the edge's resolve and dial, each
 * at most 10 ms each way on the default link. 100 ms; rounded up to 1 s.
 */
export const ROUND_TRIPS_MS = 1_000;
