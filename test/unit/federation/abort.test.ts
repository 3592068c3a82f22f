import { describe, expect, it } from 'vitest';
import { AbortScope, raceAbort, settleWithinGrace, SourceTimeoutError } from '../../../src/federation/abort-scope.js';

describe('AbortScope', () => {
  it('follows the outside signal and passes its reason down to children', () => {
    const controller = new AbortController();
    const root = AbortScope.follow(controller.signal);
    const child = root.child(10_000);
    const grandchild = child.child();
    controller.abort(new Error('client gone'));
    expect(grandchild.signal.aborted).toBe(true);
    expect((grandchild.signal.reason as Error).message).toBe('client gone');
    expect(child.timedOut()).toBe(false);
    child.dispose();
  });

  it('aborts a child by its own timer with SourceTimeoutError, leaving the parent alone', async () => {
    const root = AbortScope.follow(new AbortController().signal);
    const child = root.child(20);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(child.timedOut()).toBe(true);
    expect(child.signal.reason).toBeInstanceOf(SourceTimeoutError);
    expect(root.aborted).toBe(false);
  });

  it('stops its timer and leaves the parent when disposed', async () => {
    const root = AbortScope.follow(new AbortController().signal);
    const child = root.child(20);
    child.dispose();
    root.abort(new Error('later'));
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(child.aborted).toBe(false);
  });

  it('is born aborted under an aborted parent, and with no time left', () => {
    const controller = new AbortController();
    controller.abort(new Error('already'));
    expect(AbortScope.follow(controller.signal).child(1000).aborted).toBe(true);
    const late = AbortScope.follow(new AbortController().signal).child(0);
    expect(late.timedOut()).toBe(true);
  });

  it('adds a single listener to the outside signal however many children hang off it', () => {
    const controller = new AbortController();
    let added = 0;
    const original = controller.signal.addEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<AbortSignal['addEventListener']>) => {
      added += 1;
      original(...args);
    }) as AbortSignal['addEventListener'];
    const root = AbortScope.follow(controller.signal);
    for (let index = 0; index < 5; index += 1) raceAbort(new Promise(() => undefined), root.child(1000)).catch(() => undefined);
    controller.abort();
    expect(added).toBe(1);
  });
});

describe('raceAbort and settleWithinGrace', () => {
  it('rejects at once when the scope aborts, whatever the promise does', async () => {
    const scope = AbortScope.follow(new AbortController().signal);
    const pending = raceAbort(new Promise(() => undefined), scope);
    scope.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });

  it('keeps waiting for the grace period after an abort, then gives up', async () => {
    const scope = AbortScope.follow(new AbortController().signal);
    let overran = false;
    const slow = new Promise((resolve) => setTimeout(() => resolve('late'), 10));
    const graceful = settleWithinGrace(slow, scope, 200, () => (overran = true));
    scope.abort(new Error('stop'));
    await expect(graceful).resolves.toBe('late');
    const stuck = settleWithinGrace(new Promise(() => undefined), scope, 20, () => (overran = true));
    await expect(stuck).rejects.toThrow('stop');
    expect(overran).toBe(true);
  });
});
