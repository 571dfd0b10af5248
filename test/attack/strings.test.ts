/**
 * Hostile strings from a model reach the trace unchanged (neutralising them
 * for display is the reports' job), and the trace and its JSON stay well
 * formed: every detail a string, every message detail valid JSON with its
 * `__proto__` key kept as a key, nothing polluted.
 */
import { describe, expect, it } from 'vitest';
import { run } from 'chaos-testbed';
import { stableStringify } from '../../sim/kernel/stable-json.ts';
import { hostileScenario } from './fixtures/hostile-scenario.ts';
import { hostileWriter, MEGABYTE, RIGHT_TO_LEFT, WITH_NUL } from './fixtures/strings.ts';

describe('attack: hostile strings in model output', () => {
  const scenario = hostileScenario('strings', hostileWriter);

  it('keeps notes as written, makes notes that are not strings into strings, and passes', () => {
    const result = run(scenario, 'buggy', 1, { faults: [] }, { traceMode: 'full' });
    expect(result.outcome).toEqual({ kind: 'pass' });
    expect(result.trace.every((r) => typeof r.detail === 'string')).toBe(true);
    const notes = result.trace.filter((r) => r.kind === 'note' && r.node === 'victim').map((r) => r.detail);
    expect(notes).toEqual([RIGHT_TO_LEFT, WITH_NUL, MEGABYTE, '[object Object]', '12345']);
  });

  it('writes a message with hostile fields as valid JSON, keeping "__proto__" a key and polluting nothing', () => {
    const result = run(scenario, 'buggy', 1, { faults: [] }, { traceMode: 'full' });
    const send = result.trace.find((r) => r.kind === 'send' && r.node === 'victim')!;
    expect(send.detail.startsWith(`flood${RIGHT_TO_LEFT} {`)).toBe(true);
    const fields = JSON.parse(send.detail.slice(send.detail.indexOf(' {') + 1)) as Record<string, unknown>;
    expect(Object.keys(fields)).toEqual(['__proto__', 'quote"key', 'new\nline', RIGHT_TO_LEFT, 'big']);
    expect(Object.getOwnPropertyDescriptor(fields, '__proto__')?.value).toEqual({ polluted: true });
    expect(fields[RIGHT_TO_LEFT]).toBe(WITH_NUL);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('round-trips the whole result through sorted JSON, "__proto__" keys included', () => {
    const result = run(scenario, 'buggy', 1, { faults: [] }, { traceMode: 'full' });
    expect(JSON.parse(stableStringify(result))).toEqual(JSON.parse(JSON.stringify(result)));
    const values = JSON.parse('{"__proto__": {"x": 1}, "b": [1, {"__proto__": 2}]}') as unknown;
    expect(stableStringify(values, 0)).toBe('{"__proto__":{"x":1},"b":[1,{"__proto__":2}]}');
  });

  it('gives the same trace hash every time', () => {
    expect(run(scenario, 'buggy', 3, { faults: [] }).traceHash).toBe(run(scenario, 'buggy', 3, { faults: [] }).traceHash);
  });
});
