// The validated configuration every part of the server reads: what `loadConfig` returns.
// Types only; each field is resolved by one small step beside this file.
import type { BaseSourceConfig } from '../../connectors/contract/source-config.js';
import type { EnvConfig } from './env-schema.js';
import type { ConnectorFactory } from '../../connectors/contract/registry-types.js';
import type { OAuthSettings } from '../auth/oauth/settings.js';

export type SourceConfig = BaseSourceConfig & { kind: string } & Record<string, unknown>;

export interface ApiKey {
  name: string;
  key: string;
  /** Sources this key may use; null = every source. */
  sources: string[] | null;
  rateLimitPerMinute: number;
  /** Principals for document ACLs; null or absent = a service key (reads every document). */
  principals?: string[] | null;
}

export interface SearchSettings {
  deadlineMs: number;
  fusion: 'global' | 'rrf' | 'score';
  rrfK: number;
}

export interface CacheSettings {
  ttlSearchMs: number;
  ttlDocumentMs: number;
  staleMs: number;
}

export interface AuthConfig {
  mode: 'apikey' | 'none';
  keys: ApiKey[];
}

export interface AppConfig {
  host: string;
  port: number;
  auth: AuthConfig;
  /** OAuth resource-server settings; null when no OAUTH_ISSUER is configured. */
  oauth: OAuthSettings | null;
  allowedOrigins: string[];
  bodyLimitBytes: number;
  sources: SourceConfig[];
  /** True when no source was configured and the shipped demo sources are served. */
  demo: boolean;
  dataDir: string;
  redisUrl: string | null;
  cursorSecret: string;
  search: SearchSettings;
  cache: CacheSettings;
  rateLimitPerMinute: number;
  tls: { certFile: string; keyFile: string } | null;
  trustProxy: boolean;
  logLevel: EnvConfig['LOG_LEVEL'];
  shutdownTimeoutMs: number;
  /** Changes whenever anything that shapes answers changes; part of every cache key. */
  fingerprint: string;
  /** The raw environment, for connectors resolving `*_env` secrets. */
  env: Record<string, string | undefined>;
}

export interface LoadConfigOptions {
  env: Record<string, string | undefined>;
  /** `--config` from the command line; wins over KNOWLEDGE_MCP_CONFIG. */
  configPath?: string | undefined;
  cwd: string;
  factories: readonly ConnectorFactory[];
}

/** Every start-up mistake, one line each; the CLI prints them and exits 1. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
