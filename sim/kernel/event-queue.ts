/**
 * The kernel's event queue: a binary min-heap ordered by (time, sequence).
 *
 * The sequence number is taken from a counter that only goes up, so two
 * events due at the same virtual millisecond run in the order they were
 * scheduled (FIFO). That tie-break is a rule of the kernel, not an accident
 * of the heap: models may rely on it, and the trace hash depends on it.
 *
 * Cancellation is lazy: a cancelled entry stays in the heap and is skipped
 * when it reaches the top. That keeps `cancel` O(1), which matters because
 * xstate clears and re-arms timers on almost every transition.
 */

/** One scheduled callback. Treat it as an opaque handle outside the kernel. */
export interface QueueEntry {
  /** Virtual time at which the entry is due, in ms. */
  timeMs: number;
  /** Tie-break among entries due at the same time: lower runs first. */
  seq: number;
  /** What to do when the entry comes due. */
  run: () => void;
  /** Set by {@link EventQueue.cancel}; a cancelled entry never runs. */
  cancelled: boolean;
  /** True while the entry sits in the heap. */
  queued: boolean;
}

export class EventQueue {
  private readonly heap: QueueEntry[] = [];
  private nextSeq = 0;
  private liveCount = 0;

  /** Entries scheduled and not yet run or cancelled. */
  get size(): number {
    return this.liveCount;
  }

  /** Schedules `run` at `timeMs`; returns a handle for {@link cancel}. */
  push(timeMs: number, run: () => void): QueueEntry {
    const entry: QueueEntry = { timeMs, seq: 0, run, cancelled: false, queued: false };
    this.pushEntry(entry, timeMs);
    return entry;
  }

  /**
   * Schedules an entry object the caller built (a class with a `run`
   * method, say, to avoid allocating a closure per event on hot paths).
   */
  pushEntry(entry: QueueEntry, timeMs: number): void {
    entry.timeMs = timeMs;
    entry.seq = this.nextSeq++;
    this.insert(entry);
  }

  /**
   * Puts an entry that already ran its course back in the queue at a new
   * time, keeping its identity so a handle held elsewhere can still cancel
   * it. Used when a paused node's deferred events are released. A cancelled
   * entry stays cancelled and is not requeued.
   */
  requeue(entry: QueueEntry, timeMs: number): void {
    if (entry.cancelled || entry.queued) return;
    entry.timeMs = timeMs;
    entry.seq = this.nextSeq++;
    this.insert(entry);
  }

  /** Marks an entry so it never runs. Cancelling twice is harmless. */
  cancel(entry: QueueEntry): void {
    if (entry.cancelled) return;
    entry.cancelled = true;
    if (entry.queued) this.liveCount--;
  }

  /** Time of the next live entry, or `undefined` when none is left. */
  peekTimeMs(): number | undefined {
    this.dropCancelledTop();
    return this.heap[0]?.timeMs;
  }

  /** Removes and returns the next live entry, or `undefined` when empty. */
  pop(): QueueEntry | undefined {
    this.dropCancelledTop();
    const top = this.removeTop();
    if (top !== undefined) this.liveCount--;
    return top;
  }

  private insert(entry: QueueEntry): void {
    const heap = this.heap;
    heap.push(entry);
    entry.queued = true;
    this.liveCount++;
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!before(entry, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  private dropCancelledTop(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.removeTop();
  }

  private removeTop(): QueueEntry | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top !== undefined) top.queued = false;
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    const n = heap.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right]!, heap[left]!) ? right : left;
      const c = heap[child]!;
      if (!before(c, last)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

function before(a: QueueEntry, b: QueueEntry): boolean {
  return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.seq < b.seq);
}
