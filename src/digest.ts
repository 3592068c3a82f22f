// SHA-256 digests (base64url) of short texts, remembered: cache keys and cursor fingerprints
// hash the same few bases over and over (repeated searches are what the cache is for), and
// each fresh hash costs microseconds on the hot path. Bounded: when full, it starts over.
import { createHash } from 'node:crypto';

const MAX_REMEMBERED = 4096;
const remembered = new Map<string, string>();

export function sha256Base64url(text: string): string {
  let digest = remembered.get(text);
  if (digest === undefined) {
    digest = createHash('sha256').update(text).digest('base64url');
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(text, digest);
  }
  return digest;
}
