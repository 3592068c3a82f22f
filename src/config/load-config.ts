// Reads the environment and the optional config file into one validated AppConfig: a short
// pipeline of steps with one job each. The only module that reads process.env (callers pass it in);
// every mistake becomes one line, and all of them are reported together.
import path from 'node:path';
import { ConfigError, type AppConfig, type LoadConfigOptions } from './app-config.js';
import { resolveCursorSecret } from './cursor-secret.js';
import { parseEnvironment } from './parse-environment.js';
import { locateConfigFile, readConfigFile } from './read-config-file.js';
import { resolveAuth } from './resolve-auth.js';
import { resolveKeys } from './resolve-keys.js';
import { fingerprintConfig, resolveAllowedOrigins, resolveCacheSettings, resolveSearchSettings } from './resolve-settings.js';
import { resolveSources } from './resolve-sources.js';
import { resolveTls } from './resolve-tls.js';
import { tracingConfigFrom } from './tracing-config.js';
import { checkIdentityNeeds } from './resolve-identity-needs.js';

export type { ApiKey, AppConfig, LoadConfigOptions, SourceConfig } from './app-config.js';
export { ConfigError } from './app-config.js';
export { isLoopbackHost } from './loopback.js';

export function loadConfig(options: LoadConfigOptions): AppConfig {
  const env = parseEnvironment(options.env);
  const file = readConfigFile(locateConfigFile(options, env.KNOWLEDGE_MCP_CONFIG));

  const problems: string[] = [];
  const { sources, demo } = resolveSources(env, file, options.factories, problems);
  const keys = resolveKeys(env.API_KEYS, file, options.env, sources, problems);
  const { auth, oauth } = resolveAuth(env, file, keys, problems);
  checkIdentityNeeds(sources, options.factories, { oauth: oauth !== null, keys }, problems);
  const tls = resolveTls(env, options.cwd, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const search = resolveSearchSettings(env, file);
  return {
    host: env.HOST,
    port: env.PORT,
    auth,
    oauth,
    allowedOrigins: resolveAllowedOrigins(env, file),
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    sources,
    demo,
    dataDir: path.resolve(options.cwd, env.DATA_DIR),
    redisUrl: env.REDIS_URL ?? null,
    cursorSecret: resolveCursorSecret(env, file, options.env, keys),
    search,
    cache: resolveCacheSettings(env, file),
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    tls,
    trustProxy: env.TRUST_PROXY,
    logLevel: env.LOG_LEVEL,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    shutdownDrainMs: env.SHUTDOWN_DRAIN_MS,
    tracing: tracingConfigFrom(env),
    fingerprint: fingerprintConfig(sources, search, keys),
    env: options.env,
  };
}
