// fly.toml serves the image's port behind forced HTTPS with a /healthz check, bounded concurrency and
// a kill timeout longer than the server's drain; each rule catches its mistake.
import { describe, expect, it } from 'vitest';
import { parse as parseToml } from 'smol-toml';
import { envSchema } from '../../../src/config/env-schema.js';
import { readImageFacts } from '../../../scripts/deploy-lint/dockerfile-facts.js';
import { lintFlyToml, parseFlyDurationMs } from '../../../scripts/deploy-lint/fly-rules.js';
import { repoViewAt } from '../../../scripts/deploy-lint/repo-view.js';
import { REPO_ROOT, mutate, readRepoFile } from './repo-files.js';

const repo = repoViewAt(REPO_ROOT);
const fly = readRepoFile('fly.toml');
const defaults = envSchema.parse({});
const options = { port: Number(readImageFacts(readRepoFile('Dockerfile')).env.PORT), shutdownTimeoutMs: defaults.SHUTDOWN_TIMEOUT_MS };

describe('fly.toml', () => {
  it('passes the rules, on the port the image listens on', () => {
    expect(options.port).toBe(3000);
    expect(lintFlyToml(fly, repo, options)).toEqual([]);
  });

  it('gives Fly more time to stop the machine than the server needs to drain', () => {
    const config = parseToml(fly) as { kill_timeout: string };
    expect(parseFlyDurationMs(config.kill_timeout)).toBeGreaterThan(defaults.SHUTDOWN_TIMEOUT_MS);
  });

  it('reads Fly durations', () => {
    expect(parseFlyDurationMs('15s')).toBe(15_000);
    expect(parseFlyDurationMs('1m')).toBe(60_000);
    expect(parseFlyDurationMs(20)).toBe(20_000);
    expect(parseFlyDurationMs('soon')).toBeNull();
  });

  const mistakes: Array<[string, string | RegExp, string, string]> = [
    ['the wrong internal port', 'internal_port = 3000', 'internal_port = 8080', 'internal_port must be 3000'],
    ['plain HTTP allowed', 'force_https = true', 'force_https = false', 'force_https must be true'],
    ['no /healthz check', 'path = "/healthz"', 'path = "/"', 'path = "/healthz"'],
    ['soft limit above hard limit', 'soft_limit = 100', 'soft_limit = 500', 'soft_limit <= hard_limit'],
    ['no concurrency limits', / {2}\[http_service\.concurrency\][^[]*/, '', 'concurrency] is missing'],
    ["Fly's default SIGINT", 'kill_signal = "SIGTERM"', 'kill_signal = "SIGINT"', 'kill_signal must be "SIGTERM"'],
    ['a kill timeout shorter than the drain', 'kill_timeout = "15s"', 'kill_timeout = "5s"', "must exceed the server's 10s drain"],
    ['HOST on loopback', 'HOST = "0.0.0.0"', 'HOST = "127.0.0.1"', 'HOST must be "0.0.0.0"'],
    ['a secret in [env]', 'LOG_LEVEL = "info"', 'LOG_LEVEL = "info"\n  API_KEYS = "me:0123456789abcdef"', 'fly secrets set API_KEYS'],
    ['a missing Dockerfile', 'dockerfile = "Dockerfile"', 'dockerfile = "Dockerfile.prod"', '"Dockerfile.prod" does not exist'],
    ['broken TOML', 'internal_port = 3000', 'internal_port = ', 'not valid TOML'],
  ];
  it.each(mistakes)('catches %s', (_label, from, to, expected) => {
    expect(lintFlyToml(mutate(fly, from, to), repo, options).join('\n')).toContain(expected);
  });
});
