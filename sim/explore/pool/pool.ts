/**
 * The worker pool: N long-lived worker threads that run tasks, and a
 * watchdog that can always stop one.
 *
 * A run executes in a worker, never on the main thread, so that however a
 * model misbehaves the main thread keeps control:
 * - a run that takes more than `runTimeoutMs` of wall time (a busy loop in an
 *   action; the worker's heartbeat stops moving) has its worker terminated,
 *   and the task ends as `hang`;
 * - a worker that passes its heap limit (`memoryMb`) is stopped by V8, and
 *   the task ends as `memory`;
 * - a worker that exits (a model called `process.exit`) ends its task as `exited`.
 * In each case a fresh worker takes the dead one's place, and the campaign
 * goes on. Records a capture task sent before it stopped come with the outcome.
 */
import { Worker } from 'node:worker_threads';
import type { TraceRecord } from '../../kernel/trace.ts';
import { HEARTBEAT, HEARTBEAT_SLOTS, type MainToWorker, type Task, type WorkerBoot, type WorkerToMain } from './protocol.ts';
import { watchdogNowMs } from './watchdog-clock.ts';
import { FROM_SOURCE, SOURCE_CONDITION } from '../../identity.ts';

export interface PoolOptions {
  /** Worker threads. */
  readonly size: number;
  /** Wall time one run may take before it counts as a hang. */
  readonly runTimeoutMs: number;
  /** Heap limit of each worker (V8's old generation), in MB. */
  readonly memoryMb: number;
}

/** How a task ended. */
export type TaskOutcome<T> =
  | { readonly status: 'done'; readonly value: T }
  | {
      readonly status: 'hang' | 'memory' | 'exited';
      readonly detail: string;
      /** What a capture task sent before it stopped. */
      readonly records: readonly TraceRecord[];
      /** The virtual time of the event a capture task was running when it stopped (0 for other tasks). */
      readonly virtualNowMs: number;
      /** The budgets it was held to. */
      readonly runTimeoutMs: number;
      readonly memoryMb: number;
    };

/** A run with no end in sight is noticed within a quarter of its budget (and at most a second late). */
const MAX_TICK_MS = 1000;

interface Slot {
  worker: Worker;
  readonly heartbeat: Int32Array;
  readonly virtualNow: Float64Array;
  current: Running | undefined;
  dead: boolean;
}

interface Running {
  readonly taskId: number;
  readonly resolve: (outcome: TaskOutcome<unknown>) => void;
  readonly reject: (error: Error) => void;
  readonly records: TraceRecord[];
  beats: number;
  /** When the current run began; `undefined` until the task's first run (it may be loading a scenario file). */
  lastBeatAtMs: number | undefined;
  readonly dispatchedAtMs: number;
}

interface Queued {
  readonly task: Task;
  readonly resolve: (outcome: TaskOutcome<unknown>) => void;
  readonly reject: (error: Error) => void;
}

/** Time a worker may take to load a scenario file before its first run, at the least. */
const LOAD_BUDGET_MS = 60_000;

/** Records kept of a capture that never ends: the latest ones. */
const MAX_CAPTURED_RECORDS = 100_000;

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Queued[] = [];
  private nextTaskId = 1;
  private readonly ticker: ReturnType<typeof setInterval>;
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    if (!(options.size >= 1)) throw new RangeError('a worker pool needs at least one worker');
    for (let i = 0; i < options.size; i++) this.slots.push(this.spawn());
    this.ticker = setInterval(() => this.watch(), Math.min(MAX_TICK_MS, Math.max(10, options.runTimeoutMs / 4)));
    this.ticker.unref();
  }

  get size(): number {
    return this.options.size;
  }

  /** Runs `task` on the next free worker. */
  run<T>(task: Task): Promise<TaskOutcome<T>> {
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'));
    return new Promise<TaskOutcome<T>>((resolve, reject) => {
      this.queue.push({ task, resolve: resolve as (o: TaskOutcome<unknown>) => void, reject });
      this.dispatch();
    });
  }

  /** Ends every worker; tasks still running or queued are abandoned. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.ticker);
    await Promise.all(this.slots.map((slot) => ((slot.dead = true), slot.worker.terminate())));
  }

  private spawn(): Slot {
    const heartbeat = new Int32Array(new SharedArrayBuffer(HEARTBEAT_SLOTS * Int32Array.BYTES_PER_ELEMENT));
    const virtualNow = new Float64Array(new SharedArrayBuffer(2 * Float64Array.BYTES_PER_ELEMENT));
    const boot: WorkerBoot = { heartbeat: heartbeat.buffer as SharedArrayBuffer, virtualNow: virtualNow.buffer as SharedArrayBuffer };
    const worker = new Worker(new URL('../worker-boot.mjs', import.meta.url), {
      workerData: boot,
      resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb },
      execArgv: workerExecArgv(),
    });
    const slot: Slot = { worker, heartbeat, virtualNow, current: undefined, dead: false };
    worker.on('message', (message: WorkerToMain) => this.onMessage(slot, message));
    worker.on('error', (error: Error & { code?: string }) => {
      const memory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.retire(slot, memory ? 'memory' : 'exited', memory ? `the run passed its heap limit of ${this.options.memoryMb} MB` : `a worker failed: ${error.message}`);
    });
    worker.on('exit', (code) => this.retire(slot, 'exited', `the worker exited with code ${code} (a model called process.exit?)`));
    return slot;
  }

  private onMessage(slot: Slot, message: WorkerToMain): void {
    const running = slot.current;
    if (message.type === 'ready' || running === undefined || message.taskId !== running.taskId) return;
    if (message.type === 'records') {
      for (const record of message.records) running.records.push(record);
      if (running.records.length > MAX_CAPTURED_RECORDS) running.records.splice(0, running.records.length - MAX_CAPTURED_RECORDS);
      return;
    }
    slot.current = undefined;
    if (message.type === 'done') running.resolve({ status: 'done', value: message.value });
    else running.reject(new Error(`a task failed in a worker: ${message.message}`));
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.dead || slot.current !== undefined) continue;
      const next = this.queue.shift()!;
      const taskId = this.nextTaskId++;
      slot.current = {
        taskId,
        resolve: next.resolve,
        reject: next.reject,
        records: [],
        beats: Atomics.load(slot.heartbeat, HEARTBEAT.runsStarted),
        lastBeatAtMs: undefined,
        dispatchedAtMs: watchdogNowMs(),
      };
      const message: MainToWorker = { type: 'task', taskId, task: next.task };
      slot.worker.postMessage(message);
    }
  }

  /**
   * Loading a scenario file (tsx compiles it, and everything it imports) is
   * not a run and gets a budget of its own: a minute, or the run's if longer.
   */
  private loadBudgetMs(): number {
    return Math.max(LOAD_BUDGET_MS, this.options.runTimeoutMs);
  }

  /** The watchdog's look at every busy worker. */
  private watch(): void {
    const nowMs = watchdogNowMs();
    for (const slot of this.slots) {
      const running = slot.current;
      if (running === undefined || slot.dead) continue;
      const beats = Atomics.load(slot.heartbeat, HEARTBEAT.runsStarted);
      if (beats !== running.beats) {
        running.beats = beats;
        running.lastBeatAtMs = nowMs;
      } else if (running.lastBeatAtMs !== undefined && nowMs - running.lastBeatAtMs > this.options.runTimeoutMs) {
        this.retire(slot, 'hang', `a run took more than ${this.options.runTimeoutMs} ms of wall time`);
      } else if (running.lastBeatAtMs === undefined && nowMs - running.dispatchedAtMs > this.loadBudgetMs()) {
        this.retire(slot, 'hang', `a worker took more than ${this.loadBudgetMs()} ms to load the scenario file and begin a run`);
      }
    }
  }

  /** Ends a worker that can no longer be trusted, settles its task, and puts a fresh one in its place. */
  private retire(slot: Slot, status: 'hang' | 'memory' | 'exited', detail: string): void {
    if (slot.dead) return;
    slot.dead = true;
    const running = slot.current;
    slot.current = undefined;
    void slot.worker.terminate();
    if (this.closed) return;
    const index = this.slots.indexOf(slot);
    this.slots[index] = this.spawn();
    running?.resolve({ status, detail, records: running.records, virtualNowMs: slot.virtualNow[0] ?? 0, runTimeoutMs: this.options.runTimeoutMs, memoryMb: this.options.memoryMb });
    this.dispatch();
  }
}

/**
 * Node options for a worker: the parent's, and, where the testbed runs from
 * its TypeScript source (its own repository, under vitest too), the
 * condition that makes `chaos-testbed` mean that source, so scenario files
 * in a worker import the same modules as the thread that runs them.
 */
function workerExecArgv(): string[] {
  const own = process.execArgv;
  if (!FROM_SOURCE || own.includes(`--conditions=${SOURCE_CONDITION}`)) return own;
  return [...own, `--conditions=${SOURCE_CONDITION}`];
}
