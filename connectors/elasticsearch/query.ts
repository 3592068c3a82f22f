// Pure translation between the connector contract and Elasticsearch's search DSL: request bodies
// built as objects (the user's text is only ever a `multi_match` value, never query syntax) and hits.
import { SourceError } from '../contract/errors.js';
import type { estypes } from '@elastic/elasticsearch';
import type { SourceDocument, SourceHit } from '../contract/types.js';
import { fieldDate, fieldText, readField, type FieldMap } from './fields.js';
import { buildAclFilter } from './acl.js';

export const SNIPPET_CHARS = 200;
/** Highlight markers the contract asks for; plain strings, so they never need escaping in the DSL. */
const MARK = '**';

export interface Boosts {
  title: number;
  body: number;
}

export interface SearchPlan {
  query: string;
  limit: number;
  updatedAfter: Date | null;
  /** The caller's principals; null/absent = a service caller. */
  principals?: readonly string[] | null;
}

/**
 * The `_search` body for one federated search, or null when the request cannot match anything
 * here (a date filter on an index without a date field; no text field to search).
 */
export function buildSearchBody(plan: SearchPlan, fields: FieldMap, boosts: Boosts): estypes.SearchRequest | null {
  const searched: string[] = [];
  if (fields.title !== null) searched.push(`${fields.title}^${boosts.title}`);
  if (fields.body !== null) searched.push(`${fields.body}^${boosts.body}`);
  if (searched.length === 0) return null;
  if (plan.updatedAfter !== null && fields.updatedAt === null) return null;

  const filter: estypes.QueryDslQueryContainer[] = [];
  if (plan.updatedAfter !== null && fields.updatedAt !== null) {
    filter.push({ range: { [fields.updatedAt]: { gte: plan.updatedAfter.toISOString() } } });
  }
  // In the bool's filter: Elasticsearch drops forbidden documents before it scores and cuts the
  // page, and the index statistics behind BM25 stay those of the whole index.
  const acl = fields.acl == null ? null : buildAclFilter(fields.acl, plan.principals);
  if (acl !== null) filter.push(acl);
  const highlightFields: Record<string, estypes.SearchHighlightField> = {};
  if (fields.body !== null) {
    highlightFields[fields.body] = { fragment_size: SNIPPET_CHARS, number_of_fragments: 1, no_match_size: SNIPPET_CHARS };
  }
  if (fields.title !== null) highlightFields[fields.title] = { number_of_fragments: 0 };

  return {
    size: plan.limit,
    // Counting every match costs the cluster work nobody reads; the federation needs only the page.
    track_total_hits: false,
    _source: { includes: sourceFields(fields, false) },
    query: {
      bool: {
        must: [
          {
            multi_match: {
              query: plan.query,
              fields: searched,
              type: 'best_fields',
              tie_breaker: 0.3,
              // A configured field that isn't text (a number, a date) must not fail the whole search.
              lenient: true,
            },
          },
        ],
        filter,
      },
    },
    highlight: { pre_tags: [MARK], post_tags: [MARK], encoder: 'default', fields: highlightFields },
  };
}

/** The `_source` fields a hit (without body) or a whole document (with body) needs. */
export function sourceFields(fields: FieldMap, withBody: boolean): string[] {
  const names = [fields.id === '_id' ? null : fields.id, fields.title, fields.url, fields.updatedAt];
  if (withBody) names.push(fields.body);
  return names.filter((name): name is string => name !== null);
}

/** The query that finds one document by native id across every index behind an alias or pattern. */
export function buildIdQuery(nativeId: string, fields: FieldMap, principals?: readonly string[] | null): estypes.QueryDslQueryContainer {
  const byId: estypes.QueryDslQueryContainer = fields.id === '_id' ? { ids: { values: [nativeId] } } : { term: { [fields.idLookup]: { value: nativeId } } };
  const acl = fields.acl == null ? null : buildAclFilter(fields.acl, principals);
  return acl === null ? byId : { bool: { filter: [byId, acl] } };
}

type Hit = estypes.SearchHit<Record<string, unknown>>;

/** The native id of a hit: `_id`, or the configured id field. */
export function hitId(hit: Hit, fields: FieldMap): string | null {
  if (fields.id === '_id') return hit._id ?? null;
  const value = fieldText(readField(hit._source, fields.id));
  return value === '' ? null : value;
}

/** Converts `_search` hits into contract hits, best first, skipping hits without a usable id. */
export function parseSearchHits(response: estypes.SearchResponse<Record<string, unknown>>, fields: FieldMap): SourceHit[] {
  // The client does not check shapes: a proxy or a broken cluster answering something else must be
  // an error, not "no hits".
  const rawHits: unknown = (response as { hits?: { hits?: unknown } } | null)?.hits?.hits;
  if (!Array.isArray(rawHits)) {
    throw new SourceError('SOURCE_ERROR', 'Elasticsearch answered _search without a hits.hits list');
  }
  const hits: SourceHit[] = [];
  for (const hit of rawHits as Hit[]) {
    if (hit === null || typeof hit !== 'object') continue;
    const nativeId = hitId(hit, fields);
    if (nativeId === null) continue;
    const title = fieldText(readField(hit._source, fields.title)).trim();
    hits.push({
      nativeId,
      title: title === '' ? nativeId : title,
      snippet: pickSnippet(hit, fields),
      url: readUrl(hit._source, fields),
      score: typeof hit._score === 'number' ? hit._score : 0,
      updatedAt: fieldDate(readField(hit._source, fields.updatedAt)),
    });
  }
  return hits;
}

/**
 * The body fragment around the matched terms. When only the title matched, the body's opening
 * (`no_match_size`) still says more than the title repeated; the title is the last resort.
 */
function pickSnippet(hit: Hit, fields: FieldMap): string {
  const highlight = hit.highlight ?? {};
  const bodyFragment = fields.body === null ? undefined : highlight[fields.body]?.[0];
  const titleFragment = fields.title === null ? undefined : highlight[fields.title]?.[0];
  return (bodyFragment ?? titleFragment ?? '').replace(/\s+/g, ' ').trim();
}

function readUrl(source: Record<string, unknown> | undefined, fields: FieldMap): string | null {
  const url = fieldText(readField(source, fields.url)).trim();
  return url === '' ? null : url;
}

/** A whole document from a hit or a `_doc` response whose `_source` includes the body. */
export function parseDocument(nativeId: string, index: string, source: Record<string, unknown> | undefined, fields: FieldMap): SourceDocument {
  // The ACL stays out of metadata: it names who else may read the document.
  const mapped = new Set([fields.id, fields.title, fields.body, fields.url, fields.updatedAt, fields.acl ?? null]);
  const metadata: Record<string, unknown> = { index };
  for (const [key, value] of Object.entries(source ?? {})) {
    if (!mapped.has(key)) metadata[key] = value;
  }
  const title = fieldText(readField(source, fields.title)).trim();
  return {
    nativeId,
    title: title === '' ? nativeId : title,
    url: readUrl(source, fields),
    updatedAt: fieldDate(readField(source, fields.updatedAt)),
    content: fieldText(readField(source, fields.body), '\n\n'),
    metadata,
  };
}

/**
 * `_count` queries for the federation's statistics (issue 17): every searchable document, and
 * the documents matching one query word in the searched fields, analysed by the index's own
 * analysers. Null when there is no text field to count in.
 */
export function buildStatisticsQueries(
  words: readonly string[],
  fields: FieldMap,
): { all: estypes.QueryDslQueryContainer; perWord: estypes.QueryDslQueryContainer[] } | null {
  const searched = [fields.title, fields.body].filter((name): name is string => name !== null);
  if (searched.length === 0) return null;
  return {
    all: { bool: { should: searched.map((field) => ({ exists: { field } })) } },
    perWord: words.map((word) => ({ multi_match: { query: word, fields: searched, type: 'best_fields', lenient: true } })),
  };
}
