// The one list of connector kinds: adding a kind is one folder plus one line here.
import type { ConnectorFactory } from './registry-types.js';

export const CONNECTOR_FACTORIES: readonly ConnectorFactory[] = [];
