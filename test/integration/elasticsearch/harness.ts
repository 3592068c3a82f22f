// Shared setup of the Elasticsearch tests: a connector built through the factory (as the
// composition root builds it), a logger that keeps what it is told, and the fixture documents.
import { readFileSync } from 'node:fs';
import { elasticsearchFactory } from '../../../connectors/elasticsearch/index.js';
import type { Connector, IngestDocument } from '../../../connectors/contract/types.js';

export interface LogEntry {
  level: string;
  obj: object | string;
  msg?: string | undefined;
}

export function recordingLogger(): { logger: Parameters<typeof elasticsearchFactory.create>[1]['logger']; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      entries.push({ level, obj, msg });
    };
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, entries };
}

/** A connector for `url` with the given source-config fields on top of a minimal valid entry. */
export function makeConnector(
  url: string,
  overrides: Record<string, unknown> = {},
  env: Record<string, string | undefined> = {},
): Connector & { ingest: NonNullable<Connector['ingest']>; start: NonNullable<Connector['start']> } {
  const config = elasticsearchFactory.configSchema.parse({ name: 'es', kind: 'elasticsearch', node: url, index: 'docs', ...overrides });
  const connector = elasticsearchFactory.create(config, { logger: recordingLogger().logger, dataDir: '/tmp', env });
  return connector as ReturnType<typeof makeConnector>;
}

/** The knowledge-base fixture as ingest documents. */
export function fixtureDocuments(): IngestDocument[] {
  const text = readFileSync(new URL('../../fixtures/elasticsearch/docs.jsonl', import.meta.url), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { _id: string; title: string; text: string; url: string; updated_at: string })
    .map((doc) => ({ id: doc._id, title: doc.title, text: doc.text, url: doc.url, updatedAt: doc.updated_at }));
}

export async function* fromArray<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}

export const timeout = (): AbortSignal => AbortSignal.timeout(10_000);
