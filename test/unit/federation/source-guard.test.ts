import { describe, expect, it } from 'vitest';
import { ScriptedConnector } from '../../../connectors/scripted/index.js';
import { AbortScope } from '../../../src/federation/abort-scope.js';
import { DEFAULT_BREAKER_POLICY } from '../../../src/federation/breaker-state.js';
import { MemoryBreakerStateStore } from '../../../src/federation/memory-breaker-store.js';
import { createSourceGuard, type SourceGuard } from '../../../src/federation/source-guard.js';
import type { FederationObserver } from '../../../src/federation/settings.js';
import { never, recordingLogger } from './helpers.js';

const root = () => AbortScope.follow(never());

function setup(options: { maxConcurrency?: number; abortGraceMs?: number; observer?: FederationObserver } = {}) {
  const logger = recordingLogger();
  const connector = new ScriptedConnector({ name: 'wiki', documents: [{ id: 'd1', title: 'One', text: 'one' }] });
  const guard: SourceGuard = createSourceGuard({
    name: 'wiki',
    maxConcurrency: options.maxConcurrency ?? 4,
    breaker: DEFAULT_BREAKER_POLICY,
    breakerStore: new MemoryBreakerStateStore(),
    abortGraceMs: options.abortGraceMs ?? 1000,
    now: () => performance.now(),
    logger,
    observer: options.observer,
  });
  const search = (signal: AbortSignal) => connector.search({ query: 'one', limit: 5, updatedAfter: null, signal });
  return { logger, connector, guard, search };
}

describe('source guard', () => {
  it('passes a good answer through with its time', async () => {
    const { guard, search } = setup();
    const outcome = await guard.run('search', search, { scope: root(), timeoutMs: 1000 });
    expect(outcome.status).toBe('ok');
    if (outcome.status === 'ok') expect(outcome.value.map((hit) => hit.nativeId)).toEqual(['d1']);
  });

  it('times out a hanging source at its timeout and cancels the backend work', async () => {
    const { guard, connector, search } = setup();
    connector.setBehaviour({ hang: true });
    const started = performance.now();
    const outcome = await guard.run('search', search, { scope: root(), timeoutMs: 60 });
    const elapsed = performance.now() - started;
    expect(outcome).toMatchObject({ status: 'timeout', error: 'no answer within 60 ms' });
    expect(elapsed).toBeGreaterThanOrEqual(55);
    expect(elapsed).toBeLessThan(1000);
    await Promise.resolve();
    expect(connector.calls[0]).toMatchObject({ outcome: 'cancelled', abortSeen: true });
    expect(connector.inFlight).toBe(0);
  });

  it('counts time spent waiting for a concurrency slot toward the timeout, and never starts that work', async () => {
    const { guard, connector, search } = setup({ maxConcurrency: 1 });
    connector.queueBehaviours({ delayMs: 600 });
    const first = guard.run('search', search, { scope: root(), timeoutMs: 1000 });
    const started = performance.now();
    const second = await guard.run('search', search, { scope: root(), timeoutMs: 40 });
    expect(second.status).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(450);
    expect((await first).status).toBe('ok');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(connector.calls).toHaveLength(1);
    expect(connector.maxInFlight).toBe(1);
  });

  it('caps calls in flight per source', async () => {
    const { guard, connector, search } = setup({ maxConcurrency: 2 });
    connector.setBehaviour({ delayMs: 30 });
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => guard.run('search', search, { scope: root(), timeoutMs: 2000 })));
    expect(outcomes.every((outcome) => outcome.status === 'ok')).toBe(true);
    expect(connector.maxInFlight).toBe(2);
  });

  it('releases the slot of a connector that ignores its abort signal after the grace period', async () => {
    const { guard, connector, search, logger } = setup({ maxConcurrency: 1, abortGraceMs: 50 });
    connector.queueBehaviours({ hang: true, ignoreAbort: true });
    const stuck = await guard.run('search', search, { scope: root(), timeoutMs: 30 });
    expect(stuck.status).toBe('timeout');
    const next = await guard.run('search', search, { scope: root(), timeoutMs: 500 });
    expect(next.status).toBe('ok');
    expect(logger.entries.some((entry) => entry.level === 'warn' && String(entry.msg).includes('ignored its abort signal'))).toBe(true);
  });

  it('rejects with the caller’s reason when the caller gives up, without counting it against the source', async () => {
    const { guard, connector, search } = setup();
    connector.setBehaviour({ hang: true });
    for (let index = 0; index < 6; index += 1) {
      const controller = new AbortController();
      const run = guard.run('search', search, { scope: AbortScope.follow(controller.signal), timeoutMs: 5000 });
      controller.abort(new Error('client went away'));
      await expect(run).rejects.toThrow('client went away');
    }
    expect(guard.breaker.state()).toBe('closed');
    expect(connector.calls.every((call) => call.outcome === 'cancelled')).toBe(true);
  });

  it('shows an exposed source message in one line, and hides anything else', async () => {
    const { guard, connector, search, logger } = setup();
    connector.queueBehaviours(
      { fail: { message: 'index "docs" does not exist\n  at Foo (internal.js:1)', expose: true } },
      { fail: { message: 'password authentication failed for user "admin"', expose: false } },
      { fail: { message: 'statement timeout', expose: true, code: 'SOURCE_TIMEOUT' } },
    );
    expect(await guard.run('search', search, { scope: root(), timeoutMs: 1000 })).toMatchObject({ status: 'error', error: 'index "docs" does not exist' });
    expect(await guard.run('search', search, { scope: root(), timeoutMs: 1000 })).toMatchObject({ status: 'error', error: 'source error' });
    expect(await guard.run('search', search, { scope: root(), timeoutMs: 1000 })).toMatchObject({ status: 'timeout', error: 'statement timeout' });
    const warned = logger.entries.filter((entry) => entry.level === 'warn');
    expect(warned).toHaveLength(1);
  });

  it('suspends the source after 5 failures: the 6th call is refused without reaching it', async () => {
    const outcomes: string[] = [];
    const breakerStates: string[] = [];
    const { guard, connector, search } = setup({
      observer: {
        onSourceOutcome: (name, status, _ms, operation) => outcomes.push(`${name}/${operation}/${status}`),
        onBreakerStateChange: (_name, state) => breakerStates.push(state),
      },
    });
    connector.setBehaviour({ fail: { message: 'down', expose: true } });
    for (let index = 0; index < 5; index += 1) await guard.run('search', search, { scope: root(), timeoutMs: 1000 });
    const refused = await guard.run('search', search, { scope: root(), timeoutMs: 1000 });
    expect(refused).toMatchObject({ status: 'suspended' });
    expect(connector.calls).toHaveLength(5);
    expect(outcomes.at(-1)).toBe('wiki/search/suspended');
    expect(breakerStates).toEqual(['open']);
  });

  it('counts timeouts toward the breaker', async () => {
    const { guard, connector, search } = setup();
    connector.setBehaviour({ hang: true });
    for (let index = 0; index < 5; index += 1) await guard.run('search', search, { scope: root(), timeoutMs: 5 });
    expect(guard.breaker.state()).toBe('open');
  });
});
