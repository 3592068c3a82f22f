// The JSON Schema of the config file, for editors (`"$schema"`) and for the package: made from the
// same zod schemas that validate the file at start, with each source entry as a union on `kind`
// of the registered connector kinds. `npm run docs:schema` writes it; a test fails when it is stale.
import { z } from 'zod';
import type { ConnectorFactory } from '../../connectors/contract/registry-types.js';
import { fileConfigSchema } from './file-schema.js';

export const CONFIG_SCHEMA_FILE = 'knowledge-mcp.config.schema.json';
/** A name, not a location: the schema ships in the package and is referenced by relative path. */
export const CONFIG_SCHEMA_ID = 'urn:knowledge-mcp:config-schema';

export function buildConfigJsonSchema(factories: readonly ConnectorFactory[]): Record<string, unknown> {
  const variants = factories.map((factory) => factory.configSchema.meta({ title: `${factory.kind} source` }));
  const sourceSchema = z.discriminatedUnion('kind', variants as unknown as [z.ZodObject, ...z.ZodObject[]]);
  const documented = fileConfigSchema.extend({
    sources: z
      .array(sourceSchema)
      .optional()
      .describe(fileConfigSchema.shape.sources.description ?? ''),
  });
  const generated = z.toJSONSchema(documented, { io: 'input', target: 'draft-2020-12' });
  const { $schema, ...body } = generated;
  return {
    $schema,
    $id: CONFIG_SCHEMA_ID,
    title: 'knowledge-mcp configuration file',
    description: 'knowledge-mcp.config.json (or .yaml): sources, API keys and tuning. Environment variables are described in docs/configuration.md.',
    ...body,
  };
}

/** The file's exact text: what `npm run docs:schema` writes and the staleness test compares. */
export function renderConfigJsonSchema(factories: readonly ConnectorFactory[]): string {
  return `${JSON.stringify(buildConfigJsonSchema(factories), null, 2)}\n`;
}
