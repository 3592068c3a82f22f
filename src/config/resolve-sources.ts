// The sources to serve: config-file entries, then environment shortcuts, each validated by its
// kind's schema from the registry; the shipped demo only while nothing is configured at all.
import type { ConnectorFactory } from '../../connectors/contract/registry-types.js';
import { formatIssues } from '../format-issues.js';
import type { SourceConfig } from './app-config.js';
import type { EnvConfig } from './env-schema.js';
import type { FileConfig } from './file-schema.js';
import { buildDemoSourceEntries, buildEnvSourceEntries, ENV_SHORTCUT_OF_KIND } from './source-shortcuts.js';

export interface ResolvedSources {
  sources: SourceConfig[];
  /** True when no source was configured and the demo sources are served. */
  demo: boolean;
}

export function resolveSources(env: EnvConfig, file: FileConfig, factories: readonly ConnectorFactory[], problems: string[]): ResolvedSources {
  const problemsBefore = problems.length;
  const fileSources = validateSources((file.sources ?? []) as Array<Record<string, unknown>>, factories, (index) => `sources[${index}]`, problems);
  const envEntries = buildEnvSourceEntries(env);
  const envSources = validateSources(
    envEntries,
    factories,
    (index) => `${ENV_SHORTCUT_OF_KIND[String(envEntries[index]?.kind)] ?? 'environment'} source "${String(envEntries[index]?.name)}"`,
    problems,
  );
  for (const source of envSources) {
    if (fileSources.some((other) => other.name === source.name)) {
      problems.push(`environment: a source named "${source.name}" is also in the config file; rename one`);
    }
  }
  const sources = [...fileSources, ...envSources];
  if (sources.length > 0 || problems.length > problemsBefore) return { sources, demo: false };
  return { sources: validateSources(buildDemoSourceEntries(), factories, (i) => `demo source ${i + 1}`, problems), demo: true };
}

/** Each entry parsed by its kind's schema; a mistake becomes a line naming `where(index)`. */
function validateSources(
  entries: Array<Record<string, unknown>>,
  factories: readonly ConnectorFactory[],
  where: (index: number) => string,
  problems: string[],
): SourceConfig[] {
  const byKind = new Map(factories.map((factory) => [factory.kind, factory]));
  const sources: SourceConfig[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const factory = byKind.get(String(entry.kind));
    if (!factory) {
      problems.push(`${where(index)}.kind: expected one of ${[...byKind.keys()].join(', ')} (got "${String(entry.kind)}")`);
      return;
    }
    const parsed = factory.configSchema.safeParse(entry);
    if (!parsed.success) {
      problems.push(...formatIssues(parsed.error.issues, where(index), entry));
      return;
    }
    const source = parsed.data as SourceConfig;
    if (seen.has(source.name)) {
      problems.push(`${where(index)}.name: "${source.name}" is used by another source; names must be unique`);
      return;
    }
    seen.add(source.name);
    sources.push(source);
  });
  return sources;
}
