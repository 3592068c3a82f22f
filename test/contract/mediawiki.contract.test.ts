// The connector contract for the mediawiki connector, on the real wiki of .ci/mediawiki/setup.sh
// (which imports the contract documents with their own timestamps through importDump.php).
import { mediawikiFactory } from '../../connectors/mediawiki/index.js';
import { resolveTestWiki } from '../integration/mediawiki/mediawiki-test-wiki.js';
import { defineConnectorContract } from './connector-contract.js';

const wiki = await resolveTestWiki('portafilter');
const logger = { debug() {}, info() {}, warn() {}, error() {} };

defineConnectorContract(
  'mediawiki',
  async () => {
    if (typeof wiki === 'string') throw new Error(wiki);
    const config = mediawikiFactory.configSchema.parse({
      name: 'wiki',
      kind: 'mediawiki',
      url: wiki.url,
      ...(wiki.username && wiki.password ? { username: wiki.username, password_env: 'MEDIAWIKI_PASSWORD' } : {}),
    });
    return { connector: mediawikiFactory.create(config, { logger, dataDir: './data', env: { MEDIAWIKI_PASSWORD: wiki.password ?? undefined } }) };
  },
  // CI's wiki also holds the demo runbooks.
  { skipReason: typeof wiki === 'string' ? wiki : null, recognizesUrls: true, otherDocuments: true },
);
