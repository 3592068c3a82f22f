// A SearchService double for edge tests: fixed answers, records the caller and the signal it got.
import { KnowledgeError } from '../../connectors/contract/errors.js';
import type { Caller, DocumentOutput, GetDocumentInput, SearchInput, SearchOutput, SearchService, SourceInfo } from '../../src/federation/types.js';

export interface FakeSearchService extends SearchService {
  calls: Array<{ tool: string; input: unknown; caller: Caller; signal: AbortSignal }>;
}

export function createFakeSearchService(): FakeSearchService {
  const calls: FakeSearchService['calls'] = [];
  return {
    calls,
    async search(input: SearchInput, caller: Caller, signal: AbortSignal): Promise<SearchOutput> {
      calls.push({ tool: 'search_documents', input, caller, signal });
      if (input.query === 'explode') throw new Error('backend exploded: SELECT secret FROM internals');
      return {
        query: input.query,
        results: [
          {
            id: 'runbooks:remote-work.md',
            title: 'Remote work policy',
            snippet: 'Our **remote** **work** policy…',
            url: null,
            source: 'runbooks',
            score: 0.016,
            updated_at: '2025-01-01T00:00:00.000Z',
          },
        ],
        sources: [{ name: 'runbooks', status: 'ok', took_ms: 1, count: 1 }],
        partial: false,
        next_cursor: null,
        took_ms: 1,
        cached: false,
      };
    },
    async getDocument(input: GetDocumentInput, caller: Caller, signal: AbortSignal): Promise<DocumentOutput> {
      calls.push({ tool: 'get_document', input, caller, signal });
      if (!input.document_id.startsWith('runbooks:')) {
        throw new KnowledgeError('UNKNOWN_SOURCE', `no source named "${input.document_id.split(':')[0]}"`);
      }
      return {
        id: input.document_id,
        title: 'Remote work policy',
        url: null,
        source: 'runbooks',
        updated_at: null,
        content: 'Work from anywhere.',
        truncated: false,
        next_offset: null,
        metadata: {},
      };
    },
    async listSources(caller: Caller, signal: AbortSignal): Promise<SourceInfo[]> {
      calls.push({ tool: 'list_sources', input: {}, caller, signal });
      return [{ name: 'runbooks', kind: 'markdown', description: 'Demo runbooks', status: 'ok', document_count: 20 }];
    },
  };
}
