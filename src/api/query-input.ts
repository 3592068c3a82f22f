// Turns the query string of GET /api/search and /api/documents/{id} into the tools' arguments,
// so that the tools' own zod schemas validate them; every problem names the parameter sent.
import type { z } from 'zod';
import { formatIssues } from '../format-issues.js';
import { getDocumentInput, searchDocumentsInput, type GetDocumentArgs, type SearchDocumentsArgs } from '../tools/schemas.js';
import { ApiInputError } from './api-errors.js';

/** Tool argument → query parameter, where they differ. */
export const SEARCH_PARAM_OF: Record<string, string> = { query: 'q', sources: 'source' };
export const DOCUMENT_PARAM_OF: Record<string, string> = { document_id: 'id' };

const SEARCH_PARAMS = ['q', 'limit', 'source', 'updated_after', 'cursor'] as const;
const DOCUMENT_PARAMS = ['max_chars', 'offset'] as const;
const WHOLE_NUMBER = /^\d{1,15}$/;

function rejectUnknown(params: URLSearchParams, known: readonly string[]): void {
  for (const name of params.keys()) {
    if (!known.includes(name)) throw new ApiInputError(name, `${name}: unknown parameter; expected one of ${known.join(', ')}`);
  }
}

function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1) throw new ApiInputError(name, `${name}: give it once`);
  return values[0];
}

/** Digits become a number; anything else stays a string for the schema to reject by name. */
function integer(params: URLSearchParams, name: string): number | string | undefined {
  const value = single(params, name);
  return value !== undefined && WHOLE_NUMBER.test(value) ? Number(value) : value;
}

function parseWith<S extends z.ZodType>(schema: S, args: Record<string, unknown>, paramOf: Record<string, string>): z.infer<S> {
  const parsed = schema.safeParse(args);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0] as z.core.$ZodIssue;
  const top = String(issue.path[0] ?? '');
  const field = paramOf[top] ?? top;
  const renamed = { ...issue, path: [field, ...issue.path.slice(1)] } as z.core.$ZodIssue;
  const input: Record<string, unknown> = { ...args, [field]: args[top] };
  const [line] = formatIssues([renamed], '', input);
  throw new ApiInputError(field || 'query', line ?? `${field}: invalid`);
}

export function searchArgsFromQuery(params: URLSearchParams): SearchDocumentsArgs {
  rejectUnknown(params, SEARCH_PARAMS);
  const args: Record<string, unknown> = {};
  const q = single(params, 'q');
  if (q === undefined) throw new ApiInputError('q', 'q: required; the words to search for, e.g. ?q=roll+back+a+deploy');
  args.query = q;
  const limit = integer(params, 'limit');
  if (limit !== undefined) args.limit = limit;
  const sources = params
    .getAll('source')
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value.length > 0);
  if (sources.length > 0) args.sources = sources;
  const updatedAfter = single(params, 'updated_after');
  if (updatedAfter !== undefined) args.updated_after = updatedAfter;
  const cursor = single(params, 'cursor');
  if (cursor !== undefined) args.cursor = cursor;
  const parsed = parseWith(searchDocumentsInput, args, SEARCH_PARAM_OF);
  return { ...parsed, query: parsed.query.trim() };
}

export function documentArgsFromRequest(id: string, params: URLSearchParams): GetDocumentArgs {
  rejectUnknown(params, DOCUMENT_PARAMS);
  const args: Record<string, unknown> = { document_id: id };
  const maxChars = integer(params, 'max_chars');
  if (maxChars !== undefined) args.max_chars = maxChars;
  const offset = integer(params, 'offset');
  if (offset !== undefined) args.offset = offset;
  return parseWith(getDocumentInput, args, DOCUMENT_PARAM_OF);
}
