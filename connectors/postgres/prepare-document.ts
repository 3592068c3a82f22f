// Checks and normalises one document before it is written: Postgres text can't hold NUL,
// dates must parse, ids must be usable; also computes the two hashes stored with it.
import { createHash } from 'node:crypto';
import type { IngestDocument } from '../contract/types.js';

export const MAX_ID_LENGTH = 1024;

export interface PreparedDocument {
  id: string;
  title: string;
  body: string;
  url: string | null;
  updated_at: string | null;
  metadata: Record<string, unknown>;
  content_hash: string;
  revision: string;
  /** Principals who may read it; null = everyone who may use the source, [] = service callers only. */
  acl: string[] | null;
}

function stripNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
}

function stripNulDeep(value: unknown): unknown {
  if (typeof value === 'string') return stripNul(value);
  if (Array.isArray(value)) return value.map(stripNulDeep);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [stripNul(key), stripNulDeep(inner)]));
  }
  return value;
}

/** Hash of the body with case and spacing normalised; equal texts in two sources collide on purpose. */
export function contentHash(body: string): string {
  return createHash('sha256').update(body.toLowerCase().replace(/\s+/g, ' ').trim()).digest('hex');
}

/** The prepared document, or the reason it can't be written. */
export function prepareDocument(doc: IngestDocument): PreparedDocument | { error: string } {
  const id = stripNul(String(doc.id ?? ''));
  if (id.trim().length === 0) return { error: 'empty id' };
  if (id.length > MAX_ID_LENGTH) return { error: `id longer than ${MAX_ID_LENGTH} characters` };
  let updatedAt: string | null = null;
  if (doc.updatedAt !== undefined && doc.updatedAt !== null && doc.updatedAt !== '') {
    const time = Date.parse(doc.updatedAt);
    if (Number.isNaN(time)) return { error: `updated_at is not a date: ${JSON.stringify(doc.updatedAt).slice(0, 60)}` };
    updatedAt = new Date(time).toISOString();
  }
  const title = stripNul(doc.title ?? '');
  const body = stripNul(doc.text ?? '');
  const url = doc.url ? stripNul(doc.url) : null;
  const metadata = (stripNulDeep(doc.metadata ?? {}) ?? {}) as Record<string, unknown>;
  if (doc.acl !== undefined && doc.acl !== null && !(Array.isArray(doc.acl) && doc.acl.every((p) => typeof p === 'string'))) {
    return { error: 'acl must be a list of principals' };
  }
  // Sorted and de-duplicated, so the same permissions in another order are not a change.
  const acl = doc.acl === undefined || doc.acl === null ? null : [...new Set(doc.acl.map(stripNul))].sort();
  // Documents without an ACL keep the revision they had before ACLs existed: re-ingesting them writes nothing.
  const hashed: unknown[] = [title, body, url, updatedAt, metadata];
  if (acl !== null) hashed.push(acl);
  const revision = createHash('sha256').update(JSON.stringify(hashed)).digest('hex');
  return { id, title, body, url, updated_at: updatedAt, metadata, content_hash: contentHash(body), revision, acl };
}
