// How a connector kind plugs in: a config schema and a factory. `connectors/registry.ts` lists them.
import type { z } from 'zod';
import type { Connector, ConnectorContext } from './types.js';
import type { BaseSourceConfig } from './source-config.js';

export interface ConnectorFactory<C extends BaseSourceConfig & { kind: string } = BaseSourceConfig & { kind: string }> {
  kind: C['kind'];
  /** zod schema of one `sources[]` entry of this kind (extends baseSourceSchema, `kind` literal). */
  configSchema: z.ZodType<C, unknown>;
  /**
   * Why this source's config needs callers who carry principals (per-document or per-user
   * permissions), in a few words; null or absent when it does not. The config is refused at start
   * when no caller could carry any (neither OAuth nor a key with principals).
   */
  identityNeed?(config: C): string | null;
  /** Build the connector; must not do I/O (that happens in `start`). */
  create(config: C, context: ConnectorContext & { env: Record<string, string | undefined> }): Connector;
}
