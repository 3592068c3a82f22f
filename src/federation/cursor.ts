// Paging cursors: base64url(JSON {v, f: search fingerprint, o: offset}) "." base64url(HMAC-SHA256).
// Opaque to agents, verifiable by every instance that shares the secret, bound to one search.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { BoundedMemo } from '../bounded-memo.js';
import { sha256Base64url } from '../digest.js';
import { KnowledgeError } from '../../connectors/contract/errors.js';
import { principalScope } from './cache-key.js';
import type { SearchPlan } from './plan.js';
import type { Caller } from './types.js';

const VERSION = 1;

/**
 * What makes two searches "the same search" for paging: the normalised query, the filter, the
 * sources asked, and who asks (key, scope and principals), plus the config namespace. Limit may change.
 */
export function searchFingerprint(plan: SearchPlan, caller: Caller, namespace: string): string {
  const scope = caller.allowedSources === null ? '*' : [...caller.allowedSources].sort();
  const basis = JSON.stringify([
    VERSION,
    namespace,
    plan.normalizedQuery,
    plan.updatedAfter?.toISOString() ?? null,
    [...plan.selected].sort(),
    caller.keyName,
    scope,
    principalScope(caller),
  ]);
  return sha256Base64url(basis).slice(0, 22);
}

function sign(secret: string | Uint8Array, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

export function encodeCursor(secret: string | Uint8Array, fingerprint: string, offset: number): string {
  const payload = Buffer.from(JSON.stringify({ v: VERSION, f: fingerprint, o: offset })).toString('base64url');
  return `${payload}.${sign(secret, payload).toString('base64url')}`;
}

/**
 * encodeCursor for one secret, remembering what it issued: a cursor is a pure function of
 * (fingerprint, offset), and a warm search would otherwise pay an HMAC per answer.
 */
export function createCursorEncoder(secret: string | Uint8Array, maxRemembered = 4096): (fingerprint: string, offset: number) => string {
  const issued = new BoundedMemo<string>(maxRemembered);
  return (fingerprint, offset) => issued.get(`${offset}:${fingerprint}`, () => encodeCursor(secret, fingerprint, offset));
}

const FORGED = 'the cursor is not one this service issued, or it was altered; pass next_cursor exactly as returned, or search again without a cursor';
const FOREIGN =
  'the cursor belongs to a different search (query, updated_after, sources or API key); use a cursor only with the search that returned it, or search again without one';

/** The offset a cursor points at; throws INVALID_CURSOR for a forged, altered or foreign one. */
export function decodeCursor(secret: string | Uint8Array, cursor: string, fingerprint: string, maxOffset: number): number {
  const match = /^([A-Za-z0-9_-]{1,1000})\.([A-Za-z0-9_-]{43})$/.exec(cursor);
  if (!match) throw new KnowledgeError('INVALID_CURSOR', FORGED);
  const payload = match[1]!;
  // Compare the text, not decoded bytes: base64url has spare bits, so several texts decode alike.
  const given = Buffer.from(match[2]!, 'latin1');
  const expected = Buffer.from(sign(secret, payload).toString('base64url'), 'latin1');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new KnowledgeError('INVALID_CURSOR', FORGED);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new KnowledgeError('INVALID_CURSOR', FORGED);
  }
  const { v, f, o } = (decoded ?? {}) as { v?: unknown; f?: unknown; o?: unknown };
  if (v !== VERSION || typeof f !== 'string' || typeof o !== 'number' || !Number.isInteger(o) || o < 0 || o > maxOffset) {
    throw new KnowledgeError('INVALID_CURSOR', FORGED);
  }
  if (f !== fingerprint) throw new KnowledgeError('INVALID_CURSOR', FOREIGN);
  return o;
}
