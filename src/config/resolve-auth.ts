// How callers prove who they are: API keys (auth mode `apikey`/`none`) and, when an issuer is
// configured, OAuth access tokens; and the rule that an address other machines can reach never
// runs without credentials of either kind.
import type { OAuthSettings } from '../auth/oauth/settings.js';
import type { ApiKey, AuthConfig } from './app-config.js';
import type { EnvConfig } from './env-schema.js';
import type { FileConfig } from './file-schema.js';
import { isLoopbackHost } from './loopback.js';
import { resolveOAuth } from './resolve-oauth.js';

export interface ResolvedAuth {
  auth: AuthConfig;
  oauth: OAuthSettings | null;
}

export function resolveAuth(env: EnvConfig, file: FileConfig, keys: ApiKey[], problems: string[]): ResolvedAuth {
  const oauth = resolveOAuth(env, file.oauth, problems);
  if (env.AUTH === 'apikey' && keys.length === 0 && oauth === null && !isLoopbackHost(env.HOST)) {
    problems.push(
      `HOST: ${env.HOST} is reachable from other machines, so API_KEYS (name:key pairs) must be set; set AUTH=none only behind a gateway that authenticates`,
    );
  }
  return { auth: { mode: env.AUTH, keys }, oauth };
}
