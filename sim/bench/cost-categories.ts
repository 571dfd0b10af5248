/**
 * Where a CPU profile's samples go, by item of a run's cost: the frames of a
 * V8 CPU profile (node:inspector's `Profiler`) mapped to the part of a run
 * they belong to. A sample belongs to its innermost frame that names a part;
 * frames that name none (seedrandom's, V8 built-ins, a scenario file's
 * closures) are transparent, so a latency draw inside the network is the
 * network's. xstate's frames are transitions, wherever they were called
 * from (a delivery, a timer), except under `SimNode.start`: creating and
 * starting an actor is actor creation.
 */

/** A run's cost, by item (the list, and what else a profile shows). */
export const COST_ITEMS = [
  'actor creation',
  'xstate transitions',
  'model code',
  'world build',
  'guard and budgets',
  'plan generation',
  'invariant checks',
  'trace records',
  'network bookkeeping',
  'fault injection',
  'coverage',
  'event loop',
  'explorer',
  'garbage collection',
  'other',
] as const;

export type CostItem = (typeof COST_ITEMS)[number];

/** The fields of a profile frame the mapping reads. */
export interface ProfileFrame {
  readonly functionName: string;
  readonly url: string;
}

/** Kernel files by the item they serve (functions named in {@link byFunction} come first). */
const KERNEL_FILES: Readonly<Record<string, CostItem>> = {
  'trace.ts': 'trace records',
  'messages.ts': 'trace records',
  'network.ts': 'network bookkeeping',
  'connections.ts': 'network bookkeeping',
  'capacity.ts': 'network bookkeeping',
  'request-faults.ts': 'network bookkeeping',
  'link-filter.ts': 'network bookkeeping',
  'library.ts': 'network bookkeeping',
  'checker.ts': 'invariant checks',
  'invariants.ts': 'invariant checks',
  'world-view.ts': 'invariant checks',
  'injector.ts': 'fault injection',
  'faults.ts': 'fault injection',
  'step-budget.ts': 'guard and budgets',
  'event-queue.ts': 'event loop',
  'kernel.ts': 'event loop',
  'run.ts': 'event loop',
  'node-clock.ts': 'event loop',
  'outcome.ts': 'event loop',
};

/**
 * Functions whose file alone would say something else. In node.ts and
 * world.ts only the functions named here count; their other closures (a
 * node's io, the observer, a handle's `snapshot`) are transparent, so the
 * work they lead to is their caller's: a handle read by an invariant is the
 * invariant's.
 */
function byFunction(file: string, fn: string): CostItem | null | undefined {
  if (file === 'node.ts') {
    if (fn === 'start') return 'actor creation';
    if (fn === 'deliver') return 'xstate transitions';
    // A library's pings and echoes are traffic the network carries for the node (its answer functions are model code).
    if (fn === 'answerInLibrary' || fn === 'keepaliveTick' || fn === 'armKeepalive') return 'network bookkeeping';
    if (fn === 'SimNode') return 'world build';
    if (fn === 'stateKey') return 'coverage';
    if (fn === 'crash' || fn === 'pause' || fn === 'resume' || fn === 'exit') return 'fault injection';
    if (fn === 'fire' || fn === 'schedule' || fn === 'run' || fn === 'setTimeout' || fn === 'clearTimeout') return 'event loop';
    return null;
  }
  if (file === 'world.ts') {
    if (fn === 'stateChanged') return 'coverage';
    if (fn === 'World' || fn === 'node' || fn === 'builder' || fn === 'applyOptions' || fn === 'handleFor') return 'world build';
    return null;
  }
  if (file === 'guard.ts' && fn === 'asXstateScheduler') return null; // xstate's own scheduling, stamped with virtual time
  if (fn === 'Kernel' || fn === 'Network' || fn === 'Connections') return 'world build';
  if (file === 'kernel.ts' && fn === 'record') return 'trace records';
  if (file === 'run.ts' && fn === 'summarize') return 'coverage';
  if (file === 'run.ts' && fn === 'run') return null;
  return undefined;
}

/** The item a frame names, or `undefined` for a transparent frame. */
export function frameItem(frame: ProfileFrame): CostItem | undefined {
  const { url, functionName } = frame;
  if (url === '') {
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === '(program)' || functionName === '(idle)' || functionName === '(root)') return 'other';
    return undefined; // a V8 built-in: its caller decides
  }
  if (url.includes('/node_modules/')) {
    if (url.includes('/node_modules/fast-check/')) return 'plan generation';
    // xstate's work is a transition, except inside a node's start (see costItem)
    if (url.includes('/node_modules/xstate/')) return 'xstate transitions';
    return undefined; // seedrandom: its caller decides
  }
  if (url.startsWith('node:')) return undefined;
  const path = url.replace(/^file:\/\//, '');
  const file = path.slice(path.lastIndexOf('/') + 1);
  if (path.includes('/models/')) return 'model code';
  if (path.includes('/scenarios/')) return undefined; // build (world) or an invariant (checker): the caller decides
  if (path.includes('/sim/kernel/')) {
    const named = byFunction(file, functionName);
    if (named !== undefined) return named ?? undefined;
    if (/^guard(-[a-z]+)?\.ts$/.test(file)) return 'guard and budgets';
    return KERNEL_FILES[file];
  }
  if (path.includes('/sim/explore/')) return file === 'arbitraries.ts' ? 'plan generation' : 'explorer';
  return undefined;
}

/**
 * The item of a frame whose caller's item is `callerItem` (`undefined` at
 * the root): its own, else its caller's.
 */
export function costItem(frame: ProfileFrame, callerItem: CostItem | undefined): CostItem {
  const own = frameItem(frame);
  if (own === 'xstate transitions' && callerItem === 'actor creation') return 'actor creation';
  return own ?? callerItem ?? 'other';
}
