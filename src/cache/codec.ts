// Byte format of a cache entry in Redis: a one-byte format marker, the three timestamps, then
// the JSON value — deflated or brotli-compressed when large. Unknown or damaged bytes read as a miss.
import { brotliCompressSync, brotliDecompressSync, constants as zlibConstants, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { CacheEntry } from './entry.js';

export type Compression = 'deflate' | 'brotli';

export interface CodecOptions {
  /** Values whose JSON is at least this many bytes are compressed. */
  compressMinBytes: number;
  compression: Compression;
}

const MARKER_JSON = 0x4a; // 'J'
const MARKER_DEFLATE = 0x44; // 'D'
const MARKER_BROTLI = 0x42; // 'B'
const HEADER_BYTES = 1 + 3 * 8;

export function encodeEntry(entry: CacheEntry, options: CodecOptions): Buffer {
  const json = Buffer.from(JSON.stringify(entry.value), 'utf8');
  let marker = MARKER_JSON;
  let body = json;
  if (json.length >= options.compressMinBytes) {
    if (options.compression === 'brotli') {
      marker = MARKER_BROTLI;
      // Quality 4 compresses about as fast as deflate's default and smaller; 11 would cost milliseconds.
      body = brotliCompressSync(json, {
        params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: json.length },
      });
    } else {
      marker = MARKER_DEFLATE;
      body = deflateRawSync(json);
    }
  }
  const out = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  out[0] = marker;
  out.writeDoubleBE(entry.storedAt, 1);
  out.writeDoubleBE(entry.freshUntil, 9);
  out.writeDoubleBE(entry.staleUntil, 17);
  body.copy(out, HEADER_BYTES);
  return out;
}

/** The entry, or null when the bytes are not one we wrote (another format, truncated, corrupt). */
export function decodeEntry(bytes: Buffer): CacheEntry | null {
  if (bytes.length < HEADER_BYTES) return null;
  const body = bytes.subarray(HEADER_BYTES);
  let json: Buffer;
  try {
    switch (bytes[0]) {
      case MARKER_JSON:
        json = body;
        break;
      case MARKER_DEFLATE:
        json = inflateRawSync(body);
        break;
      case MARKER_BROTLI:
        json = brotliDecompressSync(body);
        break;
      default:
        return null;
    }
    return {
      value: JSON.parse(json.toString('utf8')) as unknown,
      storedAt: bytes.readDoubleBE(1),
      freshUntil: bytes.readDoubleBE(9),
      staleUntil: bytes.readDoubleBE(17),
    };
  } catch {
    return null;
  }
}
