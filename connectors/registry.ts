// The one list of connector kinds: adding a kind is one folder plus one line here.
import { elasticsearchFactory } from './elasticsearch/index.js';
import { postgresFactory } from './postgres/index.js';
import type { ConnectorFactory } from './contract/registry-types.js';
import { scriptedConnectorFactory } from './scripted/index.js';
import { confluenceFactory } from './confluence/index.js';
import { markdownFactory } from './markdown/index.js';
import { mediawikiFactory } from './mediawiki/index.js';

/**
 * Each factory only ever receives what its own `configSchema` parsed, so the registry can hold
 * factories of differently-typed configs side by side.
 */
export const CONNECTOR_FACTORIES: ReadonlyArray<ConnectorFactory> = [
  postgresFactory,
  markdownFactory,
  elasticsearchFactory,
  mediawikiFactory,
  confluenceFactory,
  // A configurable test double (fixed answers, delays, failures) for fault-injection tests.
  scriptedConnectorFactory,
];
