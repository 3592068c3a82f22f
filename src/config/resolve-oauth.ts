// OAuth resource-server settings from OAUTH_* / PUBLIC_URL or the file's `oauth` block
// (the environment wins field by field), checked like every other setting.
import { resolveOAuthSettings, type OAuthSettings } from '../auth/oauth/settings.js';
import type { EnvConfig } from './env-schema.js';
import type { FileConfig } from './file-schema.js';

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

export function resolveOAuth(env: EnvConfig, file: FileConfig['oauth'], problems: string[]): OAuthSettings | null {
  const issuer = env.OAUTH_ISSUER ?? file?.issuer;
  const publicUrl = env.PUBLIC_URL ?? file?.public_url;
  if (issuer === undefined) {
    if (env.OAUTH_AUDIENCE || env.OAUTH_REQUIRED_SCOPES || env.OAUTH_GROUPS_CLAIM) problems.push('OAUTH_ISSUER: set it to use the other OAUTH_* settings');
    return null;
  }
  if (!isHttpUrl(issuer)) problems.push(`OAUTH_ISSUER: expected an http(s) URL such as https://login.example.com/realms/company`);
  if (publicUrl === undefined) {
    problems.push('PUBLIC_URL: expected the external base URL of this server (e.g. https://knowledge.example.com) when OAUTH_ISSUER is set');
    return null;
  }
  if (!isHttpUrl(publicUrl) || new URL(publicUrl).search !== '' || new URL(publicUrl).hash !== '') {
    problems.push('PUBLIC_URL: expected an http(s) base URL without query or fragment, such as https://knowledge.example.com');
  }
  if (problems.length > 0) return null;
  return resolveOAuthSettings({
    issuer,
    publicUrl,
    audience: env.OAUTH_AUDIENCE ?? file?.audience,
    groupsClaim: env.OAUTH_GROUPS_CLAIM ?? file?.groups_claim,
    requiredScopes: env.OAUTH_REQUIRED_SCOPES ?? file?.required_scopes,
  });
}
