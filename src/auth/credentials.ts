// Who is calling: an API key (machines) or an OAuth access token (people, through their agents),
// checked the same way on every route. The answer is a CallerIdentity or a refusal that tells a
// client where to sign in.
import type { ApiKey } from '../config/load-config.js';
import { KnowledgeError } from '../../connectors/contract/errors.js';
import { createAuthenticator, presentedKey } from '../http/auth.js';
import { AuthorizationServerUnavailable, type AccessTokenVerifier } from './oauth/access-token-verifier.js';
import { bearerChallenge, type BearerError } from './oauth/protected-resource.js';
import type { OAuthSettings } from './oauth/settings.js';

/** The authenticated caller, whichever credential it used. */
export interface CallerIdentity {
  /** Key name, or `user:<sub>` for a token; names the rate-limit bucket and appears in logs. */
  name: string;
  kind: 'key' | 'token';
  /** Sources this caller may use; null = every source. */
  sources: readonly string[] | null;
  /** Principals for document ACLs; null = a service caller that reads every document. */
  principals: readonly string[] | null;
  /** The caller's own rate limit per minute; 0 = the server's default. */
  rateLimitPerMinute: number;
}

export type CredentialVerdict = { ok: true; identity: CallerIdentity | null } | { ok: false; status: 401 | 403; message: string; challenge: string };

export interface CredentialCheckOptions {
  keys: readonly ApiKey[];
  mode: 'apikey' | 'none';
  oauth: OAuthSettings | null;
  verifier: AccessTokenVerifier | null;
}

export interface CredentialCheck {
  /** Whether requests must carry credentials at all (keys or an issuer configured). */
  readonly required: boolean;
  check(headers: Record<string, string | string[] | undefined>, url?: string): CredentialVerdict | Promise<CredentialVerdict>;
}

const KEY_HINT = 'send a valid API key as `x-api-key: KEY` or `Authorization: Bearer KEY`';
const TOKEN_HINT = 'send an OAuth access token as `Authorization: Bearer TOKEN`';

export function identityOfKey(key: ApiKey): CallerIdentity {
  return { name: key.name, kind: 'key', sources: key.sources, principals: key.principals ?? null, rateLimitPerMinute: key.rateLimitPerMinute };
}

function bearerToken(headers: Record<string, string | string[] | undefined>): string | null {
  const authorization = headers.authorization;
  if (typeof authorization !== 'string') return null;
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] ?? null;
}

export function createCredentialCheck(options: CredentialCheckOptions): CredentialCheck {
  const { oauth, verifier } = options;
  const keys = createAuthenticator(options.keys, options.mode);
  const identities = new Map(options.keys.map((key) => [key, identityOfKey(key)]));
  const required = options.mode === 'apikey' && (options.keys.length > 0 || oauth !== null);
  const hint = oauth ? (options.keys.length > 0 ? `${TOKEN_HINT}, or an API key` : TOKEN_HINT) : KEY_HINT;
  const challenge = oauth ? bearerChallenge(oauth) : 'Bearer realm="knowledge-mcp"';

  const refuse = (status: 401 | 403, code: BearerError | null, description: string): CredentialVerdict => ({
    ok: false,
    status,
    message: code ? `${status === 403 ? 'Forbidden' : 'Unauthorized'}: ${description}` : `Unauthorized: ${hint}`,
    challenge: oauth && code ? bearerChallenge(oauth, { code, description }) : challenge,
  });

  async function verifyToken(token: string): Promise<CredentialVerdict> {
    try {
      const verdict = await (verifier as AccessTokenVerifier).verify(token);
      if (!verdict.ok) return refuse(verdict.error === 'insufficient_scope' ? 403 : 401, verdict.error, verdict.description);
      const { subject, principals } = verdict.identity;
      return { ok: true, identity: { name: `user:${subject}`, kind: 'token', sources: null, principals, rateLimitPerMinute: 0 } };
    } catch (error) {
      if (error instanceof AuthorizationServerUnavailable) {
        throw new KnowledgeError('SOURCE_UNAVAILABLE', 'cannot verify access tokens right now; try again shortly', { status: 503, cause: error });
      }
      throw error;
    }
  }

  return {
    required,
    check(headers, url) {
      if (!required) return { ok: true, identity: null };
      // Tokens in URLs end up in logs and browser history; the MCP authorization spec forbids them.
      if (url !== undefined && /[?&]access_token=/.test(url)) {
        return refuse(401, 'invalid_request', 'send the access token in the Authorization header, never in the URL');
      }
      if (presentedKey(headers) === null) return refuse(401, null, '');
      const matched = keys.authenticate(headers);
      if (matched.ok && matched.key) return { ok: true, identity: identities.get(matched.key) ?? identityOfKey(matched.key) };
      const token = oauth && verifier ? bearerToken(headers) : null;
      if (token !== null && headers['x-api-key'] === undefined) return verifyToken(token);
      return oauth ? refuse(401, 'invalid_token', 'the credentials are not valid') : refuse(401, null, '');
    },
  };
}
