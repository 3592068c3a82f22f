// Issue 18 item 1: a markdown page whose front matter is code (`---js`, `---javascript`) or YAML
// with JavaScript tags (`!!js/function`) runs nothing, neither when the folder is ingested
// (`knowledge-mcp ingest`) nor when the markdown connector indexes it; the page reads as text.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markdownFactory } from '../../../connectors/markdown/index.js';
import type { Connector, IngestDocument } from '../../../connectors/contract/types.js';
import { runIngest } from '../../../src/ingest/index.js';
import { buildConnector } from '../helpers/connectors.js';

let dir: string;
let marker: string;

/** Code that leaves a file behind if any engine evaluates it. */
function writesMarker(tag: string): string {
  return `(globalThis.process.getBuiltinModule('node:fs').writeFileSync(${JSON.stringify(`${marker}-${tag}`)}, 'ran'), 'pwned')`;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kmcp-front-matter-code-'));
  marker = path.join(dir, '.marker');
  await writeFile(path.join(dir, 'js-engine.md'), `---js\n{ title: ${writesMarker('js')} }\n---\nThe body of the js page.\n`);
  await writeFile(path.join(dir, 'javascript-engine.md'), `---javascript\n{ title: ${writesMarker('javascript')} }\n---\nThe javascript page.\n`);
  await writeFile(
    path.join(dir, 'yaml-tags.md'),
    `---yaml\ntitle: Tagged page\nhook: !!js/function >\n  function () { return ${writesMarker('yaml-fn')}; }\nother: !!js/eval >\n  ${writesMarker('yaml-eval')}\n---\nThe tagged body.\n`,
  );
  await writeFile(path.join(dir, 'plain.md'), '---\ntitle: Plain page\nacl: [group:ops, "user:ana@example.com"]\n---\nPlain body.\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function markersWritten(): string[] {
  return ['js', 'javascript', 'yaml-fn', 'yaml-eval'].filter((tag) => existsSync(`${marker}-${tag}`));
}

function collectingConnector(into: IngestDocument[]): Connector {
  return {
    name: 'collect',
    kind: 'test',
    description: 'collects what ingest hands it',
    search: async () => [],
    get: async () => null,
    health: async () => ({ ok: true, documentCount: into.length }),
    close: async () => undefined,
    async ingest(documents) {
      for await (const doc of documents) into.push(doc);
      return { written: into.length, failed: [] };
    },
  };
}

describe('front matter is data, never code', () => {
  it('ingesting the folder runs nothing; a code block reads as text, JS tags as plain strings', async () => {
    const docs: IngestDocument[] = [];
    const summary = await runIngest({ connector: collectingConnector(docs), input: dir, signal: AbortSignal.timeout(10_000) });
    expect(markersWritten()).toEqual([]);
    expect(summary.written).toBe(4);
    const byId = new Map(docs.map((doc) => [doc.id, doc]));
    const js = byId.get('js-engine');
    expect(js?.title).toBe('js-engine');
    expect(js?.text).toContain('---js');
    expect(js?.text).toContain('The body of the js page.');
    expect(byId.get('javascript-engine')?.text).toContain('---javascript');
    const tagged = byId.get('yaml-tags');
    expect(tagged?.title).toBe('Tagged page');
    expect(tagged?.text).toBe('The tagged body.');
    expect(typeof tagged?.metadata?.hook).toBe('string');
    expect(typeof tagged?.metadata?.other).toBe('string');
    expect(byId.get('plain')?.acl).toEqual(['group:ops', 'user:ana@example.com']);
    expect(byId.get('js-engine')?.acl).toBeUndefined();
  });

  it('the markdown connector indexes the same folder without running anything', async () => {
    const connector = buildConnector(markdownFactory, { name: 'pages', kind: 'markdown', dir });
    try {
      await connector.start(AbortSignal.timeout(10_000));
      const hits = await connector.search({ query: 'pwned', limit: 10, updatedAfter: null, signal: AbortSignal.timeout(5000) });
      expect(hits.map((hit) => hit.nativeId).sort()).toEqual(['javascript-engine.md', 'js-engine.md']);
      const page = await connector.get('js-engine.md', AbortSignal.timeout(5000));
      expect(page?.content).toContain('---js');
      const tagged = await connector.get('yaml-tags.md', AbortSignal.timeout(5000));
      expect(tagged?.title).toBe('Tagged page');
      expect(typeof tagged?.metadata.hook).toBe('string');
      expect(markersWritten()).toEqual([]);
    } finally {
      await connector.close();
    }
  });
});
