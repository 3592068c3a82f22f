// Lints fly.toml: the HTTP service on the image's port behind forced HTTPS, a /healthz check, sane
// concurrency limits, SIGTERM with a kill timeout longer than the server's drain, no secrets in [env].
import { parse as parseToml } from 'smol-toml';
import type { RepoView } from './repo-view.js';

export interface FlyLintOptions {
  file?: string;
  /** The port the image listens on (Dockerfile ENV PORT). */
  port: number;
  /** How long the server drains on SIGTERM (SHUTDOWN_TIMEOUT_MS default). */
  shutdownTimeoutMs: number;
}

const SECRET_NAME = /(KEY|SECRET|TOKEN|PASSWORD|PASS)$|^API_KEYS$|^DATABASE_URL$|^REDIS_URL$/;

/** Fly durations are "15s", "1m", "500ms" or a bare number of seconds. */
export function parseFlyDurationMs(value: unknown): number | null {
  if (typeof value === 'number') return value * 1000;
  if (typeof value !== 'string') return null;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) return null;
  const amount = Number(match[1]);
  const unit = match[2] ?? 's';
  return amount * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
}

type Table = Record<string, unknown>;

function table(value: unknown): Table | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Table) : null;
}

export function lintFlyToml(text: string, repo: RepoView, options: FlyLintOptions): string[] {
  const file = options.file ?? 'fly.toml';
  const problems: string[] = [];
  const report = (message: string) => problems.push(`${file}: ${message}`);

  let config: Table;
  try {
    config = parseToml(text) as Table;
  } catch (error) {
    report(`not valid TOML: ${(error as Error).message.split('\n')[0]}`);
    return problems;
  }

  const service = table(config.http_service);
  if (!service) {
    report('[http_service] is missing');
  } else {
    if (service.internal_port !== options.port) report(`http_service.internal_port must be ${options.port} (the image's PORT)`);
    if (service.force_https !== true) report('http_service.force_https must be true (MCP clients accept only HTTPS URLs)');
    const concurrency = table(service.concurrency);
    const soft = concurrency?.soft_limit;
    const hard = concurrency?.hard_limit;
    if (!concurrency) report('[http_service.concurrency] is missing: set soft_limit and hard_limit');
    else if (typeof soft !== 'number' || typeof hard !== 'number' || soft <= 0 || soft > hard) {
      report('http_service.concurrency needs 0 < soft_limit <= hard_limit');
    } else if (concurrency.type !== 'requests' && concurrency.type !== 'connections') {
      report('http_service.concurrency.type must be "requests" or "connections"');
    }
    const checks = Array.isArray(service.checks) ? service.checks.map(table) : [];
    if (!checks.some((check) => check?.path === '/healthz')) report('http_service needs a [[http_service.checks]] entry with path = "/healthz"');
  }

  if (config.kill_signal !== 'SIGTERM') report('kill_signal must be "SIGTERM" (Fly sends SIGINT by default)');
  const killMs = parseFlyDurationMs(config.kill_timeout);
  if (killMs === null) report('kill_timeout is missing or not a duration like "15s"');
  else if (killMs <= options.shutdownTimeoutMs) {
    report(`kill_timeout (${killMs / 1000}s) must exceed the server's ${options.shutdownTimeoutMs / 1000}s drain`);
  }

  const env = table(config.env) ?? {};
  if (env.HOST !== '0.0.0.0') report('[env] HOST must be "0.0.0.0" so Fly\'s proxy can reach the server');
  if (env.PORT !== undefined && String(env.PORT) !== String(options.port)) report(`[env] PORT must be "${options.port}"`);
  for (const name of Object.keys(env)) {
    if (SECRET_NAME.test(name)) report(`[env] ${name} looks like a secret: use \`fly secrets set ${name}=…\` instead`);
  }

  const dockerfile = table(config.build)?.dockerfile;
  if (typeof dockerfile === 'string' && !repo.exists(dockerfile)) report(`build.dockerfile "${dockerfile}" does not exist`);
  return problems;
}
