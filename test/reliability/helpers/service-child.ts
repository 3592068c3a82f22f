// Entry of a child process that serves the assembled server (see service-process.ts): sources
// from config entries, read by loadConfig like any config file, and federation settings from
// the spec. Run in its own process so that a crash (an uncaught error from a driver) is seen as
// what it would be in production: the server dying. Prints `LISTENING <url>` once it listens.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONNECTOR_FACTORIES } from '../../../connectors/registry.js';
import { assembleServer } from '../../../src/composition/assemble.js';
import { loadConfig } from '../../../src/config/load-config.js';
import type { FederationSettingsInput } from '../../../src/federation/index.js';
import { createLogger } from '../../../src/logger.js';
import { createMetrics } from '../../../src/metrics.js';

interface ChildSpec {
  sources: Array<Record<string, unknown> & { kind: string; name: string }>;
  settings?: Omit<FederationSettingsInput, 'cursorSecret'>;
  dataDir: string;
}

const spec = JSON.parse(process.env.KMCP_CHILD_SPEC ?? '{}') as ChildSpec;
const configPath = path.join(spec.dataDir, 'knowledge-mcp.config.json');
writeFileSync(configPath, JSON.stringify({ sources: spec.sources }));
const config = loadConfig({
  env: { HOST: '127.0.0.1', PORT: '0', DATA_DIR: spec.dataDir, CURSOR_SECRET: 'child-secret' },
  configPath,
  cwd: spec.dataDir,
  factories: CONNECTOR_FACTORIES,
});
const logger = createLogger(process.env.KMCP_CHILD_LOG_LEVEL ?? 'warn', process.stderr);
const assembled = await assembleServer(config, {
  logger,
  metrics: createMetrics({ defaultMetrics: false }),
  ...(spec.settings ? { federation: spec.settings } : {}),
  cache: false,
});
const server = await assembled.listen();
process.stdout.write(`LISTENING ${server.url}\n`);
process.once('SIGTERM', () => {
  void assembled.close().then(() => process.exit(0));
});
