// Where the server's log lines go: stdout, through sonic-boom (pino's own asynchronous writer,
// which handles partial writes, EAGAIN and the final synchronous flush at exit), but handed to it
// once per event-loop turn instead of once per line. sonic-boom measures the byte length of its
// whole pending buffer on every write, so under load a line cost ~2.5 µs in that alone
// (bench:cache at LOG_LEVEL=info); joined per turn, that cost is paid once for all of them.
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
