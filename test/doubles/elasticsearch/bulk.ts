// `_bulk` of the Elasticsearch double: NDJSON action/source pairs, one result per item with its
// own status and error, request-level validation (malformed lines, over-long ids) as the server does.
import { esError, rejectedExecution } from './error-bodies.js';
import type { RecordedRequest } from './server.js';
import type { DoubleIndex, DoubleStore } from './store.js';

interface BulkHost {
  store: DoubleStore;
  takeBulkRejection(id: string): boolean;
}

type Item = Record<string, Record<string, unknown>>;

const MAX_ID_BYTES = 512;

export function bulk(host: BulkHost, defaultIndex: string | undefined, request: RecordedRequest): { status: number; body: unknown } {
  const lines = request.body.split('\n').filter((line) => line.trim() !== '');
  const operations: Array<{ action: string; meta: Record<string, unknown>; source: Record<string, unknown> | null }> = [];
  for (let i = 0; i < lines.length; i += 1) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(lines[i] ?? '');
    } catch {
      return esError(400, 'illegal_argument_exception', `Malformed action/metadata line [${i + 1}], expected START_OBJECT`);
    }
    const [action, meta] = Object.entries(parsed as Record<string, Record<string, unknown>>)[0] ?? [];
    if (action === undefined || !['index', 'create', 'delete', 'update'].includes(action)) {
      return esError(
        400,
        'illegal_argument_exception',
        `Malformed action/metadata line [${i + 1}], expected one of [create, delete, index, update] but found [${action ?? ''}]`,
      );
    }
    let source: Record<string, unknown> | null = null;
    if (action !== 'delete') {
      i += 1;
      try {
        source = JSON.parse(lines[i] ?? '') as Record<string, unknown>;
      } catch {
        return esError(400, 'x_content_parse_exception', `[1:1] failed to parse the source of bulk item on line [${i + 1}]`);
      }
    }
    operations.push({ action, meta: meta ?? {}, source });
  }
  const tooLong = operations.find((op) => Buffer.byteLength(String(op.meta._id ?? '')) > MAX_ID_BYTES);
  if (tooLong !== undefined) {
    const id = String(tooLong.meta._id);
    return esError(
      400,
      'action_request_validation_exception',
      `Validation Failed: 1: id [${id}] is too long, must be no longer than ${MAX_ID_BYTES} bytes but was: ${Buffer.byteLength(id)};`,
    );
  }

  const touched = new Set<DoubleIndex>();
  const items = operations.map(({ action, meta, source }): Item => {
    const name = String(meta._index ?? defaultIndex ?? '');
    const id = meta._id === undefined ? Math.random().toString(36).slice(2, 22) : String(meta._id);
    if (name === '')
      return { [action]: { _id: id, status: 400, error: { type: 'action_request_validation_exception', reason: 'Validation Failed: 1: index is missing;' } } };
    const target = host.store.single(name, 'write');
    if ('status' in target) return { [action]: { _index: name, _id: id, status: target.status, error: stripRoot(target.body.error) } };
    if (host.takeBulkRejection(id)) {
      return { [action]: { _index: target.name, _id: id, status: 429, error: stripRoot(rejectedExecution('write').body.error) } };
    }
    touched.add(target);
    const routing = meta.routing === undefined ? null : String(meta.routing);
    if (action === 'delete') {
      const existed = target.docs.delete(id);
      return { delete: { _index: target.name, _id: id, _version: 1, result: existed ? 'deleted' : 'not_found', status: existed ? 200 : 404 } };
    }
    if (action === 'create' && target.docs.has(id)) {
      return {
        create: {
          _index: target.name,
          _id: id,
          status: 409,
          error: {
            type: 'version_conflict_engine_exception',
            reason: `[${id}]: version conflict, document already exists (current version [${target.docs.get(id)?.version ?? 1}])`,
            index: target.name,
          },
        },
      };
    }
    const body = action === 'update' ? { ...(target.docs.get(id)?.source ?? {}), ...((source?.doc as Record<string, unknown>) ?? {}) } : (source ?? {});
    const result = host.store.put(target, id, body, routing);
    if ('status' in result) return { [action]: { _index: target.name, _id: id, status: result.status, error: stripRoot(result.body.error) } };
    return {
      [action]: {
        _index: target.name,
        _id: id,
        _version: result.doc.version,
        result: result.created ? 'created' : 'updated',
        _shards: { total: 2, successful: 1, failed: 0 },
        _seq_no: result.doc.seqNo,
        _primary_term: 1,
        status: result.created ? 201 : 200,
      },
    };
  });
  const refresh = request.query.get('refresh');
  if (refresh !== null && refresh !== 'false') for (const index of touched) index.refresh();
  const errors = items.some((item) => Object.values(item).some((result) => Number(result.status) >= 400));
  return { status: 200, body: { errors, took: 1, items } };
}

/** Bulk items carry the error itself, without the `root_cause` list of a request-level error. */
function stripRoot(error: Record<string, unknown>): Record<string, unknown> {
  const { root_cause: _rootCause, ...rest } = error;
  return rest;
}
