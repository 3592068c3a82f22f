// Validates the environment variables against env-schema.ts; any mistake stops here, one line each.
import { describeRejectedValue } from '../secret-values.js';
import { ConfigError } from './app-config.js';
import { envSchema, type EnvConfig } from './env-schema.js';

export function parseEnvironment(env: Record<string, string | undefined>): EnvConfig {
  const parsed = envSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      return `${name}: expected ${issue.message}${describeRejectedValue(env[name], name)}`;
    }),
  );
}
