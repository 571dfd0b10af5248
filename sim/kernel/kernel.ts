/**
 * The kernel's core: true virtual time, the event queue, the root random
 * stream and the trace. Everything else (nodes, network, injector, checker)
 * schedules work through it. It knows nothing of any model.
 */
import { EventQueue, type QueueEntry } from './event-queue.ts';
import { Rng } from './rng.ts';
import { Trace, type Detail, type TraceKind, type TraceMode } from './trace.ts';

/** The node name kernel-level trace records use. */
export const KERNEL_NODE = 'sim';

export class Kernel {
  readonly queue = new EventQueue();
  readonly rng: Rng;
  readonly trace: Trace;
  /** True virtual time, in ms. Only the run loop moves it, and only forward. */
  nowMs = 0;

  constructor(seed: number, traceMode: TraceMode, keepCheckpoints = false) {
    this.rng = new Rng(seed);
    this.trace = new Trace(traceMode, 64, keepCheckpoints);
  }

  /** Runs `run` at true virtual time `timeMs` (not before now). */
  at(timeMs: number, run: () => void): QueueEntry {
    if (!(timeMs >= this.nowMs)) {
      throw new RangeError(`cannot schedule at ${timeMs}ms: it is already ${this.nowMs}ms`);
    }
    return this.queue.push(timeMs, run);
  }

  /** Schedules a caller-built entry after `delayMs` (see {@link EventQueue.pushEntry}). */
  afterEntry(delayMs: number, entry: QueueEntry): QueueEntry {
    this.queue.pushEntry(entry, this.nowMs + Math.max(0, delayMs));
    return entry;
  }

  /** Runs `run` after `delayMs` of true virtual time. */
  after(delayMs: number, run: () => void): QueueEntry {
    return this.at(this.nowMs + Math.max(0, delayMs), run);
  }

  cancel(entry: QueueEntry): void {
    this.queue.cancel(entry);
  }

  /**
   * Pops the next event due at or before `endMs` and advances true virtual
   * time to it. Returns `undefined` when nothing is left before `endMs`.
   * {@link sameInstantCount} tells how many events ran at the current instant.
   */
  nextEvent(endMs: number): QueueEntry | undefined {
    const next = this.queue.peekTimeMs();
    if (next === undefined || next > endMs) return undefined;
    const entry = this.queue.pop()!;
    if (entry.timeMs === this.nowMs) {
      this.sameInstantCount++;
    } else {
      this.nowMs = entry.timeMs;
      this.sameInstantCount = 1;
    }
    return entry;
  }

  /** Events popped at the current virtual instant, this one included. */
  sameInstantCount = 0;

  /** Appends a trace record stamped with the current virtual time. */
  record(node: string, kind: TraceKind, peer: string, detail: Detail): void {
    this.trace.record(this.nowMs, node, kind, peer, detail);
  }
}
