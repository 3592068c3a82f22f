// Where the server's log lines go: stdout, through sonic-boom (pino's own writer, which handles
// partial writes, EAGAIN and the final flush at exit), but handed to it once per event-loop turn
// instead of once per line: one write per turn, whatever the turn logged. Per line, sonic-boom's
// bookkeeping alone cost ~2.5 µs under load (bench:cache at LOG_LEVEL=info).
import { setImmediate } from 'node:timers';
import type pino from 'pino';

interface LineSink {
  write(data: string): unknown;
  flush?(callback?: (error?: Error) => void): void;
  flushSync?(): void;
}

export class BatchedLines implements pino.DestinationStream {
  #pending: string[] = [];
  #scheduled = false;
  readonly #sink: LineSink;

  constructor(sink: LineSink) {
    this.#sink = sink;
  }

  write(line: string): void {
    this.#pending.push(line);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#handOver());
  }

  /** Lines gathered so far go to the sink now (pino calls this from logger.flush()). */
  flush(callback?: (error?: Error) => void): void {
    this.#handOver();
    if (this.#sink.flush) this.#sink.flush(callback);
    else callback?.();
  }

  /** At exit: everything pending, written before the process ends. */
  flushSync(): void {
    this.#handOver();
    this.#sink.flushSync?.();
  }

  #handOver(): void {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const text = this.#pending.length === 1 ? this.#pending[0]! : this.#pending.join('');
    this.#pending = [];
    this.#sink.write(text);
  }
}
