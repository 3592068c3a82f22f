// What a client needs to find where to sign in: RFC 9728 protected resource metadata, and the
// `WWW-Authenticate: Bearer` challenge (RFC 6750 §3) that points at it.
import type { OAuthSettings } from './settings.js';

export const PROTECTED_RESOURCE_PATHS = ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp'] as const;

export function protectedResourceMetadata(settings: OAuthSettings): Record<string, unknown> {
  return {
    resource: settings.resource,
    authorization_servers: [settings.issuer],
    scopes_supported: settings.requiredScopes,
    bearer_methods_supported: ['header'],
    resource_name: 'knowledge-mcp',
  };
}

export function protectedResourceMetadataUrl(settings: OAuthSettings): string {
  return `${settings.publicUrl}/.well-known/oauth-protected-resource/mcp`;
}

export type BearerError = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/** The challenge header value; `error` only when credentials were presented and refused. */
export function bearerChallenge(settings: OAuthSettings, error?: { code: BearerError; description: string }): string {
  const parts = [`resource_metadata="${protectedResourceMetadataUrl(settings)}"`];
  if (settings.requiredScopes.length > 0) parts.push(`scope="${settings.requiredScopes.join(' ')}"`);
  if (error) parts.push(`error="${error.code}"`, `error_description="${error.description.replace(/["\\]/g, '')}"`);
  return `Bearer ${parts.join(', ')}`;
}
