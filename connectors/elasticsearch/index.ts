// The `elasticsearch` connector kind: its config schema and factory, as the registry lists them.
import type { ConnectorFactory } from '../contract/registry-types.js';
import { elasticsearchSourceSchema, listNodes, resolveAuth, type ElasticsearchSourceConfig } from './config.js';
import { ElasticsearchConnector } from './connector.js';

export { elasticsearchSourceSchema, type ElasticsearchSourceConfig } from './config.js';
export { ElasticsearchConnector } from './connector.js';

export const elasticsearchFactory: ConnectorFactory<ElasticsearchSourceConfig> = {
  kind: 'elasticsearch',
  configSchema: elasticsearchSourceSchema,
  identityNeed: (config) => (config.acl_field === undefined ? null : `acl_field "${config.acl_field}" (document permissions)`),
  create(config, context) {
    return new ElasticsearchConnector(
      config,
      {
        nodes: listNodes(config),
        auth: resolveAuth(config, context.env),
        caFile: config.tls?.ca_file,
        caFingerprint: config.tls?.ca_fingerprint,
        requestTimeoutMs: config.request_timeout_ms,
      },
      context.logger,
    );
  },
};
