// Protocol revisions this server speaks, and the `_meta` keys of the 2026 stateless envelope.

/** Initialize-based revisions, newest first; a client asking for another gets the newest. */
export const LEGACY_PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07'] as const;
export const LATEST_LEGACY_VERSION = LEGACY_PROTOCOL_VERSIONS[0];
/** Stateless revisions (no initialize; every request carries its envelope). */
export const MODERN_PROTOCOL_VERSIONS = ['2026-07-28'] as const;
export const FIRST_MODERN_VERSION = '2026-07-28';

export const META_PROTOCOL_VERSION = 'io.modelcontextprotocol/protocolVersion';
export const META_CLIENT_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';
export const META_CLIENT_INFO = 'io.modelcontextprotocol/clientInfo';
export const META_SERVER_INFO = 'io.modelcontextprotocol/serverInfo';

/** Revisions compare as strings (they are dates); anything from 2026-07-28 on is stateless. */
export function isModernVersion(version: string): boolean {
  return version >= FIRST_MODERN_VERSION;
}

export function isSupportedLegacyVersion(version: string): boolean {
  return (LEGACY_PROTOCOL_VERSIONS as readonly string[]).includes(version);
}

export function isSupportedModernVersion(version: string): boolean {
  return (MODERN_PROTOCOL_VERSIONS as readonly string[]).includes(version);
}
