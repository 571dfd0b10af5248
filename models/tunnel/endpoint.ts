/**
 * The local endpoint a tunnel exposes, as the user types it (`--endpoint`),
 * and the two ways it is turned into a URL.
 *
 * - {@link normalizeEndpoint} is `lib::normalize_endpoint`, the canonical
 *   form the control plane stores on the HTTPProxy: a scheme (http by
 *   default), a lower-case host (IPv6 in brackets), an explicit port, no
 *   trailing slash. Anything else is an error that says what is wrong.
 * - {@link buildRequestUrl} is what reqwest's request builder accepts: a URL
 *   with an http(s) scheme. A bare `127.0.0.1:11434` is a "builder error".
 */

export type Normalized = { readonly ok: true; readonly url: string } | { readonly ok: false; readonly error: string };

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;
const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443 };

/** The canonical form of an endpoint, or why there is none. */
export function normalizeEndpoint(input: string): Normalized {
  let rest = input.trim();
  let scheme = 'http';
  const schemeMatch = SCHEME.exec(rest);
  if (schemeMatch !== null) {
    scheme = schemeMatch[1]!.toLowerCase();
    if (!(scheme in DEFAULT_PORTS)) return { ok: false, error: `unsupported scheme '${schemeMatch[1]}' (use http or https)` };
    rest = rest.slice(schemeMatch[0].length);
  }
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  if (slash !== -1 && !/^\/*$/.test(rest.slice(slash))) return { ok: false, error: `a path is not allowed in an endpoint ('${rest.slice(slash)}')` };
  let host: string;
  let portText: string | undefined;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close === -1) return { ok: false, error: `unclosed '[' in IPv6 host '${authority}'` };
    host = authority.slice(0, close + 1).toLowerCase();
    const after = authority.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return { ok: false, error: `unexpected '${after}' after IPv6 host` };
    portText = after === '' ? undefined : after.slice(1);
  } else {
    if ((authority.match(/:/g) ?? []).length > 1) return { ok: false, error: `IPv6 host '${authority}' needs brackets, as in [::1]:8080` };
    const colon = authority.indexOf(':');
    host = (colon === -1 ? authority : authority.slice(0, colon)).toLowerCase();
    portText = colon === -1 ? undefined : authority.slice(colon + 1);
  }
  if (host === '' || host === '[]') return { ok: false, error: 'the endpoint has no host' };
  if (portText === undefined && schemeMatch === null) return { ok: false, error: `'${input}' has no port (use host:port or a URL)` };
  const port = portText === undefined ? DEFAULT_PORTS[scheme]! : /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65_535)) return { ok: false, error: `port '${portText}' is not between 1 and 65535` };
  return { ok: true, url: `${scheme}://${host}:${port}` };
}

/** What the HTTP client's request builder makes of a string: a URL, or a builder error. */
export function buildRequestUrl(input: string): Normalized {
  if (!/^https?:\/\//i.test(input)) return { ok: false, error: 'builder error' };
  return normalizeEndpoint(input);
}
