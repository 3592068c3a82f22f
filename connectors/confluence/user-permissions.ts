// Trims a Confluence source to what the signed-in user may read in Confluence itself: the
// caller's Atlassian account (an `atlassian:<accountId>` principal, else found from its
// `user:<email>` principal through the user search API), then Confluence's own read check per page.
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { quoteCqlString } from './cql.js';
import type { ConfluenceHttpClient } from './http-client.js';

/** Principal prefix naming an Atlassian account directly (API keys may declare it). */
export const ACCOUNT_PRINCIPAL_PREFIX = 'atlassian:';
const ACCOUNT_TTL_MS = 10 * 60_000;
/** Permission answers are kept briefly: a revoked restriction must show within a minute. */
const CHECK_TTL_MS = 60_000;
const EMAIL = /^user:([^@\s]+@[^@\s]+)$/;

const userSearchSchema = z.object({
  results: z
    .array(z.object({ user: z.object({ accountId: z.string().optional(), email: z.string().nullish() }).partial().optional() }).passthrough())
    .default([]),
});

const permissionCheckSchema = z.object({ hasPermission: z.boolean() }).passthrough();

export class ConfluenceUserPermissions {
  private readonly accounts = new LRUCache<string, { accountId: string | null }>({ max: 10_000, ttl: ACCOUNT_TTL_MS });
  private readonly checks = new LRUCache<string, boolean>({ max: 50_000, ttl: CHECK_TTL_MS });

  constructor(private readonly http: ConfluenceHttpClient) {}

  /** The caller's Atlassian account id, or null when none can be found (the caller then reads nothing here). */
  async accountFor(principals: readonly string[], signal: AbortSignal): Promise<string | null> {
    const direct = principals.find((p) => p.startsWith(ACCOUNT_PRINCIPAL_PREFIX) && p.length > ACCOUNT_PRINCIPAL_PREFIX.length);
    if (direct !== undefined) return direct.slice(ACCOUNT_PRINCIPAL_PREFIX.length);
    for (const principal of principals) {
      const email = EMAIL.exec(principal)?.[1]?.toLowerCase();
      if (email === undefined) continue;
      const known = this.accounts.get(email);
      if (known !== undefined) {
        if (known.accountId !== null) return known.accountId;
        continue;
      }
      const accountId = await this.lookUpEmail(email, signal);
      this.accounts.set(email, { accountId });
      if (accountId !== null) return accountId;
    }
    return null;
  }

  /** Whether Confluence lets `accountId` read the content (site, space permissions and page restrictions). */
  async mayRead(accountId: string, contentId: string, signal: AbortSignal): Promise<boolean> {
    const key = `${accountId}\u0000${contentId}`;
    const known = this.checks.get(key);
    if (known !== undefined) return known;
    const answer = await this.http.postJson(
      `/rest/api/content/${contentId}/permission/check`,
      { subject: { type: 'user', identifier: accountId }, operation: 'read' },
      permissionCheckSchema,
      signal,
      true,
    );
    // A page that vanished since the search is not readable either.
    const allowed = answer?.hasPermission === true;
    this.checks.set(key, allowed);
    return allowed;
  }

  /**
   * The user search API matches the text against the people Confluence knows; only a result whose
   * email (visible to the service account) equals the caller's exactly is taken.
   */
  private async lookUpEmail(email: string, signal: AbortSignal): Promise<string | null> {
    const params = new URLSearchParams({ cql: `user.fullname ~ ${quoteCqlString(email)}`, limit: '10' });
    const answer = await this.http.getJson(`/rest/api/search/user?${params.toString()}`, userSearchSchema, signal);
    const match = answer?.results.find((result) => result.user?.email?.toLowerCase() === email && result.user.accountId);
    return match?.user?.accountId ?? null;
  }
}
