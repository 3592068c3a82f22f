// Answers on /mcp that are ready in the same turn of the event loop go out together at its end
// (setImmediate), one write right after another, instead of each as soon as it is ready.
//
// Why: a client reading many connections (a load balancer, a proxy beside the server, an agent
// runtime) sleeps until data arrives. Written as each is ready, every answer arrived ~40 µs after
// the last and woke it again, and the wake-up is paid inside the server's write: the kernel time
// of a 9.5 KB answer's writev went from 8 to 15 µs when the server spent 40 µs per request
// (docs/benchmarks.md, "Thirteenth session"). Back to back, the client wakes once and finds
// several. The cost is latency within a busy turn: an answer waits for the rest of the turn's
// work, at most MAX_HOLD_MS before the next answer sends everything held. An idle server sends
// it in the same turn's check phase, microseconds later.
import type { ServerResponse } from 'node:http';
import type { MessageBytes } from '../mcp/jsonrpc.js';

/** Longer than this since the oldest held answer, the next answer sends them all at once. */
export const MAX_HOLD_MS = 1;

export class TurnEndWrites {
  /** (response, body) pairs, flat: nothing allocated per answer. */
  #held: Array<ServerResponse | MessageBytes> = [];
  readonly #now: () => number;
  readonly #schedule: (flush: () => void) => void;
  #oldestAt = 0;
  #scheduled = false;

  constructor(options: { now?: () => number; schedule?: (flush: () => void) => void } = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.#schedule = options.schedule ?? ((flush) => void setImmediate(flush));
  }

  /** Ends `res` with `body` at the end of this turn (headers must be set already). */
  end(res: ServerResponse, body: MessageBytes): void {
    if (this.#held.length > 0 && this.#now() - this.#oldestAt > MAX_HOLD_MS) this.flush();
    if (this.#held.length === 0) {
      this.#oldestAt = this.#now();
      if (!this.#scheduled) {
        this.#scheduled = true;
        this.#schedule(this.#atTurnEnd);
      }
    }
    this.#held.push(res, body);
  }

  readonly #atTurnEnd = (): void => {
    this.#scheduled = false;
    this.flush();
  };

  /** Sends everything held, in the order it was ready; what an `end` brings meanwhile waits for the next. */
  readonly flush = (): void => {
    const held = this.#held;
    this.#held = [];
    for (let i = 0; i < held.length; i += 2) {
      try {
        endWith(held[i] as ServerResponse, held[i + 1] as MessageBytes);
      } catch {
        // A response whose connection is gone can only be dropped; the others still go out.
      }
    }
  };

  /** Answers waiting for the end of the turn. */
  get size(): number {
    return this.#held.length / 2;
  }
}

/**
 * A body in parts goes out as one writev all the same: the first write corks the socket until the
 * next tick, after this turn-end pass.
 */
function endWith(res: ServerResponse, body: MessageBytes): void {
  if (Buffer.isBuffer(body)) {
    res.end(body);
    return;
  }
  const last = body.length - 1;
  for (let i = 0; i < last; i += 1) res.write(body[i]);
  res.end(last >= 0 ? body[last] : undefined);
}

/** The process's one queue: every /mcp answer goes through it. */
export const turnEndWrites = new TurnEndWrites();
