// The Confluence connector against the shared connector contract, served by the REST double.
import { confluenceFactory } from '../../connectors/confluence/index.js';
import { startConfluenceDouble, type DoublePage } from '../integration/confluence/confluence-double.js';
import { defineConnectorContract } from './connector-contract.js';
import { CONTRACT_DOCUMENTS } from './contract-documents.js';

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

defineConnectorContract(
  'confluence',
  async () => {
    const pages: DoublePage[] = CONTRACT_DOCUMENTS.map((doc, i) => ({
      id: String(70001 + i),
      type: 'page',
      title: doc.title,
      space: 'DOCS',
      version: 1,
      when: doc.updatedAt,
      storage: `<p>${doc.text}</p>`,
    }));
    const double = await startConfluenceDouble({
      flavor: 'cloud',
      auth: { type: 'basic', user: 'bot@example.com', secret: 'token' },
      pages,
      spaces: [{ id: 1, key: 'DOCS', name: 'Docs', type: 'global' }],
    });
    const config = confluenceFactory.configSchema.parse({
      name: 'contract-confluence',
      kind: 'confluence',
      url: double.baseUrl,
      email: 'bot@example.com',
      api_token: 'token',
    });
    const connector = confluenceFactory.create(config, { logger: silentLogger, dataDir: '.', env: {} });
    return { connector, teardown: () => double.close() };
  },
  { recognizesUrls: true },
);
