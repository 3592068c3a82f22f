// Document permissions in an Elasticsearch index (DESIGN §7): the `acl_field` holds principals;
// the filter clause that keeps only what a caller may read, and how ingest stores an ACL.
import type { estypes } from '@elastic/elasticsearch';

/**
 * Stored for an ACL of `[]` (service callers only). Elasticsearch indexes an empty array as no
 * value at all, so `exists` could not tell `[]` apart from an absent field (= everyone); a principal that no
 * caller is ever given keeps the document closed to every caller with principals.
 */
export const SERVICE_ONLY_PRINCIPAL = 'service:only';

/**
 * The filter for a caller's principals on `field`: a document matches when its field names one of
 * them, or when it has no value there (absent, null or `[]` = everyone who may use the source).
 * null for a service caller (no principals), who reads everything.
 */
export function buildAclFilter(field: string, principals: readonly string[] | null | undefined): estypes.QueryDslQueryContainer | null {
  if (principals === null || principals === undefined) return null;
  const named = principals.filter((principal) => principal !== SERVICE_ONLY_PRINCIPAL);
  const clauses: estypes.QueryDslQueryContainer[] = [{ bool: { must_not: [{ exists: { field } }] } }];
  if (named.length > 0) clauses.unshift({ terms: { [field]: named } });
  return { bool: { should: clauses, minimum_should_match: 1 } };
}

/** The value ingest writes for an IngestDocument's `acl`; undefined = write no field (everyone). */
export function storedAcl(acl: readonly string[] | null | undefined): string[] | undefined {
  if (acl === null || acl === undefined) return undefined;
  return acl.length === 0 ? [SERVICE_ONLY_PRINCIPAL] : [...acl];
}
