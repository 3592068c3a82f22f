// Which `_source` fields hold a document's id, title, body, URL and date: configured, or detected
// from the index mapping so that an existing index works without field configuration.

/** Resolved field names; null when the index has no such field. */
export interface FieldMap {
  /** `_id` or a `_source` field holding the native id. */
  id: string;
  /** Where an exact lookup of the id goes: the id field, or its `.keyword` sub-field when it is text. */
  idLookup: string;
  title: string | null;
  body: string | null;
  url: string | null;
  updatedAt: string | null;
  /** The source's `acl_field` (principals who may read the document); null/absent = not enforced. */
  acl?: string | null;
}

export interface ConfiguredFields {
  id?: string | undefined;
  title?: string | undefined;
  body?: string | undefined;
  url?: string | undefined;
  updated_at?: string | undefined;
}

/** The names `ingest` writes and a fresh index uses. */
export const DEFAULT_FIELDS: FieldMap = {
  id: '_id',
  idLookup: '_id',
  title: 'title',
  body: 'body',
  url: 'url',
  updatedAt: 'updated_at',
};

// Candidates in order of preference, for indexes built by other tools (CMS exports, log shippers).
const CANDIDATES = {
  title: { names: ['title', 'name', 'subject', 'headline', 'heading'], types: ['text', 'match_only_text', 'keyword'] },
  body: {
    names: ['body', 'content', 'text', 'description', 'message', 'summary'],
    types: ['text', 'match_only_text'],
  },
  url: { names: ['url', 'link', 'href', 'uri', 'permalink'], types: ['keyword', 'text', 'wildcard'] },
  updatedAt: {
    names: ['updated_at', 'updatedAt', 'last_modified', 'modified', 'modified_at', '@timestamp', 'timestamp', 'date'],
    types: ['date', 'date_nanos'],
  },
} as const;

/**
 * Flattens a `GET <index>/_mapping` response (one entry per concrete index) into dotted field
 * paths and their types. When indexes behind a pattern disagree, the first one seen wins.
 */
export function flattenMapping(response: unknown): Map<string, string> {
  const types = new Map<string, string>();
  if (typeof response !== 'object' || response === null) return types;
  for (const entry of Object.values(response)) {
    const properties = (entry as { mappings?: { properties?: unknown } } | null)?.mappings?.properties;
    walkProperties(properties, '', types);
  }
  return types;
}

function walkProperties(properties: unknown, prefix: string, out: Map<string, string>): void {
  if (typeof properties !== 'object' || properties === null) return;
  for (const [name, raw] of Object.entries(properties)) {
    const path = prefix + name;
    const spec = raw as { type?: unknown; properties?: unknown; fields?: unknown };
    if (typeof spec.type === 'string' && !out.has(path)) out.set(path, spec.type);
    if (spec.properties !== undefined) walkProperties(spec.properties, `${path}.`, out);
    // Multi-fields (`title.keyword`) are searchable paths of their own.
    if (spec.fields !== undefined) walkProperties(spec.fields, `${path}.`, out);
  }
}

/**
 * Configured names win; the rest come from the mapping's candidates. With no mapping at all
 * (index not created yet) the defaults are used, so that `ingest` and later searches agree.
 */
export function resolveFields(configured: ConfiguredFields, mapping: Map<string, string> | null): FieldMap {
  const id = configured.id ?? DEFAULT_FIELDS.id;
  if (mapping === null || mapping.size === 0) {
    return {
      id,
      idLookup: id,
      title: configured.title ?? DEFAULT_FIELDS.title,
      body: configured.body ?? DEFAULT_FIELDS.body,
      url: configured.url ?? DEFAULT_FIELDS.url,
      updatedAt: configured.updated_at ?? DEFAULT_FIELDS.updatedAt,
    };
  }
  const pick = (kind: keyof typeof CANDIDATES): string | null => {
    const { names, types } = CANDIDATES[kind];
    for (const name of names) {
      const type = mapping.get(name);
      if (type !== undefined && (types as readonly string[]).includes(type)) return name;
    }
    return null;
  };
  // A term query on an analysed text field would compare against its tokens, not the whole id.
  const idLookup = mapping.get(id) === 'text' && mapping.get(`${id}.keyword`) === 'keyword' ? `${id}.keyword` : id;
  return {
    id,
    idLookup,
    title: configured.title ?? pick('title'),
    body: configured.body ?? pick('body'),
    url: configured.url ?? pick('url'),
    updatedAt: configured.updated_at ?? pick('updatedAt'),
  };
}

/** Reads a dotted path from `_source`, accepting both nested objects and literal dotted keys. */
export function readField(source: Record<string, unknown> | undefined, path: string | null): unknown {
  if (source === undefined || path === null) return undefined;
  if (path in source) return source[path];
  let current: unknown = source;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** A field value as text: strings as they are, arrays joined, numbers printed, the rest empty. */
export function fieldText(value: unknown, separator = ' '): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value))
    return value
      .map((item) => fieldText(item, separator))
      .filter(Boolean)
      .join(separator);
  return '';
}

/** A date field as ISO 8601 (strings and epoch milliseconds), or null when it can't be read. */
export function fieldDate(value: unknown): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first !== 'string' && typeof first !== 'number') return null;
  const date = new Date(typeof first === 'string' && /^\d{10,}$/.test(first) ? Number(first) : first);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
