// Asking the wiki which of the ACL's categories a page is in (prop=categories), and reading the
// answer so that a list the wiki cut short never opens a page.
import type { ApiParams } from './api-client.js';
import type { WikiPageRecord } from './api-schemas.js';
import { normalizeCategory, type WikiAcl } from './acl.js';

/** Extra query parameters that list, per page, only the categories some rule names. */
export function categoryParams(acl: WikiAcl): ApiParams {
  if (acl.categories.length === 0) return {};
  // `prop` is merged by the caller's own list; `Category:` is accepted on every wiki whatever its language.
  return { prop: 'revisions|info|categories', clcategories: acl.categories.map((c) => `Category:${c}`).join('|'), cllimit: 'max' };
}

/**
 * The page's categories among those asked for (normalised), or null when they may be incomplete:
 * the wiki lists categories in page id order and `clcontinue` (`<pageid>|…`) says where it stopped.
 */
export function pageCategories(page: WikiPageRecord, clcontinue: string | undefined): string[] | null {
  if (clcontinue !== undefined) {
    const stoppedAt = Number(clcontinue.split('|', 1)[0]);
    if (!Number.isFinite(stoppedAt) || page.pageid === undefined || page.pageid >= stoppedAt) return null;
  }
  return (page.categories ?? []).map((category) => normalizeCategory(category.title));
}
