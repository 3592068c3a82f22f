import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector, IngestDocument, IngestOptions, IngestSummary } from '../../../connectors/contract/types.js';
import { runIngest, type IngestProgress } from '../../../src/ingest/run-ingest.js';

/** Records what it is given; refuses ids starting with "x". */
function recordingConnector(batchSize = 2): Connector & { received: IngestDocument[] } {
  const received: IngestDocument[] = [];
  return {
    name: 'docs',
    kind: 'fake',
    description: 'fake',
    received,
    search: async () => [],
    get: async () => null,
    health: async () => ({ ok: true, documentCount: received.length }),
    close: async () => {},
    async ingest(documents: AsyncIterable<IngestDocument>, options: IngestOptions): Promise<IngestSummary & { unchanged: number }> {
      const failed: IngestSummary['failed'] = [];
      for await (const doc of documents) {
        if (doc.id.startsWith('x')) failed.push({ id: doc.id, reason: 'refused' });
        else received.push(doc);
        if ((received.length + failed.length) % batchSize === 0) options.onProgress?.(received.length + failed.length);
      }
      return { written: received.length, failed, unchanged: 0 };
    },
  };
}

describe('runIngest', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'kmcp-ingest-'));
    await writeFile(path.join(dir, 'a.jsonl'), '{"_id":"1","text":"a"}\nbroken\n{"_id":"x2","text":"b"}\n{"_id":"3","text":"c"}\n');
    await mkdir(path.join(dir, 'md'));
    await writeFile(path.join(dir, 'md', 'page.md'), '# Page\ntext');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('summarises written, refused and skipped records and reports progress', async () => {
    const connector = recordingConnector();
    const progress: IngestProgress[] = [];
    const summary = await runIngest({
      connector,
      input: path.join(dir, 'a.jsonl'),
      skipInvalid: true,
      signal: AbortSignal.timeout(5000),
      onProgress: (p) => progress.push(p),
    });
    expect(summary).toMatchObject({ source: 'docs', written: 2, unchanged: 0, failed: [{ id: 'x2', reason: 'refused' }] });
    expect(summary.invalid).toEqual([{ file: path.join(dir, 'a.jsonl'), line: 2, reason: expect.stringContaining('not valid JSON') }]);
    expect(summary.input).toContain('a.jsonl');
    expect(progress.map((p) => [p.processed, p.invalid])).toEqual([[2, 1]]);
  });

  it('fails on the first bad line without skipInvalid', async () => {
    await expect(runIngest({ connector: recordingConnector(), input: path.join(dir, 'a.jsonl'), signal: AbortSignal.timeout(5000) })).rejects.toThrow(
      /a\.jsonl:2: not valid JSON/,
    );
  });

  it('reads a folder of .jsonl files, a markdown folder, and standard input', async () => {
    const jsonl = recordingConnector();
    await runIngest({ connector: jsonl, input: dir, skipInvalid: true, signal: AbortSignal.timeout(5000) });
    expect(jsonl.received.map((d) => d.id)).toEqual(['1', '3']);
    const markdown = recordingConnector();
    await runIngest({ connector: markdown, input: path.join(dir, 'md'), signal: AbortSignal.timeout(5000) });
    expect(markdown.received.map((d) => [d.id, d.title])).toEqual([['page', 'Page']]);
    const stdin = recordingConnector();
    await runIngest({ connector: stdin, input: '-', stdin: Readable.from(['{"_id":"s","text":"from stdin"}\n']), signal: AbortSignal.timeout(5000) });
    expect(stdin.received.map((d) => d.id)).toEqual(['s']);
  });

  it('refuses read-only sources and missing inputs with clear errors', async () => {
    const { ingest: _ignored, ...readOnly } = recordingConnector();
    await expect(runIngest({ connector: readOnly, input: dir, signal: AbortSignal.timeout(5000) })).rejects.toMatchObject({ code: 'READ_ONLY_SOURCE' });
    await expect(runIngest({ connector: recordingConnector(), input: path.join(dir, 'nope.jsonl'), signal: AbortSignal.timeout(5000) })).rejects.toThrow(
      'no such file or directory',
    );
    await expect(runIngest({ connector: recordingConnector(), input: path.join(dir, 'md', 'page.md'), signal: AbortSignal.timeout(5000) })).rejects.toThrow(
      'give the folder',
    );
  });
});
