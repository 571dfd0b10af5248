/**
 * What travels between nodes. A message is a plain object with a `type`; it
 * reaches the receiving node's actor as an xstate event of that type, with
 * `from` added. Requests also carry a `requestId`; their answer comes back as
 * `<type>.response` (with a `status`) or, when the deadline passes first,
 * `<type>.timeout`. Names like `poll.response` read well in a machine:
 * `on: { 'poll.response': ..., 'poll.timeout': ... }`.
 */
import type { Json, NodeId } from './faults.ts';

/**
 * A message a model sends: a `type` and JSON fields.
 *
 * Its size, which link faults with `minBytes` look at, is `sizeBytes` when
 * the message carries that field (a model states what the real payload
 * weighs: a 9 KB entry, a 64 KB chunk), and otherwise the length of the
 * message as JSON.
 */
export interface Message {
  readonly type: string;
  /** What the message weighs on the wire, for size-filtered link faults. */
  readonly sizeBytes?: number;
}

/** A message as the receiving actor sees it. */
export type Delivered<M extends Message> = M & { readonly from: NodeId };

/** A request as the serving actor sees it; answer it with `io.reply`. */
export type IncomingRequest<M extends Message = Message> = M & {
  readonly from: NodeId;
  readonly requestId: string;
  /** The connection it came on, if it came on one (the answer goes back on it). */
  readonly connection?: string;
};

/** The answer to a request of type `T`. */
export interface ResponseEvent<T extends string = string, B = Json> {
  readonly type: `${T}.response`;
  readonly requestId: string;
  readonly from: NodeId;
  /** HTTP-style status: 2xx success, 4xx the caller's fault, 5xx the server's. */
  readonly status: number;
  readonly body: B;
  /** The request this answers, as this node sent it. */
  readonly request: Message & Readonly<Record<string, unknown>>;
  /** The connection it came back on, for a request made with `io.requestOn`. */
  readonly connection?: string;
  /** For a request made with `io.forward`: the request it forwarded. */
  readonly forwarded?: IncomingRequest;
}

/**
 * A request of type `T` that will get no response: its deadline passed, or
 * the connection it travelled on closed first (`reason`).
 */
export interface TimeoutEvent<T extends string = string> {
  readonly type: `${T}.timeout`;
  readonly requestId: string;
  /** The node the request was sent to. */
  readonly to: NodeId;
  /** `deadline`: `timeoutMs` passed; `closed`: its connection closed or was reset first. */
  readonly reason: 'deadline' | 'closed';
  /** The request that timed out, as this node sent it. */
  readonly request: Message & Readonly<Record<string, unknown>>;
  /** The connection it was sent on, for a request made with `io.requestOn`. */
  readonly connection?: string;
  /** For a request made with `io.forward`: the request it forwarded. */
  readonly forwarded?: IncomingRequest;
}

/** What a server hands to `io.reply`. */
export interface Reply {
  readonly status: number;
  readonly body?: Json;
}

/** The body the kernel's front end sends with an injected HTTP error (Envoy's words). */
export const INJECTED_ERROR_BODY = 'upstream connect error or disconnect/reset before headers';

/**
 * What `io.forward` answers the original caller when the forwarded request
 * gets no response: 504 with Envoy's body for an upstream timeout.
 */
export const FORWARD_TIMEOUT_REPLY: Reply = { status: 504, body: 'upstream request timeout' };

/**
 * The size of a message for `minBytes` filters: its `sizeBytes` if it states
 * one, else the length of its JSON.
 */
export function messageSizeBytes(message: Message): number {
  const stated = message.sizeBytes;
  return typeof stated === 'number' ? stated : JSON.stringify(message).length;
}

/**
 * `type` followed by the other fields as JSON, for trace records. Field
 * names are JSON-quoted too, and fields JSON leaves out (functions,
 * symbols) are left out, so the braces always hold valid JSON whatever a
 * model sends.
 */
export function describeMessage(message: Message): string {
  let rest = '';
  for (const key of Object.keys(message)) {
    if (key === 'type' || key === 'from') continue;
    const value = (message as unknown as Record<string, unknown>)[key];
    const json = value === undefined ? undefined : (JSON.stringify(value) as string | undefined);
    if (json === undefined) continue;
    rest += `${rest === '' ? '' : ','}${JSON.stringify(key)}:${json}`;
  }
  return rest === '' ? message.type : `${message.type} {${rest}}`;
}

/** Whether an event is the answer to a request (`<type>.response` or `<type>.timeout`). */
export function isAnswer(event: { readonly type: string }): event is ResponseEvent | TimeoutEvent {
  return event.type.endsWith('.response') || event.type.endsWith('.timeout');
}

/** Whether an answer is a response with a 2xx status (not an error, not a timeout). */
export function answeredOk(event: ResponseEvent | TimeoutEvent): boolean {
  return 'status' in event && event.status >= 200 && event.status < 300;
}
