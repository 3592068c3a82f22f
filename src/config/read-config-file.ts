// Finds the optional config file (--config, KNOWLEDGE_MCP_CONFIG, or a default name in the
// working directory), reads it as JSON or YAML and validates it against file-schema.ts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { formatIssues } from '../format-issues.js';
import { ConfigError, type LoadConfigOptions } from './app-config.js';
import { fileConfigSchema, type FileConfig } from './file-schema.js';

const DEFAULT_CONFIG_FILES = ['knowledge-mcp.config.json', 'knowledge-mcp.config.yaml', 'knowledge-mcp.config.yml'];

export function locateConfigFile(options: Pick<LoadConfigOptions, 'configPath' | 'cwd'>, envPath: string | undefined): string | null {
  const explicit = options.configPath ?? envPath;
  if (explicit) return path.resolve(options.cwd, explicit);
  for (const name of DEFAULT_CONFIG_FILES) {
    const candidate = path.join(options.cwd, name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** The validated file, or an empty config when there is none. */
export function readConfigFile(filePath: string | null): FileConfig {
  if (filePath === null) return {};
  let raw: unknown;
  try {
    const text = readFileSync(filePath, 'utf8');
    raw = /\.ya?ml$/i.test(filePath) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${filePath}: cannot be read as JSON/YAML (${describeSyntaxError(error)})`]);
  }
  const parsed = fileConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error.issues, path.basename(filePath), raw));
  return parsed.data;
}

/**
 * The parser's first line without the excerpt of the file that V8 quotes
 * (`Unexpected token 's', "{"key": s3cr"... is not valid JSON`): the excerpt may hold a secret.
 */
function describeSyntaxError(error: unknown): string {
  const line = ((error as Error).message ?? String(error)).split('\n')[0] ?? '';
  return line.replace(/, ".*is not valid JSON$/, ' (not valid JSON)');
}
