// The server's stdout log writer: a turn's lines reach sonic-boom together, in order, and nothing
// pending is lost on logger.flush() or at exit.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BatchedLines } from '../../../src/log-destination.js';
import { createLogger } from '../../../src/logger.js';

function recordingSink() {
  const writes: string[] = [];
  const calls: string[] = [];
  return {
    writes,
    calls,
    write(data: string) {
      writes.push(data);
    },
    flush(callback?: (error?: Error) => void) {
      calls.push('flush');
      callback?.();
    },
    flushSync() {
      calls.push('flushSync');
    },
  };
}

describe('BatchedLines', () => {
  it('hands the lines of one event-loop turn to the sink in one write, in order', async () => {
    const sink = recordingSink();
    const lines = new BatchedLines(sink);
    lines.write('a\n');
    lines.write('b\n');
    lines.write('c\n');
    expect(sink.writes).toEqual([]);
    await nextTurn();
    expect(sink.writes).toEqual(['a\nb\nc\n']);
    lines.write('d\n');
    await nextTurn();
    expect(sink.writes).toEqual(['a\nb\nc\n', 'd\n']);
  });

  it('writes what is pending on flush and flushSync, and passes them on to the sink', async () => {
    const sink = recordingSink();
    const lines = new BatchedLines(sink);
    lines.write('one\n');
    let flushed = false;
    lines.flush(() => {
      flushed = true;
    });
    expect(sink.writes).toEqual(['one\n']);
    expect(flushed).toBe(true);
    lines.write('two\n');
    lines.flushSync();
    expect(sink.writes).toEqual(['one\n', 'two\n']);
    expect(sink.calls).toEqual(['flush', 'flushSync']);
    // The turn's scheduled hand-over finds nothing left and writes nothing more.
    await nextTurn();
    expect(sink.writes).toHaveLength(2);
  });

  it('carries pino lines whole, each still one JSON object per line', async () => {
    const sink = recordingSink();
    const logger = createLogger('info', new BatchedLines(sink));
    for (let i = 0; i < 5; i += 1) logger.info({ event: 'search', n: i }, 'search');
    await nextTurn();
    expect(sink.writes).toHaveLength(1);
    const parsed = sink.writes[0]!.trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { n: number; time: string });
    expect(parsed.map((line) => line.n)).toEqual([0, 1, 2, 3, 4]);
    for (const line of parsed) expect(new Date(line.time).toISOString()).toBe(line.time);
  });
});
