// The form of a URL under which two sources' copies of one page compare equal.
// Lower-case scheme and host, https for http, no fragment, no tracking parameters, no trailing slash.

const TRACKING_PARAMS = new Set([
  'gclid',
  'gclsrc',
  'dclid',
  'gbraid',
  'wbraid',
  'fbclid',
  'msclkid',
  'yclid',
  'twclid',
  'ttclid',
  'li_fat_id',
  'igshid',
  'mc_cid',
  'mc_eid',
  '_ga',
  '_gl',
  '_hsenc',
  '_hsmi',
  'mkt_tok',
  'vero_id',
  'oly_anon_id',
  'oly_enc_id',
  'rb_clickid',
  's_cid',
]);

function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('utm_') || TRACKING_PARAMS.has(lower);
}

/** Ports 80 and 443 are dropped whatever the scheme, since http is folded into https. */
function hostWithPort(host: string, port: number | null): string {
  return port === null || port === 80 || port === 443 ? host : `${host}:${port}`;
}

/** The canonical form through the WHATWG URL parser: handles every URL, at a few µs each. */
export function canonicalizeWithParser(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const params = [...url.searchParams].filter(([name]) => !isTrackingParam(name));
  // Stable sort by name keeps the order of repeated names, which can matter to the server.
  params.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = params.length > 0 ? `?${new URLSearchParams(params).toString()}` : '';
  const path = url.pathname.replace(/\/+$/, '');
  return `https://${hostWithPort(url.hostname, url.port === '' ? null : Number(url.port))}${path}${query}`;
}

// Most document URLs are plain: a DNS host, a path of URL-safe characters, no query. For those the
// parser changes nothing but the host's case, so a regex gives its answer without its allocations.
const PLAIN_URL = /^https?:\/\/((?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*)(?::(\d{1,5}))?((?:\/[A-Za-z0-9\-_~!$&'()*+,;=:@.]*)*)(?:#.*)?$/i;
const DOT_SEGMENT = /\/\.{1,2}(?:\/|$)/;

/** The canonical form, or null when the text is not an absolute http(s) URL. */
export function canonicalizeUrl(raw: string): string | null {
  const match = PLAIN_URL.exec(raw);
  if (!match) return canonicalizeWithParser(raw.trim());
  const host = match[1]!.toLowerCase();
  let path = match[3] ?? '';
  // Punycode labels are validated by the parser; dot segments are resolved by it.
  if (host.includes('xn--') || DOT_SEGMENT.test(path)) return canonicalizeWithParser(raw);
  const port = match[2] === undefined ? null : Number(match[2]);
  if (port !== null && port > 65_535) return null;
  if (path.endsWith('/')) path = path.replace(/\/+$/, '');
  return `https://${hostWithPort(host, port)}${path}`;
}
