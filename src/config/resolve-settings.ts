// Search and cache tuning (the file wins over the environment), browser origins, and the
// fingerprint of everything that shapes answers, which every cache key includes.
import { createHash } from 'node:crypto';
import type { ApiKey, CacheSettings, SearchSettings, SourceConfig } from './app-config.js';
import type { EnvConfig } from './env-schema.js';
import type { FileConfig } from './file-schema.js';

export function resolveSearchSettings(env: EnvConfig, file: FileConfig): SearchSettings {
  return {
    deadlineMs: file.search?.deadline_ms ?? env.SEARCH_DEADLINE_MS,
    fusion: file.search?.fusion ?? 'global',
    rrfK: file.search?.rrf_k ?? 60,
  };
}

export function resolveCacheSettings(env: EnvConfig, file: FileConfig): CacheSettings {
  return {
    ttlSearchMs: file.cache?.ttl_search_ms ?? env.CACHE_TTL_SEARCH_MS,
    ttlDocumentMs: file.cache?.ttl_document_ms ?? env.CACHE_TTL_DOCUMENT_MS,
    staleMs: file.cache?.stale_ms ?? 5 * 60_000,
  };
}

export function resolveAllowedOrigins(env: EnvConfig, file: FileConfig): string[] {
  const fromEnv =
    env.ALLOWED_ORIGINS?.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean) ?? [];
  return [...fromEnv, ...(file.allowed_origins ?? [])];
}

export function fingerprintConfig(sources: readonly SourceConfig[], search: SearchSettings, keys: readonly ApiKey[]): string {
  return createHash('sha256')
    .update(JSON.stringify({ sources, search, keys: keys.map((k) => [k.name, k.sources]) }))
    .digest('base64url')
    .slice(0, 16);
}
