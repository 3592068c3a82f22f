// The dispatcher's answers at the edges of the protocol, without sockets: a byte order mark
// before the JSON, and resources/read with a uri that is not a string.
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../../src/federation/types.js';
import { createMcpDispatcher } from '../../../src/mcp/dispatcher.js';
import { answerJson } from '../../helpers/message-bytes.js';
import { createMetrics } from '../../../src/metrics.js';
import { createFakeSearchService } from '../../helpers/fake-search-service.js';
import { captureLogs } from '../../reliability/helpers/capture-logs.js';

const CALLER: Caller = { keyName: null, allowedSources: null, requestId: 'edge-req' };
const never = new AbortController().signal;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function setup() {
  const logs = captureLogs('debug');
  const dispatcher = createMcpDispatcher({ service: createFakeSearchService(), logger: logs.logger, metrics: createMetrics({ defaultMetrics: false }) });
  const send = async (body: Buffer | object) => {
    const raw = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const answer = await dispatcher.handle(raw, {}, CALLER, () => never);
    return { status: answer.status, json: answerJson(answer.body) as any };
  };
  return { send, logs };
}

describe('dispatcher edges', () => {
  it('reads JSON behind a UTF-8 byte order mark', async () => {
    const { send } = setup();
    const answer = await send(Buffer.concat([BOM, Buffer.from('{"jsonrpc":"2.0","id":3,"method":"ping"}')]));
    expect(answer).toEqual({ status: 200, json: { jsonrpc: '2.0', id: 3, result: {} } });
  });

  it('still answers -32700 for a byte order mark alone', async () => {
    const { send } = setup();
    const answer = await send(BOM);
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe(-32700);
  });

  const NOT_STRINGS: unknown[] = [{ toString: 1 }, { valueOf: 1, toString: 1 }, 7, null, [], true];

  it.each(NOT_STRINGS.map((uri) => [JSON.stringify(uri), uri]))('answers resources/read with uri %s with -32602, logging no error', async (_label, uri) => {
    const { send, logs } = setup();
    const answer = await send({ jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri } });
    expect(answer.json.error).toEqual({ code: -32602, message: 'Invalid params: params.uri must be a string' });
    expect(logs.records().filter((record) => record.level >= 50)).toEqual([]);
  });

  it('answers resources/read of a string uri as not found', async () => {
    const { send } = setup();
    const answer = await send({ jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri: 'file:///etc/passwd' } });
    expect(answer.json.error).toMatchObject({
      code: -32602,
      message: expect.stringMatching(/^Resource not found: file:\/\/\/etc\/passwd; /),
      data: { uri: 'file:///etc/passwd' },
    });
  });
});
