// Abort scopes: a per-call tree of abort controllers with timers, linked by plain callbacks.
// On Node 20 each EventTarget listener on an AbortSignal costs ~10-20 µs, so a search adds just
// one (to the caller's signal); sources, races and grace timers hang off it as callbacks.

/** The abort reason when a source's own time ran out (as opposed to the caller giving up). */
export class SourceTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

type AbortCallback = (reason: unknown) => void;

export class AbortScope {
  readonly signal: AbortSignal;
  readonly #controller: AbortController;
  #callbacks: AbortCallback[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #timedOut = false;
  #unlink: (() => void) | null = null;

  private constructor() {
    this.#controller = new AbortController();
    this.signal = this.#controller.signal;
  }

  /** A root scope that aborts when `signal` does (the one EventTarget listener of a call). */
  static follow(signal: AbortSignal): AbortScope {
    const scope = new AbortScope();
    if (signal.aborted) {
      scope.abort(signal.reason);
    } else {
      const onAbort = (): void => scope.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      scope.#unlink = () => signal.removeEventListener('abort', onAbort);
    }
    return scope;
  }

  /** A scope that aborts with this one, or by itself after `timeoutMs` (with SourceTimeoutError). */
  child(timeoutMs: number | null = null): AbortScope {
    const child = new AbortScope();
    if (this.aborted) {
      child.abort(this.reason);
      return child;
    }
    child.#unlink = this.onAbort((reason) => child.abort(reason));
    if (timeoutMs !== null) {
      if (timeoutMs <= 0) {
        child.#timedOut = true;
        child.abort(new SourceTimeoutError(0));
      } else {
        child.#timer = setTimeout(() => {
          child.#timedOut = true;
          child.abort(new SourceTimeoutError(timeoutMs));
        }, timeoutMs);
      }
    }
    return child;
  }

  get aborted(): boolean {
    return this.signal.aborted;
  }

  get reason(): unknown {
    return this.signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
  }

  /** True once this scope's own timer (not a parent) aborted it. */
  timedOut(): boolean {
    return this.#timedOut;
  }

  /** Runs `callback` on abort (not if already aborted: check `aborted` first). Returns the unsubscribe. */
  onAbort(callback: AbortCallback): () => void {
    this.#callbacks.push(callback);
    return () => {
      const index = this.#callbacks.indexOf(callback);
      if (index >= 0) this.#callbacks.splice(index, 1);
    };
  }

  abort(reason: unknown): void {
    if (this.signal.aborted) return;
    this.#clearTimer();
    this.#controller.abort(reason);
    const callbacks = this.#callbacks;
    this.#callbacks = [];
    for (const callback of callbacks) callback(this.signal.reason);
  }

  /** The work is over: stop the timer and detach from the parent (does not abort). */
  dispose(): void {
    this.#clearTimer();
    this.#unlink?.();
    this.#unlink = null;
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

/** Settles with `promise`, or rejects with the scope's reason as soon as it aborts. */
export function raceAbort<T>(promise: Promise<T>, scope: AbortScope): Promise<T> {
  if (scope.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(scope.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const unsubscribe = scope.onAbort(reject);
    promise.then(
      (value) => {
        unsubscribe();
        resolve(value);
      },
      (error: unknown) => {
        unsubscribe();
        reject(error);
      },
    );
  });
}

/**
 * Settles with `promise`, or — once `scope` has aborted and `graceMs` more have passed without
 * it settling — rejects, calling `onOverrun`. Frees a concurrency slot held by a callee that
 * ignores its abort signal.
 */
export function settleWithinGrace<T>(promise: Promise<T>, scope: AbortScope, graceMs: number, onOverrun: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let graceTimer: ReturnType<typeof setTimeout> | null = null;
    const startGrace = (): void => {
      graceTimer = setTimeout(() => {
        onOverrun();
        reject(scope.reason);
      }, graceMs);
    };
    let unsubscribe = (): void => undefined;
    if (scope.aborted) startGrace();
    else unsubscribe = scope.onAbort(startGrace);
    const finish = (): void => {
      unsubscribe();
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
