/**
 * Scenario files are TypeScript, loaded at run time, so a user needs no build
 * step: tsx's loader is registered once, before the first scenario file is
 * imported. Where the testbed itself runs from its TypeScript source (this
 * repository, under tsx or vitest), a loader is in place already.
 */
import { register } from 'tsx/esm/api';

/** Set by whoever registered tsx in this thread (here, or a worker thread's boot file). */
const REGISTERED = Symbol.for('chaos-testbed.tsx-registered');

export function ensureTypeScriptLoader(): void {
  const mark = globalThis as { [REGISTERED]?: boolean };
  if (mark[REGISTERED] === true || import.meta.url.endsWith('.ts')) return;
  register();
  mark[REGISTERED] = true;
}
