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
 *
 * Each worker holds a few tasks (about QUEUED_WORK_MS of work, see
 * protocol.ts) and runs them in order; the one it is on (the heartbeat
 * names it) is the one the watchdog times and blames. Tasks a dead worker
 * had not answered (answers it held back included) go back to the front of
 * the queue, for the fresh one: a run is a function of its input, so
 * running one again gives what it would have.
 */
import { Worker } from 'node:worker_threads';
import type { TraceRecord } from '../../kernel/trace.ts';
import { answersPerMessage, HEARTBEAT, HEARTBEAT_SLOTS, MAX_PIPELINE_DEPTH, MIN_PIPELINE_DEPTH, QUEUED_WORK_MS, type MainToWorker, type Task, type WorkerBoot, type WorkerToMain } from './protocol.ts';
import { watchdogNowMs } from './watchdog-clock.ts';
import { FROM_SOURCE, SOURCE_CONDITION } from '../../identity.ts';
import { tuneGarbageCollectorForRuns } from '../gc-tuning.ts';

export interface PoolOptions {
  /** Worker threads. */
  readonly size: number;
  /** Wall time one run may take before it counts as a hang. */
  readonly runTimeoutMs: number;
  /** Heap limit of each worker (V8's old generation), in MB. */
  readonly memoryMb: number;
  /**
   * How long a task lasts, in wall ms, if it is known: the pool hands out
   * work by it (see WorkerPool.depth) instead of timing answers. Tests fix
   * it, so that how many tasks and answers share a message does not depend
   * on the machine's speed. Default: timed.
   */
  readonly taskMs?: number;
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
  /** Tasks handed to the worker and not yet answered, in the order it runs them. */
  readonly running: Running[];
  /** When the worker last sent answers (or, idle, was handed a task), by the watchdog's clock. */
  lastAnswerAtMs: number | undefined;
  /** It has answered before: its first answer, which may include loading a scenario file, is not timed. */
  answered: boolean;
  dead: boolean;
}

interface Running {
  readonly taskId: number;
  readonly task: Task;
  readonly resolve: (outcome: TaskOutcome<unknown>) => void;
  readonly reject: (error: Error) => void;
  readonly records: TraceRecord[];
  beats: number;
  /** When the current run began; `undefined` until the task's first run (it may be loading a scenario file). */
  lastBeatAtMs: number | undefined;
  /** When the worker took it up (as far as the watchdog knows): its load budget runs from here. */
  startedAtMs: number | undefined;
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
  private dispatchQueued = false;
  /** Wall ms a task takes, a moving average over the answers so far (undefined before the first). */
  private taskMsEstimate: number | undefined;

  constructor(private readonly options: PoolOptions) {
    if (!(options.size >= 1)) throw new RangeError('a worker pool needs at least one worker');
    this.taskMsEstimate = options.taskMs;
    // Before the first worker starts: the setting is the process's (see gc-tuning.ts).
    tuneGarbageCollectorForRuns();
    for (let i = 0; i < options.size; i++) this.slots.push(this.spawn());
    // The watchdog's real-time tick, on the main thread and outside every run:
    // it only reads workers' heartbeats and stops a worker past its budget, so
    // it cannot change what a run does (runs happen in workers, on virtual time).
    this.ticker = setInterval(() => this.watch(), Math.min(MAX_TICK_MS, Math.max(10, options.runTimeoutMs / 4)));
    this.ticker.unref();
  }

  get size(): number {
    return this.options.size;
  }

  /** Tasks the workers can hold at once: hand out this many to keep every worker busy without a wait between tasks. */
  get capacity(): number {
    return this.options.size * this.depth();
  }

  /** Tasks each worker is handed at once: QUEUED_WORK_MS of work, by how long tasks have taken so far. */
  private depth(): number {
    if (this.taskMsEstimate === undefined) return MIN_PIPELINE_DEPTH;
    return Math.min(MAX_PIPELINE_DEPTH, Math.max(MIN_PIPELINE_DEPTH, Math.round(QUEUED_WORK_MS / this.taskMsEstimate)));
  }

  /**
   * Starts timing tasks afresh: a campaign's runs may take a thousand times
   * as long as the last campaign's (a fleet after the canary), and their
   * first answers may include loading the scenario file, so the first
   * message of answers from each worker is not timed.
   */
  resetTaskTiming(): void {
    this.taskMsEstimate = this.options.taskMs;
    for (const slot of this.slots) slot.answered = false;
  }

  /** Folds in how long the tasks of one message of answers took (a worker runs its tasks back to back). */
  private timeAnswers(slot: Slot, answers: number, nowMs: number): void {
    if (this.options.taskMs !== undefined) return;
    const sinceMs = slot.lastAnswerAtMs;
    const first = !slot.answered;
    slot.lastAnswerAtMs = nowMs;
    slot.answered = true;
    if (first || sinceMs === undefined || answers === 0) return;
    const perTaskMs = (nowMs - sinceMs) / answers;
    // A fifth of each new figure: a few slow runs do not halve the pipeline at once.
    this.taskMsEstimate = this.taskMsEstimate === undefined ? perTaskMs : 0.8 * this.taskMsEstimate + 0.2 * perTaskMs;
  }

  /** Runs `task` on the next free worker. */
  run<T>(task: Task): Promise<TaskOutcome<T>> {
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'));
    return new Promise<TaskOutcome<T>>((resolve, reject) => {
      this.queue.push({ task, resolve: resolve as (o: TaskOutcome<unknown>) => void, reject });
      this.dispatchSoon();
    });
  }

  /**
   * Hands out queued tasks once the tasks being asked for now are all in:
   * answers come several to a message, and each is awaited into the next
   * task asked for, so one hand-out sends a worker all of them in one
   * message. (Main thread only: a microtask orders sending, which never
   * changes what a task computes.)
   */
  private dispatchSoon(): void {
    if (this.dispatchQueued) return;
    this.dispatchQueued = true;
    queueMicrotask(() => {
      this.dispatchQueued = false;
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
    const slot: Slot = { worker, heartbeat, virtualNow, running: [], lastAnswerAtMs: undefined, answered: false, dead: false };
    worker.on('message', (message: WorkerToMain) => this.onMessage(slot, message));
    worker.on('error', (error: Error & { code?: string }) => {
      const memory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.retire(slot, memory ? 'memory' : 'exited', memory ? `the run passed its heap limit of ${this.options.memoryMb} MB` : `a worker failed: ${error.message}`);
    });
    worker.on('exit', (code) => this.retire(slot, 'exited', `the worker exited with code ${code} (a model called process.exit?)`));
    return slot;
  }

  private onMessage(slot: Slot, message: WorkerToMain): void {
    if (message.type === 'ready' || slot.dead) return;
    if (message.type === 'records') {
      const running = slot.running[0];
      if (running === undefined || message.taskId !== running.taskId) return;
      for (const record of message.records) running.records.push(record);
      if (running.records.length > MAX_CAPTURED_RECORDS) running.records.splice(0, running.records.length - MAX_CAPTURED_RECORDS);
      return;
    }
    this.timeAnswers(slot, message.answers.length, watchdogNowMs());
    for (const answer of message.answers) {
      const running = slot.running[0];
      if (running === undefined || answer.taskId !== running.taskId) continue;
      slot.running.shift();
      const next = slot.running[0];
      if (next !== undefined) this.takeUp(slot, next, watchdogNowMs());
      if ('failed' in answer) running.reject(new Error(`a task failed in a worker: ${answer.failed}`));
      else running.resolve({ status: 'done', value: answer.value });
    }
    this.dispatch();
  }

  private dispatch(): void {
    const handedOut = new Map<Slot, { taskId: number; task: Task }[]>();
    const most = this.depth();
    // Depth first across the slots: every worker gets a task before any gets a second.
    for (let depth = 1; depth <= most && this.queue.length > 0; depth++) {
      for (const slot of this.slots) {
        if (this.queue.length === 0) break;
        if (slot.dead || slot.running.length >= depth) continue;
        const next = this.queue.shift()!;
        const taskId = this.nextTaskId++;
        const running: Running = { taskId, task: next.task, resolve: next.resolve, reject: next.reject, records: [], beats: 0, lastBeatAtMs: undefined, startedAtMs: undefined };
        slot.running.push(running);
        if (slot.running.length === 1) {
          const nowMs = watchdogNowMs();
          this.takeUp(slot, running, nowMs);
          // An idle worker's next answer is timed from now, not from its last.
          slot.lastAnswerAtMs = nowMs;
        }
        let tasks = handedOut.get(slot);
        if (tasks === undefined) handedOut.set(slot, (tasks = []));
        tasks.push({ taskId, task: next.task });
      }
    }
    // One message per worker for what it was handed (each message wakes it, and costs this thread a clone).
    for (const [slot, tasks] of handedOut) {
      const message: MainToWorker = { type: 'tasks', tasks, answersPerMessage: answersPerMessage(most) };
      slot.worker.postMessage(message);
    }
  }

  /**
   * The watchdog starts timing `running`, now the first of the worker's
   * unanswered tasks. If the worker is on it already, or past it (its answer
   * is held back while the worker runs later tasks, whose ids are larger:
   * a worker takes its tasks in the order of their ids), what it runs is
   * timed from now under the run budget; otherwise it may first load a
   * scenario file, under the load budget.
   */
  private takeUp(slot: Slot, running: Running, nowMs: number): void {
    running.beats = Atomics.load(slot.heartbeat, HEARTBEAT.runsStarted);
    running.startedAtMs = nowMs;
    running.lastBeatAtMs = Atomics.load(slot.heartbeat, HEARTBEAT.task) >= running.taskId ? nowMs : undefined;
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
      const running = slot.running[0];
      if (running === undefined || slot.dead) continue;
      const beats = Atomics.load(slot.heartbeat, HEARTBEAT.runsStarted);
      if (beats !== running.beats) {
        running.beats = beats;
        running.lastBeatAtMs = nowMs;
      } else if (running.lastBeatAtMs !== undefined && nowMs - running.lastBeatAtMs > this.options.runTimeoutMs) {
        this.retire(slot, 'hang', `a run took more than ${this.options.runTimeoutMs} ms of wall time`);
      } else if (running.lastBeatAtMs === undefined && nowMs - running.startedAtMs! > this.loadBudgetMs()) {
        this.retire(slot, 'hang', `a worker took more than ${this.loadBudgetMs()} ms to load the scenario file and begin a run`);
      }
    }
  }

  /**
   * Ends a worker that can no longer be trusted, settles the task it was on
   * (the heartbeat names it; the first unanswered one if it had begun none),
   * puts its other tasks back at the front of the queue, and a fresh worker
   * in its place.
   */
  private retire(slot: Slot, status: 'hang' | 'memory' | 'exited', detail: string): void {
    if (slot.dead) return;
    slot.dead = true;
    const onTask = Atomics.load(slot.heartbeat, HEARTBEAT.task);
    const culprit = slot.running.find((r) => r.taskId === onTask) ?? slot.running[0];
    const others = slot.running.filter((r) => r !== culprit);
    slot.running.length = 0;
    void slot.worker.terminate();
    if (this.closed) return;
    const index = this.slots.indexOf(slot);
    this.slots[index] = this.spawn();
    this.queue.unshift(...others.map((r) => ({ task: r.task, resolve: r.resolve, reject: r.reject })));
    culprit?.resolve({ status, detail, records: culprit.records, virtualNowMs: slot.virtualNow[0] ?? 0, runTimeoutMs: this.options.runTimeoutMs, memoryMb: this.options.memoryMb });
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
