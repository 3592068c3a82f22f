import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';

function capture() {
  const lines: Array<Record<string, any>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

describe('log redaction', () => {
  it('censors secret fields one level down in any logged value, and leaves the caller objects as they were', () => {
    const { logger, lines } = capture();
    const source = { name: 'wiki', token: 'tok-123', apiKey: 'ak-1', api_key: 'ak-2', key: 'k-3', password: 'pw-4', url: 'https://wiki' };
    logger.info({ source, count: 2 }, 'connected');
    expect(lines[0]!.source).toEqual({
      name: 'wiki',
      token: '[redacted]',
      apiKey: '[redacted]',
      api_key: '[redacted]',
      key: '[redacted]',
      password: '[redacted]',
      url: 'https://wiki',
    });
    expect(lines[0]!.count).toBe(2);
    expect(source.token).toBe('tok-123');
    expect(JSON.stringify(lines)).not.toMatch(/tok-123|ak-1|ak-2|k-3|pw-4/);
  });

  it('keeps an error an error (message, type) while censoring a secret it carries', () => {
    const { logger, lines } = capture();
    const error = Object.assign(new Error('connection refused'), { password: 'hunter2', code: 'ECONNREFUSED' });
    logger.error({ err: error }, 'pool failed');
    expect(lines[0]!.err).toMatchObject({ type: 'Error', message: 'connection refused', password: '[redacted]', code: 'ECONNREFUSED' });
    expect(error.password).toBe('hunter2');
  });

  it('censors the exact header and config paths', () => {
    const { logger, lines } = capture();
    logger.info({ req: { headers: { authorization: 'Bearer s3cret', 'x-api-key': 'k-9', accept: '*/*' } }, config: { auth: { keys: ['a:b'] } } }, 'request');
    expect(lines[0]!.req.headers).toEqual({ authorization: '[redacted]', 'x-api-key': '[redacted]', accept: '*/*' });
    expect(lines[0]!.config.auth.keys).toBe('[redacted]');
    expect(JSON.stringify(lines)).not.toMatch(/s3cret|k-9|a:b/);
  });

  it('logs plain events untouched: a top-level key name is not a secret', () => {
    const { logger, lines } = capture();
    logger.info({ event: 'search', key: 'agent-name', sources: [{ name: 'wiki', status: 'ok' }] }, 'search');
    expect(lines[0]).toMatchObject({ event: 'search', key: 'agent-name', sources: [{ name: 'wiki', status: 'ok' }] });
  });
});
