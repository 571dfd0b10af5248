/**
 * What the main thread and its worker threads say to each other.
 *
 * The main thread hands a worker several tasks at a time (see
 * {@link QUEUED_WORK_MS}); the worker runs them in order and answers each,
 * a few answers to a message (see {@link answersPerMessage}). A task names a
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

/** Tasks for a worker, in the order it is to run them (one message for all a hand-out gives it), and how many answers it may send in one message. */
export type MainToWorker = { readonly type: 'tasks'; readonly tasks: readonly { readonly taskId: number; readonly task: Task }[]; readonly answersPerMessage: number };

/** How a task ended in the worker: its handler's value, or the error it threw. */
export type Answer = { readonly taskId: number; readonly value: unknown } | { readonly taskId: number; readonly failed: string };

export type WorkerToMain =
  | { readonly type: 'ready' }
  /** Answers to tasks, in the order they were run. */
  | { readonly type: 'answers'; readonly answers: readonly Answer[] }
  | { readonly type: 'records'; readonly taskId: number; readonly records: readonly TraceRecord[] };

/**
 * Slots of a worker's shared heartbeat: how many runs it has started (the
 * watchdog sees a run that does not end as a counter that stops moving),
 * whether it is working on a task, and which task (a worker holds several
 * and works through them in order, so the watchdog reads here whose run it
 * is timing).
 */
export const HEARTBEAT = { runsStarted: 0, busy: 1, task: 2 } as const;
export const HEARTBEAT_SLOTS = 3;

/**
 * How much work a worker holds, the task it is on included, in wall ms
 * (the pool turns it into a number of tasks from how long tasks take, see
 * WorkerPool.depth): enough that its next tasks are already in its queue
 * when it answers, however late the main thread gets a core to read the
 * answer. On a machine whose every core runs a worker, the main thread
 * waits a scheduler's time slice or more: two canary runs in hand (3 ms
 * each) left each of two workers idle 4-7 % of a campaign, four 0-2 %.
 * The more tasks in hand, the more answers can share a message (see
 * answersPerMessage); the work a stop at a failure throws away is about
 * this much per worker, or one task if a task takes longer.
 */
export const QUEUED_WORK_MS = 32;
/** Tasks in hand per worker, at the least (one to run, one queued) and at the most. */
export const MIN_PIPELINE_DEPTH = 2;
export const MAX_PIPELINE_DEPTH = 16;

/**
 * Answers a worker may hold back while it has more tasks to run, sent in
 * one message: every message wakes the main thread, which on a machine
 * whose every core runs a worker takes a core from one of them. Half the
 * tasks in hand, so the main thread always has the other half left to
 * refill before the worker waits, and never held while its queue is
 * empty. With one task and one answer to a message, the main thread spent
 * 87-110 µs of CPU per canary run; with this, 57-67 (two workers, three
 * campaigns of 3,000 runs, twice; its thread's CPU time in /proc).
 */
export function answersPerMessage(depth: number): number {
  return Math.max(1, Math.floor(depth / 2));
}

/** What a worker thread is given when it starts. */
export interface WorkerBoot {
  readonly heartbeat: SharedArrayBuffer;
  /** Two floats, a capture's progress: the virtual time of the event it is running and the events run (so a hang says when it hung). */
  readonly virtualNow: SharedArrayBuffer;
}
