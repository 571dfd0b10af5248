/**
 * What travels between nodes. A message is a plain object with a `type`; it
 * reaches the receiving node's actor as an xstate event of that type, with
 * `from` added. Requests also carry a `requestId`; their answer comes back as
 * `<type>.response` (with a `status`) or, when the deadline passes first,
 * `<type>.timeout`. Names like `poll.response` read well in a machine:
 * `on: { 'poll.response': ..., 'poll.timeout': ... }`.
 */
import type { Json, NodeId } from './faults.ts';

/** A message a model sends: a `type` and JSON fields. */
export interface Message {
  readonly type: string;
}

/** A message as the receiving actor sees it. */
export type Delivered<M extends Message> = M & { readonly from: NodeId };

/** A request as the serving actor sees it; answer it with `io.reply`. */
export type IncomingRequest<M extends Message = Message> = M & {
  readonly from: NodeId;
  readonly requestId: string;
};

/** The answer to a request of type `T`. */
export interface ResponseEvent<T extends string = string, B = Json> {
  readonly type: `${T}.response`;
  readonly requestId: string;
  readonly from: NodeId;
  /** HTTP-style status: 2xx success, 4xx the caller's fault, 5xx the server's. */
  readonly status: number;
  readonly body: B;
}

/** A request of type `T` whose deadline passed with no response. */
export interface TimeoutEvent<T extends string = string> {
  readonly type: `${T}.timeout`;
  readonly requestId: string;
  /** The node the request was sent to. */
  readonly to: NodeId;
}

/** What a server hands to `io.reply`. */
export interface Reply {
  readonly status: number;
  readonly body?: Json;
}

/** The body the kernel's front end sends with an injected HTTP error (Envoy's words). */
export const INJECTED_ERROR_BODY = 'upstream connect error or disconnect/reset before headers';

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
