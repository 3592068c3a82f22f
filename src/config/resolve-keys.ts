// The API keys: `API_KEYS` pairs, then the file's `keys` (literal or `key_env`), with their scopes.
// Two entries with one value, or one name, refuse to start: the second would silently lose its
// scope, or share the first's rate-limit bucket. Problems name entries, never key values.
import type { ApiKey, SourceConfig } from './app-config.js';
import type { FileConfig, KeyConfig } from './file-schema.js';

const MIN_KEY_LENGTH = 16;

interface LabelledKey {
  key: ApiKey;
  /** How a problem names the entry: where it was written and its name, never its value. */
  label: string;
}

export function resolveKeys(
  apiKeysVariable: string | undefined,
  file: FileConfig,
  rawEnv: Record<string, string | undefined>,
  sources: readonly SourceConfig[],
  problems: string[],
): ApiKey[] {
  const labelled = [...keysFromVariable(apiKeysVariable, problems), ...keysFromFile(file.keys ?? [], rawEnv, sources, problems)];
  reportDuplicates(labelled, problems);
  return labelled.map((entry) => entry.key);
}

function keysFromVariable(raw: string | undefined, problems: string[]): LabelledKey[] {
  if (!raw) return [];
  const keys: LabelledKey[] = [];
  raw.split(',').forEach((pair, index) => {
    const trimmed = pair.trim();
    if (!trimmed) return;
    const colon = trimmed.indexOf(':');
    const name = colon > 0 ? trimmed.slice(0, colon) : `key${index + 1}`;
    const key = colon > 0 ? trimmed.slice(colon + 1) : trimmed;
    if (key.length < MIN_KEY_LENGTH) {
      problems.push(`API_KEYS: entry ${index + 1} ("${name}") needs a key of at least ${MIN_KEY_LENGTH} characters`);
      return;
    }
    keys.push({ key: { name, key, sources: null, rateLimitPerMinute: 0, principals: null }, label: `API_KEYS entry ${index + 1} (name "${name}")` });
  });
  return keys;
}

function keysFromFile(
  entries: readonly KeyConfig[],
  rawEnv: Record<string, string | undefined>,
  sources: readonly SourceConfig[],
  problems: string[],
): LabelledKey[] {
  const keys: LabelledKey[] = [];
  entries.forEach((entry, index) => {
    const key = entry.key ?? (entry.key_env ? rawEnv[entry.key_env] : undefined);
    if (!key || key.length < MIN_KEY_LENGTH) {
      problems.push(`keys[${index}].key_env: environment variable ${entry.key_env} must hold a key of at least ${MIN_KEY_LENGTH} characters`);
      return;
    }
    for (const name of entry.sources ?? []) {
      if (!sources.some((source) => source.name === name)) {
        problems.push(`keys[${index}].sources: "${name}" is not a configured source`);
      }
    }
    keys.push({
      key: {
        name: entry.name,
        key,
        sources: entry.sources ?? null,
        rateLimitPerMinute: entry.rate_limit_per_minute ?? 0,
        principals: entry.principals ?? null,
      },
      label: `keys[${index}] (name "${entry.name}")`,
    });
  });
  return keys;
}

function reportDuplicates(keys: readonly LabelledKey[], problems: string[]): void {
  const byValue = new Map<string, LabelledKey>();
  const byName = new Map<string, LabelledKey>();
  for (const entry of keys) {
    const sameValue = byValue.get(entry.key.key);
    if (sameValue) problems.push(`${entry.label} has the same key as ${sameValue.label}; give each entry its own key`);
    else byValue.set(entry.key.key, entry);
    const sameName = byName.get(entry.key.name);
    if (sameName) problems.push(`${entry.label} has the same name as ${sameName.label}; key names must be unique (each has its own rate limit)`);
    else byName.set(entry.key.name, entry);
  }
}
