// `knowledge-mcp search "query"` and `knowledge-mcp sources`: the tool pipeline, for humans.
import { assembleCore } from '../composition/assemble.js';
import { createMetrics } from '../metrics.js';
import { loadCliContext, writeLine } from './context.js';

const CLI_CALLER = { keyName: 'cli', allowedSources: null, requestId: 'cli' };

export async function runSearch(query: string, options: { configPath?: string; limit: number; sources?: string[]; json: boolean }): Promise<number> {
  const { config, logger } = loadCliContext(options.configPath, { logLevel: 'warn' });
  const { runtime } = await assembleCore(config, { logger, metrics: createMetrics({ defaultMetrics: false }) });
  try {
    const output = await runtime.service.search({ query, limit: options.limit, sources: options.sources }, CLI_CALLER, AbortSignal.timeout(30_000));
    if (options.json) {
      writeLine(JSON.stringify(output, null, 2));
      return 0;
    }
    output.results.forEach((result, index) => {
      writeLine(`${String(index + 1).padStart(2)}. ${result.title}  [${result.id}]  score ${result.score.toFixed(4)}`);
      writeLine(`    ${result.snippet.replace(/\s+/g, ' ').slice(0, 200)}`);
      if (result.url) writeLine(`    ${result.url}`);
    });
    if (output.results.length === 0) writeLine('no results');
    writeLine();
    writeLine(output.sources.map((s) => `${s.name}: ${s.status}${s.error ? ` (${s.error})` : ''}, ${s.count} hits, ${s.took_ms} ms`).join(' · '));
    return 0;
  } catch (error) {
    process.stderr.write(`search failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await runtime.close();
  }
}

export async function runSources(options: { configPath?: string; json: boolean }): Promise<number> {
  const { config, logger } = loadCliContext(options.configPath, { logLevel: 'warn' });
  const { runtime } = await assembleCore(config, { logger, metrics: createMetrics({ defaultMetrics: false }) });
  try {
    const sources = await runtime.service.listSources(CLI_CALLER, AbortSignal.timeout(30_000));
    if (options.json) writeLine(JSON.stringify(sources, null, 2));
    else
      for (const s of sources)
        writeLine(`${s.name.padEnd(16)} ${s.kind.padEnd(14)} ${s.status.padEnd(12)} ${s.document_count ?? '?'} documents  ${s.description}`);
    return sources.every((s) => s.status === 'ok') ? 0 : 2;
  } finally {
    await runtime.close();
  }
}
