/**
 * A node's own view of time.
 *
 * The event queue runs on true virtual time. Each node reads a local wall
 * clock that may be offset from it (skew), jump (an NTP step, a VM resume)
 * and run fast or slow (drift, in parts per million). A model reads its node's
 * clock through `io.nowMs()`; comparing two nodes' readings is how lease and
 * TTL bugs under skew show up.
 *
 * Timers are monotonic, as in real operating systems: a jump of the wall
 * clock does not move a pending timer, but drift does stretch or shrink the
 * true duration of every timer the node arms.
 */

/** Drift is expressed per million, the unit NTP and crystal specs use. */
const PPM = 1_000_000;

export class NodeClock {
  private offsetMs = 0;
  private driftPpm = 0;
  /** True time at which the current drift rate took effect. */
  private driftSinceMs = 0;
  /** Drift accumulated under earlier rates, folded into whole ms. */
  private driftCarriedMs = 0;
  /**
   * How often the model observed this clock: read it (`io.nowMs`), or armed
   * a timer while it drifted. A jump or a drift nobody observed changed
   * nothing a model could see (see the injector's `effective`).
   */
  observations = 0;

  /** {@link localNowMs}, read by the model itself: counted as an observation. */
  read(trueNowMs: number): number {
    this.observations++;
    return this.localNowMs(trueNowMs);
  }

  /** The node's wall-clock reading at true virtual time `trueNowMs`. */
  localNowMs(trueNowMs: number): number {
    return trueNowMs + this.offsetMs + this.driftCarriedMs + this.driftSinceAnchor(trueNowMs);
  }

  /** Steps the wall clock by `deltaMs` (negative steps go back in time). */
  jump(deltaMs: number): void {
    this.offsetMs += deltaMs;
  }

  /** From `trueNowMs` on, the clock gains `ppm` µs per true second. */
  setDrift(trueNowMs: number, ppm: number): void {
    this.driftCarriedMs += this.driftSinceAnchor(trueNowMs);
    this.driftSinceMs = trueNowMs;
    this.driftPpm = ppm;
  }

  /** Current drift rate in parts per million. */
  get driftRatePpm(): number {
    return this.driftPpm;
  }

  /**
   * The true duration of a timer the node arms for `localDelayMs` of its own
   * time. A fast clock (positive drift) fires its timers early in true time.
   * Rounded up so that a timer never fires before its local deadline.
   */
  trueDelayMs(localDelayMs: number): number {
    if (this.driftPpm === 0) return localDelayMs;
    this.observations++;
    return Math.ceil((localDelayMs * PPM) / (PPM + this.driftPpm));
  }

  private driftSinceAnchor(trueNowMs: number): number {
    if (this.driftPpm === 0) return 0;
    return Math.trunc(((trueNowMs - this.driftSinceMs) * this.driftPpm) / PPM);
  }
}
