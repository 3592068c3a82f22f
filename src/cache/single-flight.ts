// In-process single-flight: concurrent calls for one key share one piece of work. Each caller
// stops waiting when its own signal aborts; the work is aborted only when every caller has gone.
import { raceWithSignal } from '../../connectors/contract/abort.js';

interface Flight {
  promise: Promise<unknown>;
  controller: AbortController;
  waiters: number;
  settled: boolean;
}

export interface FlightResult<R> {
  result: R;
  /** True for the caller whose call started the work. */
  leader: boolean;
}

export class SingleFlight {
  readonly #flights = new Map<string, Flight>();

  /** Keys with work in progress. */
  get size(): number {
    return this.#flights.size;
  }

  has(key: string): boolean {
    return this.#flights.has(key);
  }

  async run<R>(key: string, work: (signal: AbortSignal) => Promise<R>, signal: AbortSignal): Promise<FlightResult<R>> {
    signal.throwIfAborted();
    let flight = this.#flights.get(key);
    const leader = flight === undefined;
    if (flight === undefined) flight = this.#start(key, work);
    const joined = flight;
    joined.waiters += 1;
    try {
      // Every caller of one key runs the same kind of work, so the result has this caller's type.
      const result = (await raceWithSignal(joined.promise, signal)) as R;
      return { result, leader };
    } finally {
      joined.waiters -= 1;
      if (joined.waiters === 0 && !joined.settled) {
        // Nobody is left to use the answer: stop the work, and let the next caller start afresh.
        if (this.#flights.get(key) === joined) this.#flights.delete(key);
        joined.controller.abort(new DOMException('every caller gave up', 'AbortError'));
      }
    }
  }

  #start<R>(key: string, work: (signal: AbortSignal) => Promise<R>): Flight {
    const controller = new AbortController();
    const flight: Flight = { promise: Promise.resolve(), controller, waiters: 0, settled: false };
    flight.promise = (async () => work(controller.signal))().finally(() => {
      flight.settled = true;
      if (this.#flights.get(key) === flight) this.#flights.delete(key);
    });
    // Callers that gave up no longer listen; their rejection must not surface as unhandled.
    flight.promise.catch(() => undefined);
    this.#flights.set(key, flight);
    return flight;
  }
}
