// The answers that never change for the life of the process (initialize, tools/list,
// server/discover, the empty lists), encoded once at start: each request only copies them
// behind its id. Checked against the MCP SDK's own result schemas in test/unit/mcp.
import { TOOL_DEFINITIONS } from '../tools/definitions.js';
import { SERVER_NAME, SERVER_VERSION } from '../version.js';
import { isSupportedLegacyVersion, LATEST_LEGACY_VERSION, META_SERVER_INFO, MODERN_PROTOCOL_VERSIONS } from './protocol-versions.js';

export const SERVER_INSTRUCTIONS =
  "knowledge-mcp searches the company's internal knowledge (handbooks, runbooks, wikis, indexed documents) in one call. " +
  'Call search_documents with plain words, then get_document with a result id (`<source>:<native id>`) to read a document in full. ' +
  'list_sources shows what is searchable.';

export const SERVER_INFO = { name: SERVER_NAME, version: SERVER_VERSION };

function encodeJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
// Empty prompt and resource lists are served (and declared) so that generic clients and the
// conformance suite see a consistent surface; documents are reached through the tools.
const LEGACY_CAPABILITIES = { tools: { listChanged: false }, prompts: {}, resources: {}, logging: {} };
const MODERN_CAPABILITIES = { tools: { listChanged: false }, prompts: {}, resources: {} };
/** Tool list and discovery are static for the life of the process. */
const CACHEABLE_TTL_MS = 300_000;
const MODERN_META = { [META_SERVER_INFO]: SERVER_INFO };

/** Fields a 2026-era tool result carries before its content. */
export const MODERN_RESULT_PREFIX = `"resultType":"complete","_meta":${JSON.stringify(MODERN_META)},`;

export const LEGACY_TOOLS_LIST = encodeJson({ tools: TOOL_DEFINITIONS });
export const MODERN_TOOLS_LIST = encodeJson({
  resultType: 'complete',
  tools: TOOL_DEFINITIONS,
  ttlMs: CACHEABLE_TTL_MS,
  cacheScope: 'public',
  _meta: MODERN_META,
});
export const MODERN_DISCOVER = encodeJson({
  resultType: 'complete',
  supportedVersions: MODERN_PROTOCOL_VERSIONS,
  capabilities: MODERN_CAPABILITIES,
  instructions: SERVER_INSTRUCTIONS,
  ttlMs: CACHEABLE_TTL_MS,
  cacheScope: 'public',
  _meta: MODERN_META,
});
export const EMPTY_RESULT = Buffer.from('{}');

/** An empty list (`{prompts: []}` and friends) in each era's result shape. */
export function emptyListAnswers(field: string): { legacy: Buffer; modern: Buffer } {
  return {
    legacy: encodeJson({ [field]: [] }),
    modern: encodeJson({ resultType: 'complete', [field]: [], ttlMs: CACHEABLE_TTL_MS, cacheScope: 'public', _meta: MODERN_META }),
  };
}

/** The initialize result for the revision the client asked for, or the newest one we speak. */
export function initializeResult(params: Record<string, unknown> | undefined): string {
  const requested = params?.protocolVersion;
  const protocolVersion = typeof requested === 'string' && isSupportedLegacyVersion(requested) ? requested : LATEST_LEGACY_VERSION;
  return JSON.stringify({ protocolVersion, capabilities: LEGACY_CAPABILITIES, serverInfo: SERVER_INFO, instructions: SERVER_INSTRUCTIONS });
}
