import { describe, expect, it } from 'vitest';
import { KnowledgeError } from '../../../connectors/contract/errors.js';
import { createCursorEncoder, decodeCursor, encodeCursor, searchFingerprint } from '../../../src/federation/cursor.js';
import { planSearch } from '../../../src/federation/plan.js';
import { caller } from './helpers.js';

const names = ['a', 'b', 'c'];
const plan = (query: string, extra: { sources?: string[]; updated_after?: string } = {}) => planSearch({ query, limit: 10, ...extra }, caller(), names, 50);

function cursorError(fn: () => unknown): KnowledgeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KnowledgeError) return error;
    throw error;
  }
  throw new Error('expected INVALID_CURSOR');
}

describe('paging cursors', () => {
  const secret = 'cursor-secret';
  const fingerprint = searchFingerprint(plan('deploy rollback'), caller(), 'ns');

  it('issues the same cursors through the remembering encoder, for each offset and search, past its bound', () => {
    const encode = createCursorEncoder(secret, 3);
    const other = searchFingerprint(plan('incident template'), caller(), 'ns');
    for (let round = 0; round < 3; round += 1) {
      for (const [print, offset] of [
        [fingerprint, 10],
        [fingerprint, 20],
        [other, 10],
        [other, 30],
      ] as const) {
        const cursor = encode(print, offset);
        expect(cursor).toBe(encodeCursor(secret, print, offset));
        expect(decodeCursor(secret, cursor, print, 1000)).toBe(offset);
      }
    }
  });

  it('round-trips the offset', () => {
    const cursor = encodeCursor(secret, fingerprint, 30);
    expect(decodeCursor(secret, cursor, fingerprint, 1000)).toBe(30);
  });

  it('is opaque: neither the query nor the offset shows in plain text', () => {
    const cursor = encodeCursor(secret, fingerprint, 30);
    expect(cursor).not.toContain('deploy');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  it('rejects a cursor whose payload was altered (offset changed, signature kept)', () => {
    const cursor = encodeCursor(secret, fingerprint, 30);
    const [, signature] = cursor.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ v: 1, f: fingerprint, o: 40 })).toString('base64url');
    const error = cursorError(() => decodeCursor(secret, `${forgedPayload}.${signature}`, fingerprint, 1000));
    expect(error.code).toBe('INVALID_CURSOR');
    expect(error.expose).toBe(true);
    expect(error.message).toMatch(/not one this service issued|altered/);
  });

  it('rejects every single-character change of a cursor, spare base64 bits included', () => {
    const cursor = encodeCursor(secret, fingerprint, 10);
    for (let index = 0; index < cursor.length; index += 1) {
      // Flipping the lowest bit of the last character's value leaves the decoded bytes unchanged.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const value = alphabet.indexOf(cursor[index]!);
      const replacement = value >= 0 ? alphabet[value ^ 1]! : 'A';
      const tampered = cursor.slice(0, index) + replacement + cursor.slice(index + 1);
      expect(() => decodeCursor(secret, tampered, fingerprint, 1000), `position ${index}`).toThrow(KnowledgeError);
    }
  });

  it('rejects a cursor signed with another secret, and garbage', () => {
    const foreignInstance = encodeCursor('another-secret', fingerprint, 10);
    expect(cursorError(() => decodeCursor(secret, foreignInstance, fingerprint, 1000)).code).toBe('INVALID_CURSOR');
    for (const junk of ['', 'abc', 'a.b', '....', `${'x'.repeat(10)}.${'y'.repeat(43)}`]) {
      expect(cursorError(() => decodeCursor(secret, junk, fingerprint, 1000)).code).toBe('INVALID_CURSOR');
    }
  });

  it('rejects a genuine cursor used with a different query, filter, source set or key', () => {
    const cursor = encodeCursor(secret, fingerprint, 10);
    const others = [
      searchFingerprint(plan('deploy rollbacks'), caller(), 'ns'),
      searchFingerprint(plan('deploy rollback', { updated_after: '2025-01-01T00:00:00Z' }), caller(), 'ns'),
      searchFingerprint(plan('deploy rollback', { sources: ['a'] }), caller(), 'ns'),
      searchFingerprint(plan('deploy rollback'), caller(null, 'ci-key'), 'ns'),
      searchFingerprint(plan('deploy rollback'), caller(['a', 'b']), 'ns'),
      searchFingerprint(plan('deploy rollback'), caller(), 'other-config'),
    ];
    for (const other of others) {
      const error = cursorError(() => decodeCursor(secret, cursor, other, 1000));
      expect(error.code).toBe('INVALID_CURSOR');
      expect(error.message).toMatch(/different search/);
    }
  });

  it('treats queries that differ only in spacing as the same search', () => {
    expect(searchFingerprint(plan('  deploy   rollback '), caller(), 'ns')).toBe(fingerprint);
  });

  it('refuses an offset beyond the result window even when signed', () => {
    const cursor = encodeCursor(secret, fingerprint, 5000);
    expect(cursorError(() => decodeCursor(secret, cursor, fingerprint, 1000)).code).toBe('INVALID_CURSOR');
  });
});
