// Whether a bind address or Origin host is this machine only (decides whether keys are required).
import { isIP } from 'node:net';

/** Loopback per RFC 1122/4291 plus the name every OS maps to it. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare.startsWith('::ffff:127.');
  return false;
}
