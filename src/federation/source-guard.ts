// Everything that stands between the federation and one connector call: the circuit breaker,
// the cap on calls in flight (p-limit; waiting counts toward the timeout) and the timeout itself.
import pLimit, { type LimitFunction } from 'p-limit';
import { raceAbort, settleWithinGrace, type AbortScope } from './abort-scope.js';
import { createSourceBreaker, type SourceBreaker } from './breaker.js';
import type { BreakerPolicy, BreakerState, BreakerStateStore } from './breaker-state.js';
import { describeFailure } from './describe-failure.js';
import type { FederationLogger, FederationObserver, SourceOperation } from './settings.js';
import type { SourceStatus } from './types.js';
import { isTracing, traceSourceCall } from '../telemetry/tracing.js';

export type GuardOutcome<T> = { status: 'ok'; value: T; tookMs: number } | { status: Exclude<SourceStatus, 'ok' | 'skipped'>; error: string; tookMs: number };

/** Marks a failure caused by the caller giving up, which must not count against the source. */
class CallerAbortedError extends Error {
  constructor(readonly reason: unknown) {
    super('the caller gave up');
    this.name = 'CallerAbortedError';
  }
}

export interface SourceGuard {
  readonly name: string;
  readonly breaker: SourceBreaker;
  /** Calls in flight and waiting, for tests and status pages. */
  load(): { active: number; pending: number };
  /**
   * Runs `work` with a signal that aborts with `scope` (the caller) or after `timeoutMs` (time
   * spent waiting for a slot included). Never rejects for a source failure: that is an outcome.
   * Rejects with the caller's abort reason when the caller itself gave up.
   */
  run<T>(operation: SourceOperation, work: (signal: AbortSignal) => Promise<T>, options: { scope: AbortScope; timeoutMs: number }): Promise<GuardOutcome<T>>;
}

export interface GuardDeps {
  name: string;
  /** The connector kind, for trace attributes. */
  kind?: string;
  maxConcurrency: number;
  breaker: BreakerPolicy;
  breakerStore: BreakerStateStore;
  abortGraceMs: number;
  now: () => number;
  logger: FederationLogger;
  observer: FederationObserver | undefined;
}

export function createSourceGuard(deps: GuardDeps): SourceGuard {
  const { name, now, logger, observer } = deps;
  const limit: LimitFunction = pLimit(deps.maxConcurrency);
  const breaker = createSourceBreaker(name, {
    store: deps.breakerStore,
    policy: deps.breaker,
    countsAsFailure: (error) => !(error instanceof CallerAbortedError),
    onStateChange: (state: BreakerState) => {
      logger.warn({ source: name, breaker: state }, `circuit breaker of source ${name} is ${state}`);
      observer?.onBreakerStateChange?.(name, state);
    },
  });

  const onOverrun = (): void =>
    logger.warn({ source: name }, `source ${name} ignored its abort signal; its concurrency slot was released after ${deps.abortGraceMs} ms`);

  function limited<T>(work: (signal: AbortSignal) => Promise<T>, call: AbortScope): Promise<T> {
    return limit(() => {
      // Timed out while waiting for a slot: never start backend work that nobody awaits.
      if (call.aborted) return Promise.reject(call.reason);
      return settleWithinGrace(work(call.signal), call, deps.abortGraceMs, onOverrun);
    });
  }

  const traced = { name, kind: deps.kind ?? 'unknown' };
  function run<T>(
    operation: SourceOperation,
    work: (signal: AbortSignal) => Promise<T>,
    options: { scope: AbortScope; timeoutMs: number },
  ): Promise<GuardOutcome<T>> {
    return isTracing() ? traceSourceCall(traced, operation, () => guarded(operation, work, options)) : guarded(operation, work, options);
  }

  async function guarded<T>(
    operation: SourceOperation,
    work: (signal: AbortSignal) => Promise<T>,
    options: { scope: AbortScope; timeoutMs: number },
  ): Promise<GuardOutcome<T>> {
    const caller = options.scope;
    if (caller.aborted) throw caller.reason;
    const started = now();
    const call = caller.child(options.timeoutMs);
    const callerGaveUp = (): boolean => caller.aborted && !call.timedOut();
    let outcome: GuardOutcome<T>;
    try {
      const value = await breaker.execute(async () => {
        try {
          return await raceAbort(limited(work, call), call);
        } catch (error) {
          if (callerGaveUp()) throw new CallerAbortedError(caller.reason);
          throw error;
        }
      });
      outcome = { status: 'ok', value, tookMs: now() - started };
    } catch (error) {
      if (error instanceof CallerAbortedError || callerGaveUp()) throw caller.reason;
      // A connector may surface our timeout as its own abort error: the timer decides.
      const failure = call.timedOut() ? describeFailure(call.reason) : describeFailure(error);
      if (!failure.expected) logger.warn({ source: name, operation, err: error }, `source ${name} failed`);
      outcome = { status: failure.status, error: failure.message, tookMs: now() - started };
    } finally {
      call.dispose();
    }
    observer?.onSourceOutcome?.(name, outcome.status, outcome.tookMs, operation);
    return outcome;
  }

  return { name, breaker, load: () => ({ active: limit.activeCount, pending: limit.pendingCount }), run };
}
