import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, type QueueEntry } from '../../sim/kernel/event-queue.ts';

type Op = { op: 'push'; timeMs: number } | { op: 'pop' } | { op: 'cancel'; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('push' as const), timeMs: fc.integer({ min: 0, max: 50 }) }) },
  { weight: 3, arbitrary: fc.constant({ op: 'pop' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }) },
);

describe('EventQueue against a sorted reference', () => {
  it('pops in (time, insertion order), skips cancelled entries, and counts live ones', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
        const queue = new EventQueue();
        // Reference: a plain array kept sorted by (time, id); ids are insertion order.
        let reference: { timeMs: number; id: number; entry: QueueEntry }[] = [];
        const handles: { id: number; entry: QueueEntry }[] = [];
        let nextId = 0;
        for (const op of ops) {
          if (op.op === 'push') {
            const id = nextId++;
            const entry = queue.push(op.timeMs, () => id);
            handles.push({ id, entry });
            reference.push({ timeMs: op.timeMs, id, entry });
            reference.sort((a, b) => a.timeMs - b.timeMs || a.id - b.id);
          } else if (op.op === 'pop') {
            const got = queue.pop();
            const want = reference.shift();
            expect(got).toBe(want?.entry);
          } else if (handles.length > 0) {
            const victim = handles[op.pick % handles.length]!;
            queue.cancel(victim.entry);
            reference = reference.filter((r) => r.id !== victim.id);
          }
          expect(queue.size).toBe(reference.length);
          expect(queue.peekTimeMs()).toBe(reference[0]?.timeMs);
        }
      }),
    );
  });
});
