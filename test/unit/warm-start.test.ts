import { describe, expect, it } from 'vitest';
import { run } from 'chaos-testbed';
import { clusterScenario } from '../fixtures/warm-start-example.ts';

const joinedAtMs = (warm: boolean, faults = [] as never[]) => {
  const result = run(clusterScenario({ warm }), 'buggy', 1, { faults }, { traceMode: 'full' });
  return { result, joined: result.trace.filter((r) => r.kind === 'state' && (r.detail === 'member' || r.detail.endsWith('-> member'))).map((r) => `${r.node}@${r.atMs}`) };
};

describe('a warm start (the README example)', () => {
  it('booted cold, members spend a round trip to the seed joining', () => {
    const { joined } = joinedAtMs(false);
    expect(joined).toHaveLength(3);
    for (const j of joined) expect(Number(j.split('@')[1])).toBeGreaterThan(0);
  });

  it('warm-started from a formed cluster’s disks, every member is a member at t=0 and no join is sent', () => {
    const { joined, result } = joinedAtMs(true);
    expect(joined).toEqual(['m-1@0', 'm-2@0', 'm-3@0']);
    expect(result.trace.some((r) => r.kind === 'send')).toBe(false);
    expect(result.outcome).toEqual({ kind: 'pass' });
  });

  it('a warm-started member that crashes comes back from the same disk, still a member', () => {
    const { result } = joinedAtMs(true, [{ kind: 'crash', atMs: 2_000, node: 'm-2', downMs: 1_000 }] as never[]);
    expect(result.outcome).toEqual({ kind: 'pass' });
    expect(result.trace.filter((r) => r.node === 'm-2' && r.kind === 'state').map((r) => `${r.atMs} ${r.detail}`)).toEqual(['0 member', '3000 member']);
  });
});
