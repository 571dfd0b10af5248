/**
 * Reading fault plans from JSON, strictly. A plan written by hand (or by an
 * older version of the tool) is checked field by field against the scenario
 * it is for, and the first problem is reported as one line that names the
 * file, the fault and the field: `plan.json: fault 2 (partition): 'to' must
 * name a node of canary/lease (lease-server, client-a, client-b), got "x"`.
 */
import { buildOnly } from './build-only.ts';
import { errorMessage } from './error-message.ts';
import { KERNEL_FAULT_KINDS, type CustomFault, type Fault, type FaultPlan, type Json } from './faults.ts';
import { hasOwn, own } from './own.ts';
import { recordedFacts } from './scenario-facts-memo.ts';
import { MAX_RATIO_DENOMINATOR } from './rng.ts';
import type { AnyScenario } from './scenario.ts';

/** Bad input from a user: a file, a flag, a name. The CLI prints its message and exits 2. */
export class InputError extends Error {
  override name = 'InputError';
}

type FieldType =
  | 'node'
  | 'boolean'
  | 'duration'
  | 'duration-or-null'
  | 'integer'
  | 'ratio'
  | 'load-factor'
  | 'http-status'
  | 'message-types'
  | 'bytes'
  | 'message-type'
  | 'request-mode'
  | 'count';

const LINK_FIELDS = { from: 'node', to: 'node', oneWay: 'boolean', durationMs: 'duration', types: 'message-types', minBytes: 'bytes' } as const;

/** The fields of each kernel fault kind besides `kind` and `atMs`. */
const KERNEL_FIELDS: Record<(typeof KERNEL_FAULT_KINDS)[number], Record<string, FieldType>> = {
  partition: LINK_FIELDS,
  drop: { ...LINK_FIELDS, ratio: 'ratio' },
  duplicate: { ...LINK_FIELDS, ratio: 'ratio' },
  delay: { ...LINK_FIELDS, extraMs: 'duration' },
  reorder: { ...LINK_FIELDS, jitterMs: 'duration' },
  crash: { node: 'node', downMs: 'duration-or-null' },
  restart: { node: 'node' },
  pause: { node: 'node', durationMs: 'duration' },
  'clock-jump': { node: 'node', deltaMs: 'integer' },
  'clock-drift': { node: 'node', ppm: 'integer', durationMs: 'duration' },
  load: { node: 'node', factorPct: 'load-factor', durationMs: 'duration' },
  'http-error': { node: 'node', status: 'http-status', durationMs: 'duration' },
  'request-fault': { node: 'node', type: 'message-type', mode: 'request-mode', status: 'http-status', count: 'count' },
};

/** Fields that may be left out, with the value they take. */
const DEFAULTS: Record<string, Json> = { oneWay: false };

/** Fields that may be left out and then stay absent (a filter not given filters nothing). */
const OPTIONAL = new Set(['types', 'minBytes', 'type', 'status']);

/** `status` is optional only where it has a default: on a request fault. */
const OPTIONAL_EXCEPT: Readonly<Record<string, readonly string[]>> = { 'http-error': ['status'] };

/**
 * The node ids `build` declares for a variant.
 * @throws InputError when there is no such variant, or `build` throws
 */
export function scenarioNodeIds(scenario: AnyScenario, variant: string): string[] {
  const flags = own(scenario.variants, variant);
  if (flags === undefined) throw new InputError(`scenario ${scenario.id} has no variant '${variant}'`);
  try {
    return [...buildOnly(scenario, flags).nodes.keys()];
  } catch (error) {
    throw new InputError(`scenario ${scenario.id}: its build threw while the plan was checked against it: ${oneLine(errorMessage(error))}`);
  }
}

/** Parses a plan file's text: `{ "faults": [...] }` or a bare array of faults. */
export function parsePlanText(text: string, source: string, scenario: AnyScenario, variant: string): FaultPlan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  return parsePlan(data, source, scenario, variant);
}

/**
 * Node ids a worker learned for this variant (see scenario-facts.ts), so the
 * thread checking a plan need not run `build` itself; `undefined` if none did.
 */
function knownNodeIds(scenario: AnyScenario, variant: string): readonly string[] | undefined {
  const facts = recordedFacts(scenario);
  if (facts === undefined) return undefined;
  if (facts.buildStopped !== undefined) throw new InputError(`scenario ${scenario.id}: its build did not finish (${facts.buildStopped}), so no plan can be checked against it`);
  return own(facts.nodeIds, variant);
}

/** Checks already-parsed JSON as a plan for `scenario`. */
export function parsePlan(data: unknown, source: string, scenario: AnyScenario, variant: string): FaultPlan {
  const list = Array.isArray(data) ? data : isObject(data) && Array.isArray(data.faults) ? data.faults : undefined;
  if (list === undefined) throw new InputError(`${source}: expected {"faults": [...]} or an array of faults`);
  const nodes = knownNodeIds(scenario, variant) ?? scenarioNodeIds(scenario, variant);
  const faults = list.map((raw, i) => parseFault(raw, `${source}: fault ${i + 1}`, scenario, nodes));
  return { faults };
}

function parseFault(raw: unknown, where: string, scenario: AnyScenario, nodes: readonly string[]): Fault {
  if (!isObject(raw)) throw new InputError(`${where}: expected an object`);
  const kind = raw.kind;
  if (typeof kind !== 'string') throw new InputError(`${where}: missing "kind"`);
  // Own properties only: 'constructor', 'toString' or '__proto__' is no fault kind.
  const handler = own(scenario.customFaults, kind);
  const fields = handler === undefined ? own(KERNEL_FIELDS as Record<string, Record<string, FieldType>>, kind) : undefined;
  if (handler === undefined && fields === undefined) {
    const known = [...KERNEL_FAULT_KINDS, ...Object.keys(scenario.customFaults ?? {})].join(', ');
    throw new InputError(`${where}: unknown kind ${quoted(kind)} (known: ${known})`);
  }
  const at = `${where} (${kind})`;
  if (!Number.isSafeInteger(raw.atMs) || (raw.atMs as number) < 0) {
    throw new InputError(`${at}: 'atMs' must be a whole number of ms >= 0, got ${JSON.stringify(raw.atMs)}`);
  }
  if ((raw.atMs as number) > scenario.durationMs) {
    throw new InputError(`${at}: 'atMs' is ${raw.atMs}, beyond the end of ${scenario.id} (it lasts ${scenario.durationMs} ms)`);
  }
  // JSON.parse makes "__proto__" an own field; copied or assigned, it would set a prototype.
  if (Object.hasOwn(raw, '__proto__')) throw new InputError(`${at}: field '__proto__' is not allowed`);
  const fault = { ...raw } as Record<string, Json>;
  if (handler !== undefined) {
    const problem = validateCustom(handler, fault as unknown as CustomFault);
    if (problem !== undefined) throw new InputError(`${at}: ${oneLine(problem)}`);
    return fault as unknown as Fault;
  }
  for (const key of Object.keys(fault)) {
    if (key !== 'kind' && key !== 'atMs' && !hasOwn(fields, key)) throw new InputError(`${at}: unknown field ${quoted(key)}`);
  }
  for (const [key, type] of Object.entries(fields!)) {
    if (fault[key] === undefined && hasOwn(DEFAULTS, key)) fault[key] = DEFAULTS[key]!;
    if (fault[key] === undefined && OPTIONAL.has(key) && !(own(OPTIONAL_EXCEPT, kind) ?? []).includes(key)) continue;
    const problem = checkField(fault[key], type, nodes, scenario.id);
    if (problem !== undefined) throw new InputError(`${at}: '${key}' ${problem}, got ${JSON.stringify(fault[key]) ?? 'nothing'}`);
  }
  return fault as unknown as Fault;
}

/** The scenario's own check of a custom fault; a check that throws is reported the same way. */
function validateCustom(handler: { validate(fault: CustomFault): string | undefined }, fault: CustomFault): string | undefined {
  try {
    const problem = handler.validate(fault);
    return problem === undefined ? undefined : errorMessage(problem);
  } catch (error) {
    return `the scenario's check of this fault threw: ${errorMessage(error)}`;
  }
}

function checkField(value: Json | undefined, type: FieldType, nodes: readonly string[], scenarioId: string): string | undefined {
  switch (type) {
    case 'node':
      return typeof value === 'string' && nodes.includes(value) ? undefined : `must name a node of ${scenarioId} (${nodes.join(', ')})`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'duration':
      return Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : 'must be a whole number of ms >= 0';
    case 'duration-or-null':
      return value === null || (Number.isSafeInteger(value) && (value as number) >= 0) ? undefined : 'must be a whole number of ms >= 0, or null';
    case 'integer':
      return Number.isSafeInteger(value) ? undefined : 'must be a whole number';
    case 'ratio': {
      const ok =
        isObject(value) &&
        Number.isInteger(value.numerator) &&
        Number.isInteger(value.denominator) &&
        (value.denominator as number) > 0 &&
        (value.denominator as number) <= MAX_RATIO_DENOMINATOR &&
        (value.numerator as number) >= 0 &&
        (value.numerator as number) <= (value.denominator as number);
      return ok ? undefined : `must be {"numerator": n, "denominator": d} with 0 <= n <= d <= ${MAX_RATIO_DENOMINATOR}`;
    }
    case 'load-factor':
      return Number.isSafeInteger(value) && (value as number) >= 100 ? undefined : 'must be a whole percentage >= 100';
    case 'http-status':
      return Number.isInteger(value) && (value as number) >= 400 && (value as number) <= 599 ? undefined : 'must be an HTTP error status (400-599)';
    case 'message-types':
      return Array.isArray(value) && value.length > 0 && value.every((t) => typeof t === 'string' && t !== '') ? undefined : 'must be a non-empty list of message types';
    case 'bytes':
      return Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : 'must be a whole number of bytes >= 0';
    case 'message-type':
      return typeof value === 'string' && value !== '' ? undefined : 'must be a message type';
    case 'request-mode':
      return value === 'error' || value === 'drop-request' || value === 'drop-reply' ? undefined : 'must be "error", "drop-request" or "drop-reply"';
    case 'count':
      return Number.isSafeInteger(value) && (value as number) >= 1 ? undefined : 'must be a whole number >= 1';
  }
}

/** A user's name in a message: quoted, with control characters escaped, so the line stays one line. */
function quoted(name: string): string {
  return `'${JSON.stringify(name).slice(1, -1)}'`;
}

/** A message from scenario code, kept to one line. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
