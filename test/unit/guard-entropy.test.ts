import { describe, expect, it } from 'vitest';
import { run } from 'chaos-testbed';
import { callsAt500, ENTROPY_SOURCES, SOURCE_FILE_SITE } from '../fixtures/nondeterminism-sources.ts';

describe('determinism guard: randomness', () => {
  it.each(Object.entries(ENTROPY_SOURCES))('refuses %s, naming the API and the call site in the model file', (_name, { api, call }) => {
    const { outcome } = run(callsAt500(call), 'buggy', 1, { faults: [] });
    expect(outcome).toMatchObject({ kind: 'nondeterminism', api, atMs: 500 });
    expect(outcome.kind === 'nondeterminism' && outcome.callSite).toMatch(SOURCE_FILE_SITE);
  });
});
