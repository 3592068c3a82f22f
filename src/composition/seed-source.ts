// Seeding a source from a file at start (the demo handbook): the composition root's job, so that
// connectors never read the project's ingest formats themselves.
import type { Connector, ConnectorContext } from '../../connectors/contract/types.js';
import { openIngestInput } from '../ingest/open-input.js';

/** Ingests `file` into `connector` when the source reports no documents; a no-op otherwise. */
export async function seedIfEmpty(connector: Connector, file: string, logger: ConnectorContext['logger'], signal: AbortSignal): Promise<void> {
  if (!connector.ingest) throw new Error(`seed_file needs a source that accepts ingest; ${connector.kind} is read-only`);
  const health = await connector.health(signal);
  if (!health.ok || health.documentCount !== 0) return;
  const input = await openIngestInput(file, { signal });
  const summary = await connector.ingest(input.documents, { signal });
  logger.info({ source: connector.name, written: summary.written, file }, 'seeded empty source');
}
