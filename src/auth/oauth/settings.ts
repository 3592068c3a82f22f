// The resource server's OAuth settings (DESIGN §7), as resolved from OAUTH_* / PUBLIC_URL or the
// config file's `oauth` block.

export interface OAuthSettings {
  /** The authorization server's issuer identifier (OAUTH_ISSUER), exactly as tokens carry it. */
  issuer: string;
  /** This server's external base URL (PUBLIC_URL), without a trailing slash. */
  publicUrl: string;
  /** The protected resource: `${publicUrl}/mcp`. */
  resource: string;
  /** The `aud` a token must carry (OAUTH_AUDIENCE; default: the resource URL). */
  audience: string;
  /** The claim holding the user's groups (OAUTH_GROUPS_CLAIM; default `groups`). */
  groupsClaim: string;
  /** Scopes every token must carry (OAUTH_REQUIRED_SCOPES, space-separated). */
  requiredScopes: string[];
}

export interface OAuthSettingsInput {
  issuer: string;
  publicUrl: string;
  audience?: string | undefined;
  groupsClaim?: string | undefined;
  requiredScopes?: string | readonly string[] | undefined;
}

export function resolveOAuthSettings(input: OAuthSettingsInput): OAuthSettings {
  const publicUrl = input.publicUrl.replace(/\/+$/, '');
  const resource = `${publicUrl}/mcp`;
  const scopes = typeof input.requiredScopes === 'string' ? input.requiredScopes.split(/\s+/) : [...(input.requiredScopes ?? [])];
  return {
    issuer: input.issuer,
    publicUrl,
    resource,
    audience: input.audience ?? resource,
    groupsClaim: input.groupsClaim ?? 'groups',
    requiredScopes: scopes.filter((scope) => scope.length > 0),
  };
}
