// Routes a get_document request to one source: by the `<source>:` prefix of the ID, or by asking
// the sources the caller may read whether a URL is theirs. Never scans sources for the document.
import type { Connector } from '../../connectors/contract/types.js';
import { SOURCE_NAME_PATTERN } from '../../connectors/contract/source-config.js';
import { KnowledgeError } from '../../connectors/contract/errors.js';
import { unknownSourceError } from './plan.js';

export interface DocumentRoute<T> {
  target: T;
  nativeId: string;
}

const URL_LIKE = /^https?:\/\//i;

/** Whether get_document was asked for a URL rather than a `<source>:<id>`. */
export function isDocumentUrl(documentId: string): boolean {
  return URL_LIKE.test(documentId.trim());
}

/**
 * The answer for a URL no readable document has. A source may recognise the URL of a document the
 * caller may not read; that answer must be this same one, or the URL's existence (and its native
 * ID) would leak.
 */
export function urlNotFoundError(): KnowledgeError {
  return new KnowledgeError('NOT_FOUND', 'no source you can read serves this URL; pass a document ID from search_documents (`<source>:<id>`)', {
    status: 404,
  });
}

/** `visible` are the caller's sources, in config order; a source it may not use does not exist for it. */
export function routeDocument<T extends { connector: Connector }>(documentId: string, visible: readonly T[]): DocumentRoute<T> {
  const id = documentId.trim();
  if (URL_LIKE.test(id)) {
    for (const target of visible) {
      const nativeId = target.connector.recognizeUrl?.(id) ?? null;
      if (nativeId !== null && nativeId.length > 0) return { target, nativeId };
    }
    throw urlNotFoundError();
  }
  const colon = id.indexOf(':');
  const prefix = colon > 0 ? id.slice(0, colon) : '';
  const nativeId = colon > 0 ? id.slice(colon + 1) : '';
  if (!SOURCE_NAME_PATTERN.test(prefix) || nativeId.length === 0) {
    throw new KnowledgeError('INVALID_ARGUMENT', 'document_id: expected `<source>:<native id>` (as search_documents returns) or a document URL');
  }
  const target = visible.find((candidate) => candidate.connector.name === prefix);
  if (!target)
    throw unknownSourceError(
      [prefix],
      visible.map((candidate) => candidate.connector.name),
    );
  return { target, nativeId };
}
