// A markdown source whose folder is missing names the source, never the folder's absolute path,
// in what agents and /readyz see (start, search, health); the path goes to the log, once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../../connectors/contract/errors.js';
import { markdownFactory } from '../../../connectors/markdown/index.js';

const signal = () => AbortSignal.timeout(10_000);

describe('markdown source with a missing folder', () => {
  let root: string;
  let missing: string;
  const warnings: Array<Record<string, unknown>> = [];
  const logger = { debug() {}, info() {}, error() {}, warn: (fields: Record<string, unknown>) => void warnings.push(fields) };

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'markdown-missing-'));
    missing = path.join(root, 'private-team', 'wiki');
    warnings.length = 0;
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  function create() {
    const config = markdownFactory.configSchema.parse({ name: 'runbooks', kind: 'markdown', dir: missing, refresh_interval_ms: 0 });
    return markdownFactory.create(config, { logger, dataDir: root, env: {} });
  }

  it('says which source failed, not where its folder is', async () => {
    const connector = create();
    const failures = await Promise.all([
      connector.start?.(signal()).then(
        () => null,
        (error: unknown) => error,
      ),
      connector.search({ query: 'deploy', limit: 5, updatedAfter: null, signal: signal() }).then(
        () => null,
        (error: unknown) => error,
      ),
    ]);
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(SourceError);
      expect((failure as SourceError).expose).toBe(true);
      expect((failure as SourceError).message).toBe('the markdown folder of source "runbooks" is not a readable directory');
    }
    const health = await connector.health(signal());
    expect(health).toEqual({ ok: false, documentCount: null, detail: 'the markdown folder of source "runbooks" is not a readable directory' });
    await connector.close();
  });

  it('logs the path for the operator once per outage', async () => {
    const connector = create();
    for (let i = 0; i < 3; i++) await connector.health(signal());
    expect(warnings).toEqual([{ dir: missing, code: 'ENOENT' }]);
    await connector.close();
  });
});
