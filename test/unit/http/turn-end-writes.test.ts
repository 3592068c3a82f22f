// Answers ready in one turn of the event loop go out together at its end, in order; a held answer
// never waits past MAX_HOLD_MS once another is ready; a response that cannot be ended does not
// keep the others back.
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { MAX_HOLD_MS, TurnEndWrites } from '../../../src/http/turn-end-writes.js';

/** A response that records what it was ended with, into a log shared by all of them. */
function response(name: string, log: string[], fails = false): ServerResponse {
  let written = '';
  return {
    write(part: Buffer) {
      written += part.toString();
    },
    end(body: Buffer) {
      if (fails) throw new Error('socket gone');
      log.push(`${name}:${written}${body.toString()}`);
    },
  } as unknown as ServerResponse;
}

/** A writer whose turn ends when the test says so, on a clock the test moves. */
function manualWriter() {
  let clock = 0;
  const turnEnds: Array<() => void> = [];
  const writer = new TurnEndWrites({ now: () => clock, schedule: (flush) => void turnEnds.push(flush) });
  return {
    writer,
    advance: (ms: number) => {
      clock += ms;
    },
    endTurn: () => {
      for (const flush of turnEnds.splice(0)) flush();
    },
    scheduledTurnEnds: () => turnEnds.length,
  };
}

describe('TurnEndWrites', () => {
  it('holds the answers of a turn and sends them in order when it ends, asking for one turn end', () => {
    const { writer, endTurn, scheduledTurnEnds } = manualWriter();
    const log: string[] = [];
    writer.end(response('a', log), Buffer.from('1'));
    writer.end(response('b', log), Buffer.from('2'));
    writer.end(response('c', log), Buffer.from('3'));
    expect(log).toEqual([]);
    expect(writer.size).toBe(3);
    expect(scheduledTurnEnds()).toBe(1);
    endTurn();
    expect(log).toEqual(['a:1', 'b:2', 'c:3']);
    expect(writer.size).toBe(0);
    // the next turn asks again
    writer.end(response('d', log), Buffer.from('4'));
    expect(scheduledTurnEnds()).toBe(1);
    endTurn();
    expect(log).toEqual(['a:1', 'b:2', 'c:3', 'd:4']);
  });

  it(`sends what it holds as soon as another answer is ready more than ${MAX_HOLD_MS} ms after the oldest`, () => {
    const { writer, advance, endTurn } = manualWriter();
    const log: string[] = [];
    writer.end(response('a', log), Buffer.from('1'));
    advance(MAX_HOLD_MS / 2);
    writer.end(response('b', log), Buffer.from('2'));
    expect(log).toEqual([]);
    advance(MAX_HOLD_MS);
    writer.end(response('c', log), Buffer.from('3'));
    // a and b went out at once; c is the oldest now, held until the turn ends
    expect(log).toEqual(['a:1', 'b:2']);
    expect(writer.size).toBe(1);
    endTurn();
    expect(log).toEqual(['a:1', 'b:2', 'c:3']);
  });

  it('writes a body in parts part by part, then ends it, in its place among the others', () => {
    const { writer, endTurn } = manualWriter();
    const log: string[] = [];
    writer.end(response('a', log), Buffer.from('1'));
    writer.end(response('b', log), [Buffer.from('{"id":2,'), Buffer.from('"result":{}'), Buffer.from('}')]);
    writer.end(response('c', log), Buffer.from('3'));
    endTurn();
    expect(log).toEqual(['a:1', 'b:{"id":2,"result":{}}', 'c:3']);
  });

  it('still sends the other answers when one response cannot be ended', () => {
    const { writer, endTurn } = manualWriter();
    const log: string[] = [];
    writer.end(response('a', log), Buffer.from('1'));
    writer.end(response('gone', log, true), Buffer.from('2'));
    writer.end(response('c', log), Buffer.from('3'));
    expect(() => endTurn()).not.toThrow();
    expect(log).toEqual(['a:1', 'c:3']);
    expect(writer.size).toBe(0);
  });

  it('sends each answer once when ending one brings another, which waits for the next turn end', () => {
    const { writer, endTurn } = manualWriter();
    const log: string[] = [];
    const bringsAnother = {
      end(body: Buffer) {
        log.push(`a:${body.toString()}`);
        writer.end(response('late', log), Buffer.from('9'));
      },
    } as unknown as ServerResponse;
    writer.end(bringsAnother, Buffer.from('1'));
    writer.end(response('b', log), Buffer.from('2'));
    endTurn();
    expect(log).toEqual(['a:1', 'b:2']);
    expect(writer.size).toBe(1);
    endTurn();
    expect(log).toEqual(['a:1', 'b:2', 'late:9']);
  });

  it('sends an answer at the end of the turn it was ready in, on the real event loop', async () => {
    const writer = new TurnEndWrites();
    const log: string[] = [];
    writer.end(response('a', log), Buffer.from('1'));
    expect(log).toEqual([]);
    // setImmediate callbacks of one turn run in the order they were asked for
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(log).toEqual(['a:1']);
  });
});
