// Serving HTTPS directly: both PEM files or neither, and each must exist.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from './app-config.js';
import type { EnvConfig } from './env-schema.js';

export function resolveTls(env: EnvConfig, cwd: string, problems: string[]): AppConfig['tls'] {
  if ((env.TLS_CERT_FILE === undefined) !== (env.TLS_KEY_FILE === undefined)) {
    problems.push('TLS_CERT_FILE / TLS_KEY_FILE: set both to serve HTTPS, or neither');
  }
  for (const name of ['TLS_CERT_FILE', 'TLS_KEY_FILE'] as const) {
    const file = env[name];
    if (file && !existsSync(path.resolve(cwd, file))) problems.push(`${name}: no file at ${file}`);
  }
  if (!env.TLS_CERT_FILE || !env.TLS_KEY_FILE) return null;
  return { certFile: path.resolve(cwd, env.TLS_CERT_FILE), keyFile: path.resolve(cwd, env.TLS_KEY_FILE) };
}
