// `knowledge-mcp ingest --source NAME FILE|DIR|-`: loads documents into one source, with a live
// counter on a terminal and a summary at the end; bumps the source's generation so caches drop
// answers that predate it — after a failure too, as soon as any batch was committed.
import type { Connector } from '../../connectors/contract/types.js';
import { describeForCaller, KnowledgeError } from '../../connectors/contract/errors.js';
import { IngestFailedError, runIngest, type IngestProgress } from '../ingest/index.js';
import { createConnectors, startConnectors } from '../composition/connectors.js';
import { loadCliContext, writeLine } from './context.js';
import { bumpSourceGeneration } from './generations.js';

export interface IngestCommandOptions {
  configPath?: string | undefined;
  source: string;
  input: string;
  skipInvalid: boolean;
}

function renderProgress(progress: IngestProgress): void {
  const rate = progress.elapsedMs > 0 ? Math.round((progress.processed / progress.elapsedMs) * 1000) : 0;
  const invalid = progress.invalid > 0 ? `, ${progress.invalid} invalid skipped` : '';
  process.stderr.write(`\r  ${progress.processed.toLocaleString('en')} documents (${rate.toLocaleString('en')}/s${invalid})   `);
}

export async function runIngestCommand(options: IngestCommandOptions): Promise<number> {
  const { config, logger } = loadCliContext(options.configPath, { logLevel: 'warn' });
  if (!config.sources.some((source) => source.name === options.source)) {
    process.stderr.write(`ingest: no source named "${options.source}"; configured: ${config.sources.map((s) => s.name).join(', ')}\n`);
    return 1;
  }
  const all = createConnectors(config, logger);
  const connector = all.get(options.source) as Connector;
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const failures = await startConnectors(new Map([[connector.name, connector]]), [], logger);
    if (failures.size > 0) {
      process.stderr.write(`ingest: source ${connector.name} could not start: ${failures.get(connector.name)}\n`);
      return 1;
    }
    const interactive = process.stderr.isTTY === true;
    const summary = await runIngest({
      connector,
      input: options.input,
      skipInvalid: options.skipInvalid,
      signal: controller.signal,
      stdin: process.stdin,
      ...(interactive ? { onProgress: renderProgress } : {}),
    });
    if (interactive) process.stderr.write('\n');
    const unchanged = summary.unchanged === null ? '' : `, ${summary.unchanged} unchanged`;
    writeLine(
      `ingested into ${summary.source} from ${summary.input}: ${summary.written} written${unchanged}, ${summary.failed.length} failed, ${summary.invalid.length} invalid skipped in ${(summary.tookMs / 1000).toFixed(1)} s`,
    );
    for (const failure of summary.failed.slice(0, 20)) writeLine(`  failed ${failure.id}: ${failure.reason}`);
    for (const record of summary.invalid.slice(0, 20)) writeLine(`  skipped ${record.file}:${record.line}: ${record.reason}`);
    await bumpSourceGeneration(config, connector.name);
    return summary.failed.length === 0 ? 0 : 2;
  } catch (error) {
    if (error instanceof IngestFailedError) {
      process.stderr.write(`\n${error.message}\n`);
      if (!(error.cause instanceof KnowledgeError)) logger.error({ err: error.cause }, 'ingest failed');
      // Committed batches are in the source: running servers must stop answering from before them.
      if (error.committed > 0) await bumpSourceGeneration(config, connector.name);
      return 1;
    }
    const message = error instanceof KnowledgeError && error.expose ? error.message : describeForCaller(error, 'ingest');
    process.stderr.write(`\ningest failed: ${message}\n`);
    if (!(error instanceof KnowledgeError)) logger.error({ err: error }, 'ingest failed');
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await Promise.allSettled([...all.values()].map((c) => c.close()));
  }
}
