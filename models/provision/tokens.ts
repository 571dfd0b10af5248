/**
 * The token service's register gate: who gets a workspace token.
 *
 * Provisioning revokes every token of the workspace and relies on the
 * bootstrap path: a register with no live token to present gets one minted.
 * - `first-register` (the incident): only a register presenting nothing, while
 *   the workspace has no live token at all, mints. A box that presents a
 *   revoked token, or comes second in a race, gets 401.
 * - `reopens` (the fix): a register with no valid token mints whenever no
 *   *other* instance holds a live token (its own stale or orphaned tokens are
 *   rotated), so a box the provisioner revoked can bootstrap again, while a
 *   second box still cannot steal a working box's token. An instance being
 *   deprovisioned can neither bootstrap nor block one: the first version of
 *   this fix let a late register from a box being terminated mint a token
 *   that then locked its replacement out (the explorer found it).
 */

export type BootstrapGate = 'first-register' | 'reopens';

export interface Token {
  readonly token: string;
  readonly instanceId: string;
  readonly live: boolean;
}

export type RegisterDecision =
  | { readonly status: 200; readonly token: string; readonly minted: boolean }
  | { readonly status: 401; readonly reason: string };

/** Tokens that still authenticate. */
export function liveTokens(tokens: readonly Token[]): Token[] {
  return tokens.filter((t) => t.live);
}

/** Whether `token` authenticates a call now. */
export function isLive(tokens: readonly Token[], token: string | null): boolean {
  return token !== null && tokens.some((t) => t.live && t.token === token);
}

/** A register as the handler sees it. */
export interface RegisterRequest {
  readonly instanceId: string;
  readonly presented: string | null;
  /** Instances the provisioner is terminating or has terminated. */
  readonly retired: (instanceId: string) => boolean;
  /** The name a mint would use. */
  readonly nextToken: string;
}

/** What the register handler answers. */
export function decideRegister(tokens: readonly Token[], request: RegisterRequest, gate: BootstrapGate): RegisterDecision {
  const { instanceId, presented, retired, nextToken } = request;
  if (isLive(tokens, presented)) return { status: 200, token: presented!, minted: false };
  const live = liveTokens(tokens);
  if (gate === 'first-register') {
    if (presented === null && live.length === 0) return { status: 200, token: nextToken, minted: true };
    return { status: 401, reason: presented === null ? 'no token presented and the bootstrap mint is used' : 'presented token is revoked' };
  }
  if (retired(instanceId)) return { status: 401, reason: 'instance is being deprovisioned' };
  const heldByOther = live.find((t) => t.instanceId !== instanceId && !retired(t.instanceId));
  if (heldByOther === undefined) return { status: 200, token: nextToken, minted: true };
  return { status: 401, reason: `instance ${heldByOther.instanceId} holds the workspace's live token` };
}

/** Applies a mint: the instance's earlier tokens are revoked, the new one is live. */
export function mint(tokens: readonly Token[], instanceId: string, token: string): Token[] {
  return [...tokens.map((t) => (t.instanceId === instanceId && t.live ? { ...t, live: false } : t)), { token, instanceId, live: true }];
}

/** Revokes every token, or only those of `instanceId`. */
export function revoke(tokens: readonly Token[], instanceId?: string): Token[] {
  return tokens.map((t) => (t.live && (instanceId === undefined || t.instanceId === instanceId) ? { ...t, live: false } : t));
}
