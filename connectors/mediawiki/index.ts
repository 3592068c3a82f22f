// The `mediawiki` connector kind: its config schema and factory, as the registry lists them.
import type { ConnectorFactory } from '../contract/registry-types.js';
import { mediawikiSourceSchema, resolveCredentials, type MediaWikiSourceConfig } from './config.js';
import { MediaWikiConnector } from './connector.js';

export { mediawikiSourceSchema, type MediaWikiSourceConfig } from './config.js';
export { MediaWikiConnector } from './connector.js';

export const mediawikiFactory: ConnectorFactory<MediaWikiSourceConfig> = {
  kind: 'mediawiki',
  configSchema: mediawikiSourceSchema,
  identityNeed: (config) => (config.acl.length === 0 ? null : 'acl (namespace and category permissions)'),
  create(config, context) {
    return new MediaWikiConnector(config, { credentials: resolveCredentials(config, context.env) }, context.logger);
  },
};
