// In-memory indices of the Elasticsearch double: mappings (explicit and dynamic), aliases,
// documents with routing, and near-real-time visibility (search sees a document after a refresh).
import { randomUUID } from 'node:crypto';
import type { AnalyzerName } from './analysis.js';
import { esError, indexNotFound, type EsError } from './error-bodies.js';

export interface FieldSpec {
  type: string;
  analyzer?: string;
  properties?: Record<string, FieldSpec>;
  fields?: Record<string, FieldSpec>;
  enabled?: boolean;
  [key: string]: unknown;
}

export interface StoredDoc {
  id: string;
  source: Record<string, unknown>;
  routing: string | null;
  version: number;
  seqNo: number;
}

export class DoubleIndex {
  readonly uuid = randomUUID().replace(/-/g, '').slice(0, 22);
  readonly docs = new Map<string, StoredDoc>();
  /** What search sees: the documents as of the last refresh. */
  visible = new Map<string, StoredDoc>();
  properties: Record<string, FieldSpec> = {};
  seqNo = 0;

  constructor(
    readonly name: string,
    readonly shards: number,
  ) {}

  refresh(): void {
    this.visible = new Map(this.docs);
  }

  /** The field's mapping type and analyzer, following dotted paths into object properties. */
  field(path: string): FieldSpec | null {
    let properties: Record<string, FieldSpec> | undefined = this.properties;
    const parts = path.split('.');
    for (let i = 0; i < parts.length; i += 1) {
      const spec: FieldSpec | undefined = properties?.[parts[i] ?? ''];
      if (spec === undefined) {
        const sub = parts.slice(0, i).join('.');
        const parent = sub === '' ? undefined : this.field(sub);
        return parent?.fields?.[parts.slice(i).join('.')] ?? null;
      }
      if (i === parts.length - 1) return spec;
      properties = spec.properties;
    }
    return null;
  }

  analyzerOf(path: string): AnalyzerName {
    const spec = this.field(path);
    if (spec === null) return 'standard';
    if (spec.type === 'keyword' || spec.type === 'wildcard') return 'keyword';
    return spec.analyzer === 'english' ? 'english' : 'standard';
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

export class DoubleStore {
  readonly indices = new Map<string, DoubleIndex>();
  readonly aliases = new Map<string, Set<string>>();

  createIndex(
    name: string,
    body: { mappings?: { properties?: Record<string, FieldSpec> }; settings?: unknown; aliases?: Record<string, unknown> } = {},
  ): DoubleIndex {
    const settings = body.settings as { number_of_shards?: unknown; index?: { number_of_shards?: unknown } } | undefined;
    const shards = Number(settings?.number_of_shards ?? settings?.index?.number_of_shards ?? 1) || 1;
    const index = new DoubleIndex(name, shards);
    index.properties = structuredClone(body.mappings?.properties ?? {});
    this.indices.set(name, index);
    for (const alias of Object.keys(body.aliases ?? {})) this.addAlias(alias, name);
    return index;
  }

  addAlias(alias: string, index: string): void {
    const members = this.aliases.get(alias) ?? new Set<string>();
    members.add(index);
    this.aliases.set(alias, members);
  }

  deleteIndex(name: string): void {
    this.indices.delete(name);
    for (const members of this.aliases.values()) members.delete(name);
  }

  exists(name: string): boolean {
    return this.indices.has(name) || (this.aliases.get(name)?.size ?? 0) > 0;
  }

  /**
   * Resolves an index expression (`a`, `a,b`, `logs-*`, `*,-old`, `_all`) to concrete indices.
   * A concrete name that does not exist is an error; a wildcard that matches nothing is not.
   */
  resolve(expression: string | undefined): DoubleIndex[] | EsError {
    const names = new Set<string>();
    const parts = expression === undefined || expression === '' || expression === '_all' ? ['*'] : expression.split(',');
    for (const part of parts) {
      const exclude = part.startsWith('-') && names.size > 0;
      const name = exclude ? part.slice(1) : part;
      const matched = this.#match(name);
      if (matched === null) return indexNotFound(name);
      for (const concrete of matched) {
        if (exclude) names.delete(concrete);
        else names.add(concrete);
      }
    }
    return [...names]
      .sort()
      .map((name) => this.indices.get(name))
      .filter((index): index is DoubleIndex => index !== undefined);
  }

  #match(name: string): string[] | null {
    if (!name.includes('*')) {
      if (this.indices.has(name)) return [name];
      const members = this.aliases.get(name);
      return members !== undefined && members.size > 0 ? [...members] : null;
    }
    const pattern = new RegExp(`^${name.split('*').map(escapeRegExp).join('.*')}$`);
    const out: string[] = [];
    for (const index of this.indices.keys()) if (pattern.test(index) && !index.startsWith('.')) out.push(index);
    for (const [alias, members] of this.aliases) if (pattern.test(alias)) out.push(...members);
    return out;
  }

  /** The one index a write or a `_doc` read goes to; an alias over several indexes cannot take one. */
  single(name: string, op: 'read' | 'write'): DoubleIndex | EsError {
    const index = this.indices.get(name);
    if (index !== undefined) return index;
    const members = this.aliases.get(name);
    if (members !== undefined && members.size > 0) {
      if (members.size > 1) {
        const reason =
          op === 'read'
            ? `alias [${name}] has more than one index associated with it [${[...members].sort().join(', ')}], can't execute a single index op`
            : `no write index is defined for alias [${name}]. The write index may be explicitly disabled using is_write_index=false or the alias points to multiple indices without one being designated as a write index`;
        return esError(400, 'illegal_argument_exception', reason);
      }
      const only = this.indices.get([...members][0] ?? '');
      if (only !== undefined) return only;
    }
    // Writing to a missing index creates it, as `action.auto_create_index` does by default.
    if (op === 'write') return this.createIndex(name);
    return indexNotFound(name);
  }

  /** Indexes one document, growing the mapping dynamically; a value the mapping refuses is an error. */
  put(index: DoubleIndex, id: string, source: Record<string, unknown>, routing: string | null): { doc: StoredDoc; created: boolean } | EsError {
    const failure = mapDynamically(index.properties, source, id, '');
    if (failure !== null) return failure;
    const previous = index.docs.get(id);
    const doc: StoredDoc = { id, source, routing, version: (previous?.version ?? 0) + 1, seqNo: index.seqNo };
    index.seqNo += 1;
    index.docs.set(id, doc);
    return { doc, created: previous === undefined };
  }
}

function mapDynamically(properties: Record<string, FieldSpec>, source: Record<string, unknown>, id: string, prefix: string): EsError | null {
  for (const [key, value] of Object.entries(source)) {
    const path = prefix + key;
    const values = Array.isArray(value) ? value : [value];
    let spec = properties[key];
    for (const item of values) {
      if (item === null || item === undefined) continue;
      if (spec === undefined) {
        spec = inferSpec(item);
        properties[key] = spec;
      }
      if (spec.enabled === false) break;
      if (spec.type === 'object' || spec.properties !== undefined) {
        if (typeof item !== 'object') return parseFailure(path, 'object', id, item);
        spec.properties ??= {};
        const nested = mapDynamically(spec.properties, item as Record<string, unknown>, id, `${path}.`);
        if (nested !== null) return nested;
        continue;
      }
      if ((spec.type === 'date' || spec.type === 'date_nanos') && !isDateValue(item)) return parseFailure(path, spec.type, id, item);
      if (['long', 'integer', 'float', 'double'].includes(spec.type) && Number.isNaN(Number(item))) {
        return parseFailure(path, spec.type, id, item);
      }
    }
  }
  return null;
}

function inferSpec(value: unknown): FieldSpec {
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'long' : 'float' };
  if (typeof value === 'string') {
    if (ISO_DATE.test(value) && !Number.isNaN(Date.parse(value))) return { type: 'date' };
    return { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } };
  }
  return { type: 'object', properties: {} };
}

function isDateValue(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && (/^\d+$/.test(value) || (ISO_DATE.test(value) && !Number.isNaN(Date.parse(value))));
}

function parseFailure(path: string, type: string, id: string, value: unknown): EsError {
  const preview = typeof value === 'string' ? value : JSON.stringify(value);
  return esError(
    400,
    'document_parsing_exception',
    `[1:2] failed to parse field [${path}] of type [${type}] in document with id '${id}'. Preview of field's value: '${preview}'`,
    { caused_by: { type: 'illegal_argument_exception', reason: `failed to parse field [${path}] of type [${type}]` } },
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
