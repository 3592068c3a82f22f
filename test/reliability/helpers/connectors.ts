// Real connectors built through their factories (as the composition root builds them), for
// assembled services: the demo markdown folder, Elasticsearch and Confluence behind any URL.
import path from 'node:path';
import { elasticsearchFactory } from '../../../connectors/elasticsearch/index.js';
import type { ConnectorFactory } from '../../../connectors/contract/registry-types.js';
import type { Connector, ConnectorContext } from '../../../connectors/contract/types.js';
import { confluenceFactory } from '../../../connectors/confluence/index.js';
import { markdownFactory } from '../../../connectors/markdown/index.js';

export const quietLogger: ConnectorContext['logger'] = { debug() {}, info() {}, warn() {}, error() {} };
export const DEMO_RUNBOOKS = path.resolve('demo/runbooks');
export const CONFLUENCE_CLOUD_AUTH = { type: 'basic', user: 'bot@example.com', secret: 'cloud-api-token' } as const;

export function buildConnector<C extends { kind: string }>(
  factory: ConnectorFactory<any>,
  entry: Record<string, unknown>,
  env: Record<string, string | undefined> = {},
  dataDir = '/tmp',
): Connector & { start: NonNullable<Connector['start']> } {
  const config = factory.configSchema.parse(entry) as C;
  const connector = factory.create(config, { logger: quietLogger, dataDir, env });
  return Object.assign(connector, { start: connector.start?.bind(connector) ?? (async () => undefined) });
}

export function markdownRunbooks(name = 'runbooks'): Connector & { start: NonNullable<Connector['start']> } {
  return buildConnector(markdownFactory, { name, kind: 'markdown', dir: DEMO_RUNBOOKS });
}

export function elasticsearchAt(url: string, name = 'search', extra: Record<string, unknown> = {}): Connector & { start: NonNullable<Connector['start']> } {
  return buildConnector(elasticsearchFactory, { name, kind: 'elasticsearch', node: url, index: 'docs', ...extra });
}

/** A Confluence Cloud source; `baseUrl` includes the `/wiki` context path. */
export function confluenceAt(baseUrl: string, name = 'wiki', extra: Record<string, unknown> = {}): Connector & { start: NonNullable<Connector['start']> } {
  return buildConnector(
    confluenceFactory,
    { name, kind: 'confluence', url: baseUrl, email: CONFLUENCE_CLOUD_AUTH.user, api_token_env: 'CONF_TOKEN', max_retries: 0, ...extra },
    { CONF_TOKEN: CONFLUENCE_CLOUD_AUTH.secret },
  );
}

/** Documents for an Elasticsearch double's `docs` index. */
export const ES_DOCUMENTS = [
  { id: 'es-deploy', title: 'Deploy pipeline', body: 'Every deploy goes through the pipeline; roll back from the dashboard.' },
  { id: 'es-oncall', title: 'On-call rota', body: 'The on-call engineer may roll back a deploy.' },
  { id: 'es-leave', title: 'Leave', body: 'Book leave two weeks ahead.' },
];
