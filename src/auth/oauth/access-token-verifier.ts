// Validates OAuth access tokens (JWTs) for this resource with jose: signature against the
// issuer's JWKS (re-fetched, rate-limited, when an unknown `kid` appears), `iss`, `aud` (RFC 8707
// audience binding), `exp`/`nbf` with a small clock skew, and the required scopes.
import type { createRemoteJWKSet, JWTPayload } from 'jose';
import { principalsFromClaims } from '../principals.js';
import { discoverAuthorizationServer, type FetchLike } from './authorization-server.js';
import type { BearerError } from './protected-resource.js';
import type { OAuthSettings } from './settings.js';

/** Asymmetric algorithms only: `none` and shared-secret HMACs are never accepted. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
const CLOCK_TOLERANCE_SECONDS = 60;
/** An unknown `kid` re-fetches the JWKS at most this often (key rotation without a fetch storm). */
const JWKS_COOLDOWN_MS = 30_000;
const JWKS_MAX_AGE_MS = 10 * 60_000;
const DISCOVERY_TIMEOUT_MS = 5_000;
const DISCOVERY_RETRY_MS = 10_000;

export interface TokenIdentity {
  subject: string;
  principals: string[];
  scopes: string[];
}

export type TokenVerdict = { ok: true; identity: TokenIdentity } | { ok: false; error: BearerError; description: string };

/** The authorization server could not be reached to fetch its metadata or keys. */
export class AuthorizationServerUnavailable extends Error {
  constructor(cause: unknown) {
    super('the authorization server cannot be reached to verify tokens', { cause });
    this.name = 'AuthorizationServerUnavailable';
  }
}

export interface AccessTokenVerifier {
  verify(token: string): Promise<TokenVerdict>;
}

export interface AccessTokenVerifierOptions {
  fetch?: FetchLike;
  /** How long after a JWKS fetch an unknown `kid` waits before the next one (default 30 s). */
  jwksCooldownMs?: number;
  /** Seconds since the epoch, for tests. */
  now?: () => number;
}

type Jose = typeof import('jose');
let jose: Promise<Jose> | null = null;
/** jose is loaded with the first token to verify: a server without OAuth never needs it (~8 MB). */
function loadJose(): Promise<Jose> {
  jose ??= import('jose');
  return jose;
}

function scopesOf(payload: JWTPayload): string[] {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === 'string') return raw.split(/\s+/).filter((scope) => scope.length > 0);
  if (Array.isArray(raw)) return raw.filter((scope): scope is string => typeof scope === 'string');
  return [];
}

function refusal(error: unknown, { errors }: Jose): TokenVerdict {
  const describe = (description: string): TokenVerdict => ({ ok: false, error: 'invalid_token', description });
  if (error instanceof errors.JWTExpired) return describe('the token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return describe('the token was not issued for this resource');
    if (error.claim === 'iss') return describe('the token was issued by another authorization server');
    if (error.claim === 'nbf') return describe('the token is not valid yet');
    return describe(`the token's ${error.claim} claim is not acceptable`);
  }
  if (error instanceof errors.JWKSNoMatchingKey) return describe('the token is signed with an unknown key');
  if (error instanceof errors.JWSSignatureVerificationFailed) return describe('the token signature is invalid');
  if (error instanceof errors.JOSEAlgNotAllowed) return describe('the token is signed with an algorithm that is not accepted');
  return describe('the token is malformed');
}

export function createAccessTokenVerifier(settings: OAuthSettings, options: AccessTokenVerifierOptions = {}): AccessTokenVerifier {
  const fetchImpl: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  let keys: ReturnType<typeof createRemoteJWKSet> | null = null;
  let discovering: Promise<ReturnType<typeof createRemoteJWKSet>> | null = null;
  let lastFailureAt = Number.NEGATIVE_INFINITY;

  /** The issuer's key set, discovered once; a failed discovery is retried after a pause. */
  async function keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (keys) return keys;
    if (!discovering) {
      if (Date.now() - lastFailureAt < DISCOVERY_RETRY_MS) throw new AuthorizationServerUnavailable(null);
      discovering = Promise.all([discoverAuthorizationServer(settings.issuer, fetchImpl, AbortSignal.timeout(DISCOVERY_TIMEOUT_MS)), loadJose()]).then(
        ([metadata, { createRemoteJWKSet, customFetch }]) => {
          keys = createRemoteJWKSet(new URL(metadata.jwks_uri), {
            cooldownDuration: options.jwksCooldownMs ?? JWKS_COOLDOWN_MS,
            cacheMaxAge: JWKS_MAX_AGE_MS,
            timeoutDuration: DISCOVERY_TIMEOUT_MS,
            [customFetch]: (url: string, init: RequestInit) =>
              fetchImpl(url, { signal: init.signal ?? AbortSignal.timeout(DISCOVERY_TIMEOUT_MS), headers: { accept: 'application/json' } }),
          });
          return keys;
        },
        (error: unknown) => {
          lastFailureAt = Date.now();
          discovering = null;
          throw new AuthorizationServerUnavailable(error);
        },
      );
    }
    return discovering;
  }

  return {
    async verify(token) {
      const library = await loadJose();
      const { decodeProtectedHeader, errors, jwtVerify } = library;
      let algorithm: unknown;
      try {
        algorithm = decodeProtectedHeader(token).alg;
      } catch {
        return { ok: false, error: 'invalid_token', description: 'the token is not a JWT' };
      }
      if (typeof algorithm !== 'string' || !ACCEPTED_ALGORITHMS.includes(algorithm)) {
        return { ok: false, error: 'invalid_token', description: 'the token is signed with an algorithm that is not accepted' };
      }
      const jwks = await keySet();
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, {
          issuer: settings.issuer,
          audience: settings.audience,
          algorithms: ACCEPTED_ALGORITHMS,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['exp'],
          ...(options.now ? { currentDate: new Date(options.now() * 1000) } : {}),
        }));
      } catch (error) {
        if (error instanceof errors.JWKSTimeout || (error instanceof errors.JOSEError && error.code === 'ERR_JWKS_INVALID')) {
          throw new AuthorizationServerUnavailable(error);
        }
        if (!(error instanceof errors.JOSEError)) throw new AuthorizationServerUnavailable(error);
        return refusal(error, library);
      }
      if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
        return { ok: false, error: 'invalid_token', description: 'the token names no subject' };
      }
      const scopes = scopesOf(payload);
      const missing = settings.requiredScopes.filter((scope) => !scopes.includes(scope));
      if (missing.length > 0) {
        return { ok: false, error: 'insufficient_scope', description: `the token lacks the scope ${missing.join(' ')}` };
      }
      return { ok: true, identity: { subject: payload.sub, principals: principalsFromClaims(payload, settings.groupsClaim), scopes } };
    },
  };
}
