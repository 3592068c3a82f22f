import { describe, expect, it } from 'vitest';
import { KnowledgeError } from '../../../connectors/contract/errors.js';
import { buildFederation, caller, never } from './helpers.js';

const long = 'x'.repeat(50) + 'y'.repeat(50);

function setup(extra: { timeoutMs?: number } = {}) {
  return buildFederation([
    {
      name: 'wiki',
      documents: [
        {
          id: 'deploy/rollback',
          title: 'Rollback',
          text: long,
          url: 'https://wiki.example.com/rollback',
          updatedAt: '2025-01-01T00:00:00Z',
          metadata: { space: 'ops' },
        },
      ],
      ...extra,
    },
    { name: 'hr', documents: [{ id: 'salaries', title: 'Salaries', text: 'secret', url: 'https://hr.example.com/salaries' }] },
  ]);
}

async function failure(promise: Promise<unknown>): Promise<KnowledgeError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(KnowledgeError);
  return error as KnowledgeError;
}

describe('getDocument', () => {
  it('routes by the ID prefix to that source only and returns the document', async () => {
    const { federation, connectors } = setup();
    const doc = await federation.getDocument({ document_id: 'wiki:deploy/rollback', max_chars: 20_000, offset: 0 }, caller(), never());
    expect(doc).toEqual({
      id: 'wiki:deploy/rollback',
      title: 'Rollback',
      url: 'https://wiki.example.com/rollback',
      source: 'wiki',
      updated_at: '2025-01-01T00:00:00Z',
      content: long,
      truncated: false,
      next_offset: null,
      metadata: { space: 'ops' },
    });
    expect(connectors[1]!.calls).toHaveLength(0);
  });

  it('pages long content with max_chars and offset', async () => {
    const { federation } = setup();
    const first = await federation.getDocument({ document_id: 'wiki:deploy/rollback', max_chars: 60, offset: 0 }, caller(), never());
    expect(first).toMatchObject({ content: long.slice(0, 60), truncated: true, next_offset: 60 });
    const rest = await federation.getDocument({ document_id: 'wiki:deploy/rollback', max_chars: 60, offset: 60 }, caller(), never());
    expect(rest).toMatchObject({ content: long.slice(60), truncated: false, next_offset: null });
  });

  it('accepts a URL that a source recognises', async () => {
    const { federation } = setup();
    const doc = await federation.getDocument({ document_id: 'https://wiki.example.com/rollback/', max_chars: 10, offset: 0 }, caller(), never());
    expect(doc.id).toBe('wiki:deploy/rollback');
  });

  it('says which source is unknown and lists only the caller’s sources', async () => {
    const { federation } = setup();
    const error = await failure(federation.getDocument({ document_id: 'nope:1', max_chars: 10, offset: 0 }, caller(['wiki']), never()));
    expect(error.code).toBe('UNKNOWN_SOURCE');
    expect(error.message).toBe('unknown source "nope"; available sources: wiki');
  });

  it('treats a source outside the key scope as unknown, by ID and by URL', async () => {
    const { federation, connectors } = setup();
    const byId = await failure(federation.getDocument({ document_id: 'hr:salaries', max_chars: 10, offset: 0 }, caller(['wiki']), never()));
    expect(byId.code).toBe('UNKNOWN_SOURCE');
    expect(byId.message).toBe('unknown source "hr"; available sources: wiki');
    const byUrl = await failure(
      federation.getDocument({ document_id: 'https://hr.example.com/salaries', max_chars: 10, offset: 0 }, caller(['wiki']), never()),
    );
    expect(byUrl.code).toBe('NOT_FOUND');
    expect(byUrl.message).not.toContain('hr');
    expect(connectors[1]!.calls).toHaveLength(0);
  });

  it('answers NOT_FOUND naming the ID for a document the source does not have', async () => {
    const { federation } = setup();
    const error = await failure(federation.getDocument({ document_id: 'wiki:missing', max_chars: 10, offset: 0 }, caller(), never()));
    expect(error).toMatchObject({ code: 'NOT_FOUND', expose: true, message: 'document "wiki:missing" not found' });
  });

  it('rejects an ID without a source prefix', async () => {
    const { federation } = setup();
    expect((await failure(federation.getDocument({ document_id: 'rollback', max_chars: 10, offset: 0 }, caller(), never()))).code).toBe('INVALID_ARGUMENT');
  });

  it('times out like a search and cancels the backend call', async () => {
    const { federation, connectors } = setup({ timeoutMs: 50 });
    connectors[0]!.setBehaviour({ hang: true });
    const started = performance.now();
    const error = await failure(federation.getDocument({ document_id: 'wiki:deploy/rollback', max_chars: 10, offset: 0 }, caller(), never()));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ code: 'SOURCE_TIMEOUT', expose: true });
    expect(error.message).toContain('"wiki"');
    expect(connectors[0]!.calls[0]).toMatchObject({ outcome: 'cancelled' });
  });

  it('goes through the same breaker as search', async () => {
    const { federation, connectors } = setup();
    connectors[0]!.setBehaviour({ fail: { message: 'backend exploded: at /srv/secret.js', expose: false } });
    for (let index = 0; index < 5; index += 1) {
      const error = await failure(federation.getDocument({ document_id: 'wiki:deploy/rollback', max_chars: 10, offset: 0 }, caller(), never()));
      expect(error).toMatchObject({ code: 'SOURCE_ERROR', message: 'source "wiki" failed: source error' });
    }
    const suspended = await failure(federation.getDocument({ document_id: 'wiki:deploy/rollback', max_chars: 10, offset: 0 }, caller(), never()));
    expect(suspended.code).toBe('SOURCE_SUSPENDED');
    expect(connectors[0]!.calls).toHaveLength(5);
    const search = await federation.search({ query: 'x', limit: 5 }, caller(), never());
    expect(search.sources[0]).toMatchObject({ name: 'wiki', status: 'suspended' });
  });
});
