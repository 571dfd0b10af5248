/**
 * Timings of the boot-order incident (shared/incidents/004_8e1e402f9aa31c9b.txt).
 * Only TimeoutStartSec is given by the incident; the others are assumptions
 * for a warm single host, named here so a reader can change them.
 */

/** `TimeoutStartSec=900` on deploy-proxy: the incident's 15 minutes. */
export const TIMEOUT_START_MS = 900_000;
/** How often the health gate (`wait_healthy`) polls its URL. Assumed: 5 s. */
export const HEALTH_POLL_MS = 5_000;
/** Deadline of one health probe (curl's --max-time). Assumed: 5 s. */
export const HEALTH_REQUEST_TIMEOUT_MS = 5_000;
/**
 * Pause before a failed deploy is tried again. Assumed: the reconcile script
 * (`warm_reconcile.py`) retries a failed deploy as its gate retries a probe,
 * every 5 s, until TimeoutStartSec ends the job.
 */
export const DEPLOY_RETRY_MS = 5_000;
/** Deadline of one `docker stack deploy` call. Assumed: 30 s. */
export const DEPLOY_REQUEST_TIMEOUT_MS = 30_000;
/** Time from deploy to a serving container, per stack. Assumed: seconds on a warm host. */
export const STACK_START_MS: Readonly<Record<string, number>> = { proxy: 8_000, dashboard: 4_000, drone: 6_000 };
/**
 * A fresh boot must have every unit active within this bound: 3 minutes,
 * "far below" the 15-minute TimeoutStartSec, as the incident's D8 check wants.
 */
export const BOOT_BOUND_MS = 180_000;
