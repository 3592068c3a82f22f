// SHA-256 digests (base64url) of short texts, remembered: cache keys and cursor fingerprints
// hash the same few bases over and over (repeated searches are what the cache is for), and
// each fresh hash costs microseconds on the hot path.
import { createHash } from 'node:crypto';
import { BoundedMemo } from './bounded-memo.js';

const digests = new BoundedMemo<string>(4096);

function hash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

export function sha256Base64url(text: string): string {
  return digests.get(text, hash);
}
