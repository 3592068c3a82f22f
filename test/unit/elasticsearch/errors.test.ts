// Error translation: each client failure becomes one exposed line with a stable code; an abort
// stays the caller's abort. Bodies come from the documented fixtures. The client library is loaded
// first, as a source's connect does before any call can fail (connectors/elasticsearch/library.ts).
import { readFileSync } from 'node:fs';
import { errors } from '@elastic/elasticsearch';
import { beforeAll, describe, expect, it } from 'vitest';
import { translateError } from '../../../connectors/elasticsearch/errors.js';
import { loadElasticsearchLibrary } from '../../../connectors/elasticsearch/library.js';
import { SourceError } from '../../../connectors/contract/errors.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/elasticsearch/${name}`, import.meta.url), 'utf8'));

function responseError(statusCode: number, body: unknown): errors.ResponseError {
  return new errors.ResponseError({ statusCode, body, headers: {}, warnings: null, meta: {} as never });
}

const live = new AbortController().signal;

describe('translateError', () => {
  beforeAll(async () => {
    await loadElasticsearchLibrary();
  });

  it.each([
    [404, 'error-index-not-found.json', 'SOURCE_ERROR', 'index "docs" does not exist on the cluster'],
    [429, 'error-rejected-execution.json', 'SOURCE_UNAVAILABLE', 'the cluster is overloaded and rejected the request (es_rejected_execution_exception)'],
    [503, 'error-unavailable.json', 'SOURCE_UNAVAILABLE', 'the cluster failed the request (search_phase_execution_exception)'],
    [401, 'error-security.json', 'SOURCE_ERROR', 'the cluster refused the credentials (security_exception)'],
    [400, 'error-media-type-header.json', 'SOURCE_ERROR', 'the cluster rejected the request (media_type_header_exception)'],
  ])('maps HTTP %i (%s) to %s', (status, file, code, message) => {
    const translated = translateError(responseError(status, fixture(file)), live, 'docs');
    expect(translated).toBeInstanceOf(SourceError);
    expect(translated).toMatchObject({ code, message, expose: true });
    expect((translated as SourceError).cause).toBeInstanceOf(errors.ResponseError);
  });

  it('names the status when the body has no error type', () => {
    expect(translateError(responseError(502, 'Bad Gateway'), live, 'docs').message).toBe('the cluster failed the request (HTTP 502)');
  });

  it('maps transport failures', () => {
    expect(translateError(new errors.TimeoutError('t'), live, 'docs')).toMatchObject({ code: 'SOURCE_TIMEOUT' });
    expect(translateError(new errors.ConnectionError('c'), live, 'docs')).toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
      message: 'cannot connect to the cluster',
    });
    expect(translateError(new Error('boom'), live, 'docs')).toMatchObject({ code: 'SOURCE_ERROR', expose: false });
  });

  it("returns the caller's abort reason once the caller has given up", () => {
    const controller = new AbortController();
    const reason = new DOMException('gone', 'AbortError');
    controller.abort(reason);
    expect(translateError(new errors.RequestAbortedError('aborted'), controller.signal, 'docs')).toBe(reason);
    const timedOut = AbortSignal.abort(new DOMException('late', 'TimeoutError'));
    expect(translateError(new errors.RequestAbortedError('aborted'), timedOut, 'docs').name).toBe('TimeoutError');
  });
});
