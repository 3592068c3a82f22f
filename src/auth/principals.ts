// Principals (DESIGN §7): the names a document's ACL lists. A token gives `user:<sub>`,
// `user:<email>` and `group:<g>` per groups-claim value; a key gives its configured list.

export const PRINCIPAL_PATTERN = /^(user|group):\S.{0,254}$/;

/** Principals of a validated access token's claims; claims of the wrong shape are ignored. */
export function principalsFromClaims(claims: Record<string, unknown>, groupsClaim: string): string[] {
  const principals = new Set<string>();
  if (typeof claims.sub === 'string' && claims.sub.length > 0) principals.add(`user:${claims.sub}`);
  if (typeof claims.email === 'string' && claims.email.length > 0) principals.add(`user:${claims.email.toLowerCase()}`);
  for (const group of groupValues(claimAt(claims, groupsClaim))) principals.add(`group:${group}`);
  return [...principals].filter((principal) => PRINCIPAL_PATTERN.test(principal));
}

/** A claim by name, or by a dotted path into nested objects (Keycloak's `realm_access.roles`). */
function claimAt(claims: Record<string, unknown>, name: string): unknown {
  if (name in claims) return claims[name];
  let value: unknown = claims;
  for (const part of name.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Groups arrive as an array of strings, or as one space/comma-separated string. */
function groupValues(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string' && item.length > 0);
  if (typeof value === 'string') return value.split(/[\s,]+/).filter((item) => item.length > 0);
  return [];
}
