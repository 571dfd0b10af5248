/**
 * The public API of the testbed's kernel: what a scenario or model author
 * imports. Everything here is documented with TSDoc at its definition.
 */
export { defineScenario, operatorAction, variantNames, windowFault } from './scenario.ts';
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
} from './scenario.ts';
export { always, eventually, sometimes, violated } from './invariants.ts';
export type { Check, Invariant, Violation, WorldView } from './invariants.ts';
export type { DurableStore, NodeIO, NodeStatus } from './node.ts';
export { answeredOk, INJECTED_ERROR_BODY, isAnswer } from './messages.ts';
export type { Delivered, IncomingRequest, Message, Reply, ResponseEvent, TimeoutEvent } from './messages.ts';
export { describeFault, KERNEL_FAULT_KINDS } from './faults.ts';
export type { CustomFault, Fault, FaultPlan, Json, KernelFault, NodeId } from './faults.ts';
export type { CustomKindSpace, FaultSpace, KernelKindSpaces, Link, Range } from './fault-space.ts';
export { ratio, Rng } from './rng.ts';
export type { Ratio } from './rng.ts';
export { DEFAULT_LINK } from './network.ts';
export type { LinkSpec } from './network.ts';
export { KERNEL_VERSION, run } from './run.ts';
export type { RunOptions, RunResult } from './run.ts';
export { describeOutcome, isViolation } from './outcome.ts';
export type { Outcome, OutcomeKind } from './outcome.ts';
export type { TraceKind, TraceRecord } from './trace.ts';
