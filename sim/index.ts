/**
 * The public API of the testbed's kernel: what a scenario or model author
 * imports. Everything here is documented with TSDoc at its definition.
 */
export { defineScenario, operatorAction, variantNames, windowFault } from './kernel/scenario.ts';
export type {
  AnyScenario,
  BugFlags,
  CustomFaultHandler,
  NodeHandle,
  NodeOptions,
  Scenario,
  ScenarioBuilder,
  ScenarioId,
  FaultEvent,
  ScenarioSeries,
  ScenarioSource,
  TimelineFact,
} from './kernel/scenario.ts';
export { always, eventually, sometimes, violated } from './kernel/invariants.ts';
export type { Check, Invariant, Violation, WorldView } from './kernel/invariants.ts';
export type { DurableStore, NodeIO, NodeStatus } from './kernel/node.ts';
export { answeredOk, INJECTED_ERROR_BODY, isAnswer } from './kernel/messages.ts';
export type { Delivered, IncomingRequest, Message, Reply, ResponseEvent, TimeoutEvent } from './kernel/messages.ts';
export { describeFault, KERNEL_FAULT_KINDS } from './kernel/faults.ts';
export type { CustomFault, Fault, FaultPlan, Json, KernelFault, NodeId } from './kernel/faults.ts';
export type { CustomKindSpace, FaultSpace, KernelKindSpaces, Link, Range } from './kernel/fault-space.ts';
export { ratio, Rng } from './kernel/rng.ts';
export type { Ratio } from './kernel/rng.ts';
export { DEFAULT_LINK } from './kernel/network.ts';
export type { LinkSpec } from './kernel/network.ts';
export { KERNEL_VERSION, run } from './kernel/run.ts';
export type { RunOptions, RunResult } from './kernel/run.ts';
export { describeOutcome, isViolation } from './kernel/outcome.ts';
export type { Outcome, OutcomeKind } from './kernel/outcome.ts';
export type { TraceKind, TraceRecord } from './kernel/trace.ts';
