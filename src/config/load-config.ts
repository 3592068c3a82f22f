// Reads the environment and the optional config file into one validated AppConfig.
// The only module that reads process.env (callers pass it in); every mistake becomes one line.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ConnectorFactory } from '../../connectors/contract/registry-types.js';
import type { BaseSourceConfig } from '../../connectors/contract/source-config.js';
import type { OAuthSettings } from '../auth/oauth/settings.js';
import { resolveOAuth } from './resolve-oauth.js';
import { envSchema, type EnvConfig } from './env-schema.js';
import { fileConfigSchema, type FileConfig } from './file-schema.js';
import { formatIssues } from '../format-issues.js';
import { buildEnvSourceEntries, buildDemoSourceEntries, ENV_SHORTCUT_OF_KIND } from './source-shortcuts.js';

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

export interface AppConfig {
  host: string;
  port: number;
  auth: { mode: 'apikey' | 'none'; keys: ApiKey[] };
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
  search: { deadlineMs: number; fusion: 'rrf' | 'score'; rrfK: number };
  cache: { ttlSearchMs: number; ttlDocumentMs: number; staleMs: number };
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

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export interface LoadConfigOptions {
  env: Record<string, string | undefined>;
  /** `--config` from the command line; wins over KNOWLEDGE_MCP_CONFIG. */
  configPath?: string | undefined;
  cwd: string;
  factories: readonly ConnectorFactory[];
}

const DEFAULT_CONFIG_FILES = ['knowledge-mcp.config.json', 'knowledge-mcp.config.yaml', 'knowledge-mcp.config.yml'];

/** Loopback per RFC 1122/4291 plus the name every OS maps to it. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare.startsWith('::ffff:127.');
  return false;
}

function readConfigFile(filePath: string): unknown {
  const text = readFileSync(filePath, 'utf8');
  if (/\.ya?ml$/i.test(filePath)) return parseYaml(text);
  return JSON.parse(text);
}

function locateConfigFile(options: LoadConfigOptions, envPath: string | undefined): string | null {
  const explicit = options.configPath ?? envPath;
  if (explicit) return path.resolve(options.cwd, explicit);
  for (const name of DEFAULT_CONFIG_FILES) {
    const candidate = path.join(options.cwd, name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

function parseApiKeysVariable(raw: string | undefined, problems: string[]): ApiKey[] {
  if (!raw) return [];
  const keys: ApiKey[] = [];
  raw.split(',').forEach((pair, index) => {
    const trimmed = pair.trim();
    if (!trimmed) return;
    const colon = trimmed.indexOf(':');
    const name = colon > 0 ? trimmed.slice(0, colon) : `key${index + 1}`;
    const key = colon > 0 ? trimmed.slice(colon + 1) : trimmed;
    if (key.length < 16) {
      problems.push(`API_KEYS: entry ${index + 1} ("${name}") needs a key of at least 16 characters`);
      return;
    }
    keys.push({ name, key, sources: null, rateLimitPerMinute: 0 });
  });
  return keys;
}

function validateSources(
  entries: Array<Record<string, unknown>>,
  factories: readonly ConnectorFactory[],
  where: (index: number) => string,
  problems: string[],
): SourceConfig[] {
  const byKind = new Map(factories.map((factory) => [factory.kind, factory]));
  const sources: SourceConfig[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const factory = byKind.get(String(entry.kind));
    if (!factory) {
      problems.push(`${where(index)}.kind: expected one of ${[...byKind.keys()].join(', ')} (got "${String(entry.kind)}")`);
      return;
    }
    const parsed = factory.configSchema.safeParse(entry);
    if (!parsed.success) {
      problems.push(...formatIssues(parsed.error.issues, where(index), entry));
      return;
    }
    const source = parsed.data as SourceConfig;
    if (seen.has(source.name)) {
      problems.push(`${where(index)}.name: "${source.name}" is used by another source; names must be unique`);
      return;
    }
    seen.add(source.name);
    sources.push(source);
  });
  return sources;
}

/**
 * Sources whose permissions need the caller's identity, when no caller can carry one: every caller
 * would be a service caller and read every document, which is not what the operator asked for.
 */
function unmetIdentityNeeds(sources: readonly SourceConfig[], factories: readonly ConnectorFactory[], identityAvailable: boolean): string[] {
  if (identityAvailable) return [];
  const byKind = new Map(factories.map((factory) => [factory.kind, factory]));
  return sources.flatMap((source) => {
    const need = byKind.get(source.kind)?.identityNeed?.(source) ?? null;
    return need === null
      ? []
      : [
          `sources.${source.name}: ${need} needs callers with principals, but no caller can have any; set OAUTH_ISSUER (and PUBLIC_URL) or give keys "principals"`,
        ];
  });
}

export function loadConfig(options: LoadConfigOptions): AppConfig {
  const problems: string[] = [];
  const envParsed = envSchema.safeParse(options.env);
  if (!envParsed.success) {
    throw new ConfigError(
      envParsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        const value = options.env[name];
        return `${name}: expected ${issue.message}${value === undefined ? '' : ` (got ${JSON.stringify(value)})`}`;
      }),
    );
  }
  const env = envParsed.data;

  let file: FileConfig = {};
  const filePath = locateConfigFile(options, env.KNOWLEDGE_MCP_CONFIG);
  if (filePath) {
    let raw: unknown;
    try {
      raw = readConfigFile(filePath);
    } catch (error) {
      throw new ConfigError([`${filePath}: cannot be read as JSON/YAML (${(error as Error).message.split('\n')[0]})`]);
    }
    const parsed = fileConfigSchema.safeParse(raw ?? {});
    if (!parsed.success) throw new ConfigError(formatIssues(parsed.error.issues, path.basename(filePath), raw));
    file = parsed.data;
  }

  const fileSources = validateSources((file.sources ?? []) as Array<Record<string, unknown>>, options.factories, (index) => `sources[${index}]`, problems);
  const envEntries = buildEnvSourceEntries(env);
  const envSources = validateSources(
    envEntries,
    options.factories,
    (index) => `${ENV_SHORTCUT_OF_KIND[String(envEntries[index]?.kind)] ?? 'environment'} source "${String(envEntries[index]?.name)}"`,
    problems,
  );
  for (const source of envSources) {
    if (fileSources.some((other) => other.name === source.name)) {
      problems.push(`environment: a source named "${source.name}" is also in the config file; rename one`);
    }
  }
  let sources = [...fileSources, ...envSources];
  const demo = sources.length === 0 && problems.length === 0;
  if (demo) {
    sources = validateSources(buildDemoSourceEntries(), options.factories, (i) => `demo source ${i + 1}`, problems);
  }

  const keys = parseApiKeysVariable(env.API_KEYS, problems);
  (file.keys ?? []).forEach((entry, index) => {
    const key = entry.key ?? (entry.key_env ? options.env[entry.key_env] : undefined);
    if (!key || key.length < 16) {
      problems.push(`keys[${index}].key_env: environment variable ${entry.key_env} must hold a key of at least 16 characters`);
      return;
    }
    for (const name of entry.sources ?? []) {
      if (!sources.some((source) => source.name === name)) {
        problems.push(`keys[${index}].sources: "${name}" is not a configured source`);
      }
    }
    keys.push({
      name: entry.name,
      key,
      sources: entry.sources ?? null,
      rateLimitPerMinute: entry.rate_limit_per_minute ?? 0,
      principals: entry.principals ?? null,
    });
  });

  const oauth = resolveOAuth(env, file.oauth, problems);
  problems.push(...unmetIdentityNeeds(sources, options.factories, oauth !== null || keys.some((key) => (key.principals?.length ?? 0) > 0)));
  if (env.AUTH === 'apikey' && keys.length === 0 && oauth === null && !isLoopbackHost(env.HOST)) {
    problems.push(
      `HOST: ${env.HOST} is reachable from other machines, so API_KEYS (name:key pairs) must be set; set AUTH=none only behind a gateway that authenticates`,
    );
  }
  if ((env.TLS_CERT_FILE === undefined) !== (env.TLS_KEY_FILE === undefined)) {
    problems.push('TLS_CERT_FILE / TLS_KEY_FILE: set both to serve HTTPS, or neither');
  }
  for (const name of ['TLS_CERT_FILE', 'TLS_KEY_FILE'] as const) {
    const file = env[name];
    if (file && !existsSync(path.resolve(options.cwd, file))) problems.push(`${name}: no file at ${file}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const cursorSecret =
    (file.cursor_secret_env ? options.env[file.cursor_secret_env] : undefined) ??
    env.CURSOR_SECRET ??
    (keys.length > 0
      ? createHash('sha256')
          .update(`knowledge-mcp cursor|${keys.map((k) => k.key).join('|')}`)
          .digest('base64url')
      : randomBytes(32).toString('base64url'));

  const search = {
    deadlineMs: file.search?.deadline_ms ?? env.SEARCH_DEADLINE_MS,
    fusion: file.search?.fusion ?? 'score',
    rrfK: file.search?.rrf_k ?? 60,
  };
  const cache = {
    ttlSearchMs: file.cache?.ttl_search_ms ?? env.CACHE_TTL_SEARCH_MS,
    ttlDocumentMs: file.cache?.ttl_document_ms ?? env.CACHE_TTL_DOCUMENT_MS,
    staleMs: file.cache?.stale_ms ?? 5 * 60_000,
  };
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ sources, search, keys: keys.map((k) => [k.name, k.sources]) }))
    .digest('base64url')
    .slice(0, 16);

  return {
    host: env.HOST,
    port: env.PORT,
    auth: { mode: env.AUTH, keys },
    oauth,
    allowedOrigins: [
      ...(env.ALLOWED_ORIGINS?.split(',')
        .map((o) => o.trim())
        .filter(Boolean) ?? []),
      ...(file.allowed_origins ?? []),
    ],
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    sources,
    demo,
    dataDir: path.resolve(options.cwd, env.DATA_DIR),
    redisUrl: env.REDIS_URL ?? null,
    cursorSecret,
    search,
    cache,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    tls:
      env.TLS_CERT_FILE && env.TLS_KEY_FILE
        ? { certFile: path.resolve(options.cwd, env.TLS_CERT_FILE), keyFile: path.resolve(options.cwd, env.TLS_KEY_FILE) }
        : null,
    trustProxy: env.TRUST_PROXY,
    logLevel: env.LOG_LEVEL,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    fingerprint,
    env: options.env,
  };
}
