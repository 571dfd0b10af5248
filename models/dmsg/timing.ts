/**
 * Timings of the dmsg relay fleet (shared/incidents/003_5b6edf88c5ea4344.txt).
 * From the incident: the discovery ticker's 10 minutes (3142), the HTTP
 * read timeout of 3 s and its fix of 30 s (3147), the 4097 SYNs queued (a
 * 4096 backlog). The rest are assumptions, named so a reader can change them.
 */

/** The discovery registrar's periodic dial pass (3142): every 10 minutes. */
export const DISC_TICKER_MS = 600_000;
/** The fix's exponential retry of a configured server: first wait and cap. Assumed: 500 ms to 8 s. */
export const DISC_RETRY_FIRST_MS = 500;
export const DISC_RETRY_CAP_MS = 8_000;

/** The kernel accept queue: `somaxconn` 4096 (the incident saw 4097 SYNs queued: one past it). */
export const ACCEPT_BACKLOG = 4096;

/** A transit client keeps this many sessions to other servers. Assumed: 2. */
export const MIN_SESSIONS = 2;
/** How often a transit client dials for missing sessions. Assumed: 1 s. */
export const DIAL_RETRY_MS = 1_000;
/** A dial nobody accepts times out after this. Assumed: 2 s. */
export const DIAL_TIMEOUT_MS = 2_000;
/** Session liveness ping period and deadline (the fixed 18 s deadline of 3141). */
export const SESSION_PING_MS = 10_000;
export const SESSION_PING_DEADLINE_MS = 18_000;
/**
 * A registration POST that reached discovery and failed (the read was cut
 * off) is tried again at the entry's next refresh. Assumed: 5 minutes. (One
 * that found no route to discovery is tried again at the next dial tick.)
 */
export const ENTRY_REFRESH_MS = 300_000;

/** HTTP-over-dmsg read timeout on discovery, which bounds the whole request read: 3 s (bug) or 30 s (3147). */
export const READ_TIMEOUT_BUG_MS = 3_000;
export const READ_TIMEOUT_FIX_MS = 30_000;
/**
 * Time to read one small signed-entry POST off discovery's congested dmsg
 * streams, which deliver one body at a time (discovery's capacity: one
 * worker, see `discoveryCapacity`). Assumed: 150 ms, so the 21st of a herd
 * arriving at once waits more than 3 s (20 x 150 ms = 3 s) and is cut off.
 */
export const POST_READ_MS = 150;

/**
 * `dmsg/cold-start`: from the fleet's boot (or the last fault), every server
 * accepting and registered within 60 s: the registrar's retry reaches a
 * server within its 8 s cap of the server accepting, the server registers at
 * its next 2 s retry, and the read of its POST takes well under a second for
 * fleets up to 50; 60 s leaves room for boot spreads of up to 20 s.
 */
export const CONVERGE_BOUND_MS = 60_000;
