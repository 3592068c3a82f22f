// get_document: route by ID prefix or URL, fetch through the source's guard (timeout, breaker,
// concurrency cap), cache the whole document, and hand out the requested slice of its content.
import type { SourceDocument } from '../../connectors/contract/types.js';
import { KnowledgeError, SourceError } from '../../connectors/contract/errors.js';
import { AbortScope } from './abort-scope.js';
import type { SearchCache } from './cache-port.js';
import { documentCacheKey } from './cache-key.js';
import { sliceContent } from './content-page.js';
import { isDocumentUrl, routeDocument, urlNotFoundError } from './document-route.js';
import { visibleSources } from './plan.js';
import type { SearchTarget } from './search.js';
import type { GuardOutcome } from './source-guard.js';
import type { FederationLogger, FederationSettings } from './settings.js';
import type { Caller, DocumentOutput, GetDocumentInput } from './types.js';

export interface GetDocumentDeps {
  targets: readonly SearchTarget[];
  settings: FederationSettings;
  cache: SearchCache;
  now: () => number;
  logger: FederationLogger;
}

function failureToError(source: string, outcome: Exclude<GuardOutcome<unknown>, { status: 'ok' }>): SourceError {
  switch (outcome.status) {
    case 'timeout':
      return new SourceError('SOURCE_TIMEOUT', `source "${source}" did not answer in time (${outcome.error})`, { expose: true, status: 504 });
    case 'suspended':
      return new SourceError('SOURCE_SUSPENDED', `source "${source}" is suspended after repeated failures; try again shortly`, { expose: true, status: 503 });
    default:
      return new SourceError('SOURCE_ERROR', `source "${source}" failed: ${outcome.error}`, { expose: true });
  }
}

function validatePaging(input: GetDocumentInput): void {
  if (!Number.isInteger(input.max_chars) || input.max_chars < 1) {
    throw new KnowledgeError('INVALID_ARGUMENT', 'max_chars: expected an integer of at least 1');
  }
  if (!Number.isInteger(input.offset) || input.offset < 0) {
    throw new KnowledgeError('INVALID_ARGUMENT', 'offset: expected an integer of at least 0');
  }
}

export function createGetDocument(deps: GetDocumentDeps): (input: GetDocumentInput, caller: Caller, signal: AbortSignal) => Promise<DocumentOutput> {
  const { settings, now, logger, cache } = deps;
  const names = deps.targets.map((target) => target.connector.name);
  const byName = new Map(deps.targets.map((target) => [target.connector.name, target]));

  async function fetchDocument(
    target: SearchTarget,
    nativeId: string,
    caller: Caller,
    signal: AbortSignal,
  ): Promise<{ document: SourceDocument | null; cached: boolean }> {
    const principals = caller.principals ?? null;
    const source = target.connector.name;
    const timeoutMs = Math.min(target.timeoutMs, settings.deadlineMs);
    const { value, cached } = await cache.getOrCompute<SourceDocument | null>(
      documentCacheKey(source, nativeId, settings.namespace, caller),
      async (computeSignal) => {
        const scope = AbortScope.follow(computeSignal);
        try {
          const outcome = await target.guard.run('get', (callSignal) => target.connector.get(nativeId, callSignal, principals), { scope, timeoutMs });
          if (outcome.status !== 'ok') throw failureToError(source, outcome);
          return outcome.value;
        } finally {
          scope.dispose();
        }
      },
      { ttlMs: settings.cache.documentTtlMs, shouldStore: (value) => value !== null, sources: [source], signal },
    );
    return { document: value, cached };
  }

  return async function getDocument(input, caller, signal) {
    const startedAt = now();
    let source: string | null = null;
    let status = 'failed';
    try {
      signal.throwIfAborted();
      validatePaging(input);
      const visible = visibleSources(names, caller).map((name) => byName.get(name)!);
      const { target, nativeId } = routeDocument(input.document_id, visible);
      source = target.connector.name;
      const { document, cached } = await fetchDocument(target, nativeId, caller, signal);
      if (document === null) {
        if (isDocumentUrl(input.document_id)) throw urlNotFoundError();
        throw new KnowledgeError('NOT_FOUND', `document "${source}:${nativeId}" not found`, { status: 404 });
      }
      status = cached ? 'cached' : 'ok';
      return {
        id: `${source}:${document.nativeId}`,
        title: document.title,
        url: document.url,
        source,
        updated_at: document.updatedAt,
        metadata: document.metadata,
        ...sliceContent(document.content, input.offset, input.max_chars),
      };
    } catch (error) {
      if (error instanceof KnowledgeError) status = error.code;
      throw error;
    } finally {
      logger.debug({ reqId: caller.requestId, documentId: input.document_id }, 'get_document id');
      logger.info(
        { event: 'get_document', reqId: caller.requestId, key: caller.keyName, source, status, took_ms: Math.round(now() - startedAt) },
        'get_document',
      );
    }
  };
}
