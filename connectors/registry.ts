// The one list of connector kinds: adding a kind is one folder plus one line here.
import type { ConnectorFactory } from './registry-types.js';
import { markdownFactory } from './wiki/markdown/index.js';

export const CONNECTOR_FACTORIES: readonly ConnectorFactory[] = [markdownFactory as unknown as ConnectorFactory];
