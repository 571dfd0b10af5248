/**
 * What the main thread and its worker threads say to each other.
 *
 * The main thread hands a worker up to {@link PIPELINE_DEPTH} tasks at a
 * time; the worker runs them in order and answers each. A task names a
 * handler and carries plain data; the worker answers with the handler's
 * value (or the error it threw), and may send records of a run it is
 * capturing first. Besides messages, each worker shares three counters with
 * the main thread (see {@link HEARTBEAT}), which the watchdog reads without
 * a round trip.
 */
import type { TraceRecord } from '../../kernel/trace.ts';

/** Which scenario: the file that declares it, and its id. */
export interface ScenarioRef {
  /** Absolute path of the scenario file. */
  readonly file: string;
  readonly id: string;
}

/** A task: a handler's name and its input (structured-clonable data). */
export interface Task {
  readonly handler: string;
  readonly input: unknown;
}

export type MainToWorker = { readonly type: 'task'; readonly taskId: number; readonly task: Task };

export type WorkerToMain =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly taskId: number; readonly value: unknown }
  | { readonly type: 'failed'; readonly taskId: number; readonly message: string }
  | { readonly type: 'records'; readonly taskId: number; readonly records: readonly TraceRecord[] };

/**
 * Slots of a worker's shared heartbeat: how many runs it has started (the
 * watchdog sees a run that does not end as a counter that stops moving),
 * whether it is working on a task, and which task (a worker holds up to
 * {@link PIPELINE_DEPTH} and works through them in order, so the watchdog
 * reads here whose run it is timing).
 */
export const HEARTBEAT = { runsStarted: 0, busy: 1, task: 2 } as const;
export const HEARTBEAT_SLOTS = 3;

/**
 * Tasks a worker is handed before it finishes the one it is on, so it
 * never waits for the main thread between tasks: its next ones are already
 * in its queue when it posts a result, however late the main thread gets a
 * core to read it. On a machine whose every core runs a worker, the main
 * thread waits a scheduler's time slice or more, longer than a short run:
 * with two, each of two workers on two cores idled 4-7 % of a canary
 * campaign (3 ms runs); with four, 0-2 %. More would only add runs in
 * flight that a stop at a failure throws away.
 */
export const PIPELINE_DEPTH = 4;

/** What a worker thread is given when it starts. */
export interface WorkerBoot {
  readonly heartbeat: SharedArrayBuffer;
  /** Two floats, a capture's progress: the virtual time of the event it is running and the events run (so a hang says when it hung). */
  readonly virtualNow: SharedArrayBuffer;
}
