/**
 * The public API of the testbed, `import { ... } from 'chaos-testbed'`: what a
 * scenario or model author imports. Everything here is documented with TSDoc
 * at its definition. The vitest helper is `chaos-testbed/vitest`.
 */
export { defineScenario, operatorAction, variantNames, windowFault } from './kernel/scenario.ts';
export type {
  AnyScenario,
  BugFlags,
  Expectation,
  CustomFaultHandler,
  FaultEventFrom,
  FaultTargetFrom,
  FlagsShape,
  FlagValue,
  InferredNodes,
  NodeHandle,
  NodeOptions,
  NodesNotInferred,
  RestartPolicy,
  Scenario,
  ScenarioBuilder,
  ScenarioId,
  FaultEvent,
  ScenarioSeries,
  ScenarioSource,
  TimelineFact,
  ProgressMeasure,
} from './kernel/scenario.ts';
export { always, eventually, eventuallyEach, sometimes, violated } from './kernel/invariants.ts';
export type { Check, Invariant, Violation, WorldView } from './kernel/invariants.ts';
export type { DurableStore, ForwardOptions, NodeIO, NodeStatus, RequestOptions } from './kernel/node.ts';
export { withLibrary } from './kernel/library.ts';
export type { Library, LibraryAnswer, LibraryKeepalive } from './kernel/library.ts';
export { answeredOk, FORWARD_TIMEOUT_REPLY, INJECTED_ERROR_BODY, isAnswer, messageSizeBytes } from './kernel/messages.ts';
export { CONNECT_TIMEOUT_MS, RTO_MAX_MS, RTO_MIN_MS, SYN_RTO_MS, USER_TIMEOUT_MS } from './kernel/connections.ts';
export type { CloseReason, ConnectionClosed, ConnectionInfo, ConnectionOpened, ConnectOptions } from './kernel/connections.ts';
export type { CapacitySpec } from './kernel/capacity.ts';
export type { LinkFilter } from './kernel/link-filter.ts';
export type { Delivered, IncomingRequest, Message, Reply, ResponseEvent, TimeoutEvent } from './kernel/messages.ts';
export { describeFault, KERNEL_FAULT_KINDS, REQUEST_FAULT_DEFAULT_STATUS } from './kernel/faults.ts';
export type { CustomFault, Fault, FaultPlan, Json, KernelFault, NodeId, RequestFault, RequestFaultMode } from './kernel/faults.ts';
export type { CustomKindSpace, FaultSpace, KernelKindSpaces, Link, Range, RequestFaultSpace } from './kernel/fault-space.ts';
export { ratio, Rng } from './kernel/rng.ts';
export type { Ratio } from './kernel/rng.ts';
export { DEFAULT_LINK } from './kernel/network.ts';
export type { LinkSpec } from './kernel/network.ts';
export { KERNEL_VERSION, run } from './kernel/run.ts';
export type { RunOptions, RunResult } from './kernel/run.ts';
export { describeOutcome, isViolation } from './kernel/outcome.ts';
export type { Outcome, OutcomeKind } from './kernel/outcome.ts';
export type { TraceKind, TraceRecord } from './kernel/trace.ts';
export { defineConfig } from './load/config.ts';
export type { TestbedConfig } from './load/config.ts';
export { installDeterminismGuard } from './kernel/guard.ts';
