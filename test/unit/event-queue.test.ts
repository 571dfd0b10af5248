import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../sim/kernel/event-queue.ts';

describe('EventQueue', () => {
  it('runs entries due at the same instant in the order they were scheduled', () => {
    const queue = new EventQueue();
    const order: string[] = [];
    for (const name of ['a', 'b', 'c']) queue.push(10, () => order.push(name));
    queue.push(5, () => order.push('early'));
    for (let e = queue.pop(); e; e = queue.pop()) e.run();
    expect(order).toEqual(['early', 'a', 'b', 'c']);
  });

  it('keeps a requeued entry cancellable through its old handle', () => {
    const queue = new EventQueue();
    const entry = queue.push(1, () => {});
    expect(queue.pop()).toBe(entry);
    queue.requeue(entry, 7);
    expect(queue.size).toBe(1);
    queue.cancel(entry);
    expect(queue.size).toBe(0);
    expect(queue.pop()).toBeUndefined();
  });

  it('does not requeue a cancelled entry, and cancelling a popped entry leaves the count alone', () => {
    const queue = new EventQueue();
    const entry = queue.push(1, () => {});
    queue.push(2, () => {});
    queue.pop();
    queue.cancel(entry);
    expect(queue.size).toBe(1);
    queue.requeue(entry, 3);
    expect(queue.size).toBe(1);
  });
});
