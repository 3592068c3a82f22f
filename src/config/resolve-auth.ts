// How callers prove who they are: the auth mode and its API keys, and the rule that an address
// other machines can reach never runs without credentials. Another credential kind (an OAuth
// resource-server block from `OAUTH_*` / the file's `oauth`) is resolved here beside the keys.
import type { ApiKey, AuthConfig } from './app-config.js';
import type { EnvConfig } from './env-schema.js';
import { isLoopbackHost } from './loopback.js';

export function resolveAuth(env: EnvConfig, keys: ApiKey[], problems: string[]): AuthConfig {
  if (env.AUTH === 'apikey' && keys.length === 0 && !isLoopbackHost(env.HOST)) {
    problems.push(
      `HOST: ${env.HOST} is reachable from other machines, so API_KEYS (name:key pairs) must be set; set AUTH=none only behind a gateway that authenticates`,
    );
  }
  return { mode: env.AUTH, keys };
}
