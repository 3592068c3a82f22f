// The secret that signs paging cursors. Every instance behind one endpoint must agree on it, so
// without an explicit one it is derived from the API keys; only a keyless server draws a random one.
import { createHash, randomBytes } from 'node:crypto';
import type { ApiKey } from './app-config.js';
import type { EnvConfig } from './env-schema.js';
import type { FileConfig } from './file-schema.js';

export function resolveCursorSecret(env: EnvConfig, file: FileConfig, rawEnv: Record<string, string | undefined>, keys: readonly ApiKey[]): string {
  const configured = (file.cursor_secret_env ? rawEnv[file.cursor_secret_env] : undefined) ?? env.CURSOR_SECRET;
  if (configured !== undefined) return configured;
  if (keys.length === 0) return randomBytes(32).toString('base64url');
  return createHash('sha256')
    .update(`knowledge-mcp cursor|${keys.map((k) => k.key).join('|')}`)
    .digest('base64url');
}
