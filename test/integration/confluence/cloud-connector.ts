// The Confluence connector as the tests configure it against the Cloud flavour of the REST double:
// the bot account's email and API token, with whatever else a test adds.
import type { Connector } from '../../../connectors/contract/types.js';
import { confluenceFactory } from '../../../connectors/confluence/index.js';
import type { ConfluenceDouble } from './confluence-double.js';

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** What the double expects from the connector below. */
export const CLOUD_AUTH = { type: 'basic', user: 'bot@example.com', secret: 'cloud-api-token' } as const;

export function cloudConnector(double: ConfluenceDouble, extra: Record<string, unknown> = {}): Connector {
  const config = confluenceFactory.configSchema.parse({
    name: 'confluence',
    kind: 'confluence',
    url: double.baseUrl,
    email: CLOUD_AUTH.user,
    api_token_env: 'CONF_TOKEN',
    ...extra,
  });
  return confluenceFactory.create(config, { logger: silentLogger, dataDir: '.', env: { CONF_TOKEN: CLOUD_AUTH.secret } });
}
