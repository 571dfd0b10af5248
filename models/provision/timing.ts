/**
 * Timings of the double-provision incident (shared/incidents/001_70d5dc357491298d.txt).
 * The incident gives no periods; every figure here is an assumption about a
 * typical control plane on EC2, named so a reader can change it. What the
 * incident does fix is the shape: two instances within 1 s, DNS flapping
 * between them, a snapshot rate limit hit by the churn.
 */

/** The runtime's heartbeat period. Assumed: 10 s. */
export const HEARTBEAT_MS = 10_000;
/** Deadline of one HTTP call (runtime → control plane, control plane → box). Assumed: 5 s. */
export const REQUEST_TIMEOUT_MS = 5_000;
/** Deadline of a cloud API call that waits for completion (a snapshot). Assumed: 60 s. */
export const CLOUD_TIMEOUT_MS = 60_000;

/** The stall watchdog recreates a workspace with no authenticated heartbeat for this long. Assumed: 90 s. */
export const STALL_WINDOW_MS = 90_000;
/** How often the stall watchdog looks. Assumed: 20 s. */
export const WATCHDOG_TICK_MS = 20_000;

/** The canary's period (what makes a workspace show `online`). Assumed: 10 s. */
export const CANARY_MS = 10_000;
/** A workspace shows online while its last passing canary (and, with the fix, its last authenticated heartbeat) is at most this old: two periods. */
export const ONLINE_FRESH_MS = 2 * CANARY_MS;
/** Auto-recovery recreates after this many consecutive failed canaries... */
export const AUTO_RECOVERY_FAILED_CANARIES = 3;
/** ...on an instance launched at least this long ago (a boot grace). Assumed: 3 min. */
export const AUTO_RECOVERY_GRACE_MS = 180_000;

/** Time for an EBS snapshot of the workspace volume to complete. Assumed: 15 s (incremental). */
export const SNAPSHOT_MS = 15_000;
/**
 * Minimum gap between snapshot creations of one volume; a faster one fails
 * with `SnapshotCreationPerVolumeRateExceeded`. 15 s is the back-off the AWS
 * EBS CSI driver adopted for this error (kubernetes-sigs/aws-ebs-csi-driver#1659).
 */
export const SNAPSHOT_RATE_MS = 15_000;
/** EC2 `pending` → `running` after RunInstances. Assumed: 5 s. */
export const INSTANCE_PENDING_MS = 5_000;
/** EC2 `shutting-down` → `terminated` after TerminateInstances. Assumed: 30 s. */
export const INSTANCE_TERMINATE_MS = 30_000;
/** From launch to the runtime's first register (OS boot, image pull, container start). Assumed: 20 s. */
export const BOOT_MS = 20_000;

/** The fixed runtime's register backoff: first wait, doubling to the cap. Assumed: 1 s to 30 s. */
export const REGISTER_BACKOFF_FIRST_MS = 1_000;
export const REGISTER_BACKOFF_CAP_MS = 30_000;

/** A user (or an operator's diagnostic) delegates a message this often. Assumed: once a minute. */
export const DELEGATION_PERIOD_MS = 60_000;
/** The sender reads the delegation's status this long after sending it. Assumed: 10 s. */
export const DELEGATION_CHECK_MS = 10_000;

/**
 * Bounds of the invariants. A register that failed with no live token must
 * succeed within 20 s (the fixed runtime's backoff retries at 1, 3, 7 and
 * 15 s); a workspace shown online must be able to process within 45 s (the
 * canary's lag plus a register retry); after the last fault, one working
 * instance within 4 min (a watchdog stall window, a recreate of about 50 s,
 * a boot and a register, with room to spare).
 */
export const REGISTER_RECOVERY_BOUND_MS = 20_000;
export const ONLINE_WORKING_BOUND_MS = 45_000;
export const LIVENESS_BOUND_MS = 240_000;
