/**
 * The garbage collector's settings for a process that runs campaigns.
 *
 * V8 watches each allocation site and, when most of its objects survive a
 * young-generation collection, allocates them straight in the old
 * generation from then on ("allocation-site pretenuring"). A run's objects
 * live for the run, a few ms, and die together: whichever run is under way
 * at a collection makes its sites look long-lived, so xstate's snapshots and
 * action records get pretenured, fill the old generation, and every
 * collection copies what they point to. Turned off, a canary campaign
 * promoted 295 KB per young-generation collection instead of 870 KB, the
 * collections took 1.8 ms instead of 3.2 ms, and a run cost 2,160 µs of CPU
 * instead of 2,710 µs (the 503 blip 1,750 instead of 1,860; build/, 1,500
 * runs after 300 of warm-up, three alternating pairs of processes, `node
 * --trace-gc-nvp`).
 *
 * With so little left to copy, a young-generation collection is done
 * faster by the thread that needs it than shared out: V8's parallel
 * scavenge wakes helper threads on the cores the other workers run on.
 * Turned off, two workers on two cores ran 1,034-1,042 canary runs a second
 * instead of 943-957, and one worker 583-639 instead of 586-620
 * (`npm run bench:explore`, alternated twice).
 *
 * The setting is V8's, for the whole process (every worker thread
 * included); it changes how fast memory is reclaimed, never what a run
 * does.
 */
import { setFlagsFromString } from 'node:v8';

let tuned = false;

/** Turns V8's allocation-site pretenuring and parallel scavenge off for this process; idempotent. */
export function tuneGarbageCollectorForRuns(): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString('--no-allocation-site-pretenuring');
  setFlagsFromString('--no-parallel-scavenge');
}
