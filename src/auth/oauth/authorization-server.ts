// Finds the authorization server's metadata (RFC 8414, or OpenID Connect discovery as Keycloak,
// Entra ID, Okta, Auth0 and Google publish it) and with it the JWKS the tokens are signed with.
import { z } from 'zod';

const metadataSchema = z.object({
  issuer: z.string(),
  jwks_uri: z.string().url(),
  introspection_endpoint: z.string().url().optional(),
});

export type AuthorizationServerMetadata = z.infer<typeof metadataSchema>;

export type FetchLike = (url: string, init: { signal: AbortSignal; headers: Record<string, string> }) => Promise<Response>;

/** The well-known URLs to try, in order: RFC 8414 (path inserted), then OIDC (path appended). */
export function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  const origin = url.origin;
  return [`${origin}/.well-known/oauth-authorization-server${path}`, `${origin}${path}/.well-known/openid-configuration`];
}

/**
 * Fetches and checks the metadata: the first URL that answers JSON naming exactly this issuer wins
 * (RFC 8414 §3.3: a document for another issuer must not be used).
 */
export async function discoverAuthorizationServer(issuer: string, fetchImpl: FetchLike, signal: AbortSignal): Promise<AuthorizationServerMetadata> {
  const failures: string[] = [];
  for (const url of metadataUrls(issuer)) {
    try {
      const response = await fetchImpl(url, { signal, headers: { accept: 'application/json' } });
      if (!response.ok) {
        failures.push(`${url}: HTTP ${response.status}`);
        continue;
      }
      const parsed = metadataSchema.safeParse(await response.json());
      if (!parsed.success) {
        failures.push(`${url}: not authorization server metadata`);
        continue;
      }
      if (parsed.data.issuer !== issuer) {
        failures.push(`${url}: names issuer ${parsed.data.issuer}`);
        continue;
      }
      return parsed.data;
    } catch (error) {
      if (signal.aborted) throw error;
      failures.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new Error(`no authorization server metadata for ${issuer} (${failures.join('; ')})`);
}
