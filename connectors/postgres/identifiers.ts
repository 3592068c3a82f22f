// SQL identifiers that come from configuration (schema, table, column names): validated by
// pattern in the config schema and always double-quoted when spliced. User text never is.

export const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

export function quoteIdent(name: string): string {
  if (!IDENTIFIER_PATTERN.test(name)) throw new Error(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."name"`, or just `"name"` when no schema is given. */
export function qualifiedName(schema: string | undefined, name: string): string {
  return schema === undefined ? quoteIdent(name) : `${quoteIdent(schema)}.${quoteIdent(name)}`;
}
