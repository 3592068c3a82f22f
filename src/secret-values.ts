// Which values are secrets, so that no error message ever echoes one: fields named like a
// credential are never shown, and any URL loses its userinfo (user:password@) before it is.

/** key, token, secret, password, api_key, apiKey, API_KEYS, *_key, *_token, *_secret, *password. */
const SECRET_FIELD = /(^|_)(keys?|tokens?|secrets?|bearer|credentials?)$|passw(or)?d$/;

export function isSecretFieldName(name: string): boolean {
  const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return SECRET_FIELD.test(snake);
}

/** The last named segment of a path (`keys[0].key` → `key`), which says what the value is. */
export function fieldNameOf(segments: readonly PropertyKey[]): string | null {
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i];
    if (typeof segment === 'string') return segment;
  }
  return null;
}

/**
 * `scheme://user:password@host` → `scheme://***@host`, wherever it appears in the text. The
 * scheme and userinfo lengths are bounded so that the scan stays linear in the text's length
 * (an unbounded `[a-z][a-z0-9+.-]*` backtracks quadratically over a long run of letters).
 */
export function redactUserinfo(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s/?#@]{0,1024}@/gi, '$1***@');
}

/**
 * ` (got "…")` for a rejected value a reader may see, or '' when the value is a secret,
 * an object, or absent. Long values are cut at 40 characters.
 */
export function describeRejectedValue(value: unknown, fieldName: string | null): string {
  if (value === undefined || value === null || typeof value === 'object') return '';
  if (fieldName !== null && isSecretFieldName(fieldName)) return '';
  // Only the start is ever shown: redact a bounded prefix, then cut (a URL's userinfo that the
  // cut would split is redacted first).
  const raw = String(value);
  const text = redactUserinfo(raw.length > 2048 ? raw.slice(0, 2048) : raw);
  return ` (got ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)})`;
}
