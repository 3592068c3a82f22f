// API-key authentication (DESIGN §7): `x-api-key` or `Authorization: Bearer`, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKey } from '../config/load-config.js';

export type AuthOutcome = { ok: true; key: ApiKey | null } | { ok: false };

export interface Authenticator {
  /** Whether requests must carry a key at all. */
  readonly required: boolean;
  authenticate(headers: Record<string, string | string[] | undefined>): AuthOutcome;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function presentedKey(headers: Record<string, string | string[] | undefined>): string | null {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return header.trim();
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match?.[1]) return match[1].trim();
  }
  return null;
}

/**
 * Keys are hashed once; a presented key is hashed and compared against every known digest with
 * timingSafeEqual, without stopping at the first match, so timing reveals neither which key
 * matched nor how much of it.
 */
export function createAuthenticator(keys: readonly ApiKey[], mode: 'apikey' | 'none'): Authenticator {
  const digests = keys.map((key) => ({ key, digest: digest(key.key) }));
  const required = mode === 'apikey' && keys.length > 0;
  return {
    required,
    authenticate(headers) {
      if (!required) return { ok: true, key: null };
      const presented = presentedKey(headers);
      if (presented === null) return { ok: false };
      const candidate = digest(presented);
      let matched: ApiKey | null = null;
      for (const entry of digests) {
        if (timingSafeEqual(candidate, entry.digest) && matched === null) matched = entry.key;
      }
      return matched ? { ok: true, key: matched } : { ok: false };
    },
  };
}
