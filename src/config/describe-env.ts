// Reads names, defaults and descriptions out of the env schema, for the README table and .env.example.
import { envSchema } from './env-schema.js';

export interface EnvVariableDoc {
  name: string;
  defaultValue: string | null;
  description: string;
}

export function describeEnvironment(): EnvVariableDoc[] {
  return Object.entries(envSchema.shape).map(([name, schema]) => {
    const parsed = envSchema.shape[name as keyof typeof envSchema.shape].safeParse(undefined);
    const defaultValue = parsed.success && parsed.data !== undefined ? String(parsed.data) : null;
    return { name, defaultValue, description: schema.description ?? '' };
  });
}

export function renderConfigTable(): string {
  const rows = describeEnvironment().map(
    (variable) => `| \`${variable.name}\` | ${variable.defaultValue === null ? '—' : `\`${variable.defaultValue}\``} | ${variable.description} |`,
  );
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

export function renderEnvExample(): string {
  const lines = ['# knowledge-mcp configuration (all optional). Generated from src/config/env-schema.ts by `npm run docs:config`.', ''];
  for (const variable of describeEnvironment()) {
    lines.push(`# ${variable.description}`);
    lines.push(`# ${variable.name}=${variable.defaultValue ?? ''}`);
    lines.push('');
  }
  return lines.join('\n');
}
