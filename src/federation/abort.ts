// Small abort helpers: a per-call controller tied to the caller's signal and a timer, and a race
// that lets the federation stop waiting the moment a signal fires, whatever the callee does.

/** The abort reason when a source's own time ran out (as opposed to the caller giving up). */
export class SourceTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

export interface TimedSignal {
  signal: AbortSignal;
  /** True once the timer (not the caller) aborted the signal. */
  timedOut(): boolean;
  /** Clears the timer and unlinks from the caller's signal; call when the work has settled. */
  dispose(): void;
}

/**
 * A signal that aborts when `parent` does or after `timeoutMs`. Linked by hand rather than with
 * AbortSignal.any so that the timer is cleared and the listener removed as soon as the call ends.
 */
export function createTimedSignal(parent: AbortSignal, timeoutMs: number): TimedSignal {
  const controller = new AbortController();
  let timedOut = false;
  const onParentAbort = (): void => controller.abort(parent.reason);
  if (parent.aborted) {
    controller.abort(parent.reason);
  } else {
    parent.addEventListener('abort', onParentAbort, { once: true });
  }
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort(new SourceTimeoutError(timeoutMs));
        }, timeoutMs)
      : null;
  if (timeoutMs <= 0 && !controller.signal.aborted) {
    timedOut = true;
    controller.abort(new SourceTimeoutError(0));
  }
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose() {
      if (timer !== null) clearTimeout(timer);
      parent.removeEventListener('abort', onParentAbort);
    },
  };
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Settles with `promise`, or — once `signal` has aborted and `graceMs` more have passed without
 * it settling — rejects, calling `onOverrun`. Used to free a concurrency slot held by a callee
 * that ignores its abort signal.
 */
export function settleWithinGrace<T>(promise: Promise<T>, signal: AbortSignal, graceMs: number, onOverrun: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let graceTimer: ReturnType<typeof setTimeout> | null = null;
    const startGrace = (): void => {
      graceTimer = setTimeout(() => {
        onOverrun();
        reject(abortReason(signal));
      }, graceMs);
    };
    if (signal.aborted) startGrace();
    else signal.addEventListener('abort', startGrace, { once: true });
    const finish = (): void => {
      signal.removeEventListener('abort', startGrace);
      if (graceTimer !== null) clearTimeout(graceTimer);
    };
    promise.then(
      (value) => {
        finish();
        resolve(value);
      },
      (error: unknown) => {
        finish();
        reject(error);
      },
    );
  });
}
