import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { IngestDocument } from '../../../connectors/contract/types.js';
import { IngestInputError, type InvalidRecord } from '../../../src/ingest/input-error.js';
import { parseBeirLine, readBeirJsonl } from '../../../src/ingest/beir-jsonl.js';

const signal = () => AbortSignal.timeout(5000);

async function collect(text: string, options: { skipInvalid?: boolean; onInvalid?: (r: InvalidRecord) => void } = {}): Promise<IngestDocument[]> {
  const docs: IngestDocument[] = [];
  for await (const doc of readBeirJsonl(Readable.from([text]), 'docs.jsonl', { signal: signal(), ...options })) docs.push(doc);
  return docs;
}

describe('parseBeirLine', () => {
  it('reads the BEIR fields and the optional ones', () => {
    expect(parseBeirLine('{"_id":"4983","title":"T","text":"body"}')).toEqual({ id: '4983', title: 'T', text: 'body', url: null, updatedAt: null });
    expect(parseBeirLine('{"_id":7,"text":"b","url":"https://x/7","updated_at":"2025-01-01T00:00:00Z","metadata":{"tags":["a"]}}')).toEqual({
      id: '7',
      title: '',
      text: 'b',
      url: 'https://x/7',
      updatedAt: '2025-01-01T00:00:00Z',
      metadata: { tags: ['a'] },
    });
  });

  // Regression: the reader once dropped `acl`, so a JSONL-ingested document was readable by every caller.
  it('reads the acl: a list of principals, [] for service callers only, null or absent for everyone', () => {
    expect(parseBeirLine('{"_id":"1","text":"b","acl":["group:hr"," user:alice ","group:hr"]}')).toMatchObject({ id: '1', acl: ['group:hr', 'user:alice'] });
    expect(parseBeirLine('{"_id":"1","text":"b","acl":[]}')).toMatchObject({ acl: [] });
    expect(parseBeirLine('{"_id":"1","text":"b","acl":null}')).not.toHaveProperty('acl');
    expect(parseBeirLine('{"_id":"1","text":"b"}')).not.toHaveProperty('acl');
  });

  it.each([
    ['not json', /not valid JSON/],
    ['{"_id":"a","text":"b","acl":"group:hr"}', /acl must be a list of principals/],
    ['{"_id":"a","text":"b","acl":["group:hr",7]}', /acl must be a list of principals/],
    ['{"title":"t","text":"b"}', /missing _id/],
    ['{"_id":"","text":"b"}', /_id/],
    ['{"_id":"a"}', /text/],
    ['{"_id":"a","text":"b","updated_at":"last week"}', /updated_at: expected an ISO 8601 date-time/],
    ['{"_id":"a","text":"b","metadata":[1]}', /metadata/],
    ['[1,2]', /./],
  ])('explains what is wrong with %s', (line, reason) => {
    const result = parseBeirLine(line);
    expect('error' in result && result.error).toMatch(reason);
  });
});

describe('readBeirJsonl', () => {
  it('streams documents, skipping blank lines and a byte-order mark', async () => {
    const docs = await collect('\uFEFF{"_id":"1","text":"a"}\n\n{"_id":"2","text":"b"}\r\n');
    expect(docs.map((doc) => doc.id)).toEqual(['1', '2']);
  });

  it('stops at the first bad line, naming file and line number', async () => {
    const failure = await collect('{"_id":"1","text":"a"}\n\n{"_id":"2"}\n{"_id":"3","text":"c"}\n').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(IngestInputError);
    expect((failure as Error).message).toMatch(/^docs\.jsonl:3: text/);
  });

  it('goes on past bad lines with skipInvalid and reports each', async () => {
    const invalid: InvalidRecord[] = [];
    const docs = await collect('oops\n{"_id":"2","text":"b"}\n{"_id":3}\n', { skipInvalid: true, onInvalid: (record) => invalid.push(record) });
    expect(docs.map((doc) => doc.id)).toEqual(['2']);
    expect(invalid.map((record) => [record.file, record.line])).toEqual([
      ['docs.jsonl', 1],
      ['docs.jsonl', 3],
    ]);
  });
});
