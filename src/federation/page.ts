// Paging over the fused, de-duplicated list: how deep to ask each source, and which slice to show.

/**
 * Hits to ask each source for: enough to fill the page at `offset` plus one, so that a source
 * with more to give is told apart from one that is exhausted.
 */
export function sourceFetchLimit(offset: number, limit: number): number {
  return offset + limit + 1;
}

export interface Page<T> {
  items: T[];
  hasMore: boolean;
}

/**
 * The slice [offset, offset + limit). There is more when the list goes on, or when some source
 * filled its whole quota (de-duplication may have eaten the extra), within the result window.
 */
export function slicePage<T>(items: readonly T[], offset: number, limit: number, anySourceSaturated: boolean, maxResultWindow: number): Page<T> {
  const end = offset + limit;
  const hasMore = end < maxResultWindow && (items.length > end || anySourceSaturated);
  return { items: items.slice(offset, end), hasMore };
}
