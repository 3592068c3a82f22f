// Writes knowledge-mcp.config.schema.json (the config file's JSON Schema) from the zod schemas.
import { writeFileSync } from 'node:fs';
import { CONNECTOR_FACTORIES } from '../connectors/registry.js';
import { CONFIG_SCHEMA_FILE, renderConfigJsonSchema } from '../src/config/config-json-schema.js';

writeFileSync(CONFIG_SCHEMA_FILE, renderConfigJsonSchema(CONNECTOR_FACTORIES));
process.stdout.write(`${CONFIG_SCHEMA_FILE} regenerated\n`);
