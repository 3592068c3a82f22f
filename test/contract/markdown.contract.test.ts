// The markdown-folder connector against the shared connector contract, over a temporary folder.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { markdownFactory } from '../../connectors/markdown/index.js';
import { defineConnectorContract } from './connector-contract.js';
import { CONTRACT_DOCUMENTS } from './contract-documents.js';

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

defineConnectorContract(
  'markdown',
  async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'markdown-contract-'));
    for (const doc of CONTRACT_DOCUMENTS) {
      const frontMatter = `---\ntitle: ${JSON.stringify(doc.title)}\nurl: ${doc.url}\nupdated: ${doc.updatedAt}\n---\n`;
      await writeFile(path.join(dir, `${doc.id}.md`), `${frontMatter}\n${doc.text}\n`);
    }
    const config = markdownFactory.configSchema.parse({ name: 'contract-md', kind: 'markdown', dir });
    const connector = markdownFactory.create(config, { logger: silentLogger, dataDir: dir, env: {} });
    return { connector, teardown: () => rm(dir, { recursive: true, force: true }) };
  },
  { recognizesUrls: true },
);
