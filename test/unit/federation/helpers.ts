// Shared fixtures for federation tests: a recording logger, callers, and a federation over scripted sources.
import { ScriptedConnector, type ScriptedOptions } from '../../../connectors/scripted/index.js';
import { createFederation, type Federation } from '../../../src/federation/federation.js';
import type { FederationDeps, FederationSettingsInput } from '../../../src/federation/settings.js';
import type { Caller } from '../../../src/federation/types.js';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object | string;
  msg: string | undefined;
}

/** Records every line; a child's lines carry its bindings first, as pino writes them. */
export function recordingLogger(entries: LogEntry[] = [], bindings: Record<string, unknown> = {}): FederationDeps['logger'] & { entries: LogEntry[] } {
  const at = (level: LogEntry['level']) => (obj: object | string, msg?: string) => {
    entries.push({ level, obj: typeof obj === 'string' ? obj : { ...bindings, ...obj }, msg });
  };
  return {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => recordingLogger(entries, { ...bindings, ...more }),
  };
}

export function caller(allowed: string[] | null = null, keyName: string | null = null): Caller {
  return { keyName, allowedSources: allowed === null ? null : new Set(allowed), requestId: 'req-1' };
}

export const never = (): AbortSignal => new AbortController().signal;

/** `count` documents `<prefix>1..n`, best first, with URLs under docs.example.com/<prefix>/. */
export function docs(prefix: string, count: number): NonNullable<ScriptedOptions['documents']> {
  return Array.from({ length: count }, (_, index) => ({
    id: `${prefix}${index + 1}`,
    title: `${prefix.toUpperCase()} document ${index + 1}`,
    text: `Body of ${prefix} document ${index + 1}.`,
    url: `https://docs.example.com/${prefix}/${index + 1}`,
  }));
}

export interface SourceSpec extends ScriptedOptions {
  weight?: number;
  timeoutMs?: number;
  maxConcurrency?: number;
}

export function buildFederation(
  specs: SourceSpec[],
  settings: Partial<FederationSettingsInput> = {},
  extra: Partial<Omit<FederationDeps, 'sources' | 'settings'>> = {},
): { federation: Federation; connectors: ScriptedConnector[]; logger: ReturnType<typeof recordingLogger> } {
  const logger = recordingLogger();
  const connectors = specs.map((spec) => new ScriptedConnector(spec));
  const federation = createFederation({
    sources: connectors.map((connector, index) => ({
      connector,
      config: {
        weight: specs[index]!.weight ?? 1,
        timeout_ms: specs[index]!.timeoutMs ?? 2000,
        max_concurrency: specs[index]!.maxConcurrency ?? 16,
      },
    })),
    settings: { cursorSecret: 'test-secret', ...settings },
    logger,
    ...extra,
  });
  return { federation, connectors, logger };
}
