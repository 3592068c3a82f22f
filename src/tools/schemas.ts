// One zod schema per tool input and output: validation, the JSON Schema clients see, and the types.
import { z } from 'zod';
import { SOURCE_NAME_PATTERN } from '../../connectors/contract/source-config.js';

export const DOCUMENT_ID_PATTERN = /^[a-z][a-z0-9_-]{0,31}:.+$/s;

/** Lone UTF-16 surrogates cannot be encoded for any backend (UTF-8 databases, URLs): U+FFFD instead. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export function toWellFormed(value: string): string {
  return value.replace(LONE_SURROGATE, '\uFFFD');
}

export const searchDocumentsInput = z
  .object({
    query: z
      .string()
      .overwrite(toWellFormed)
      .describe('What to look for, in plain words (e.g. "how do I roll back a deploy"). 1 to 1000 characters; no query syntax needed.')
      .refine((value) => value.trim().length > 0, 'must contain at least one non-space character')
      .refine((value) => value.length <= 1000, 'must be at most 1000 characters'),
    limit: z.number().int().min(1).max(50).default(10).describe('How many results to return (1-50, default 10).'),
    sources: z
      .array(z.string().regex(SOURCE_NAME_PATTERN, 'a source name such as "handbook"'))
      .min(1)
      .max(50)
      .optional()
      .describe('Only search these sources (names from list_sources). Default: every source you may use.'),
    updated_after: z.iso
      .datetime({ offset: true, error: 'an ISO 8601 date-time such as 2025-01-31T00:00:00Z' })
      .optional()
      .describe('Only documents updated at or after this ISO 8601 date-time.'),
    cursor: z.string().min(1).max(2000).optional().describe('The next_cursor of a previous answer, to get the next page of the same search.'),
  })
  .strict();

export const searchResultSchema = z.object({
  id: z.string().describe('Document ID `<source>:<native id>`, for get_document.'),
  title: z.string(),
  snippet: z.string().describe('Text around the matches; matched terms are wrapped in **double asterisks**.'),
  url: z.string().nullable(),
  source: z.string(),
  score: z.number().describe('Fused relevance score; only meaningful for ordering within this answer.'),
  updated_at: z.string().nullable(),
  also_in: z.array(z.string()).optional().describe('IDs of duplicates of this document found in other sources.'),
});

export const sourceReportSchema = z.object({
  name: z.string(),
  status: z.enum(['ok', 'timeout', 'error', 'suspended', 'skipped']),
  took_ms: z.number(),
  count: z.number().int(),
  error: z.string().optional(),
});

export const searchDocumentsOutput = z.object({
  query: z.string(),
  results: z.array(searchResultSchema),
  sources: z.array(sourceReportSchema).describe('How each source answered; a failed source makes the answer partial.'),
  partial: z.boolean(),
  next_cursor: z.string().nullable(),
  took_ms: z.number(),
  cached: z.boolean(),
});

export const getDocumentInput = z
  .object({
    document_id: z
      .string()
      .overwrite(toWellFormed)
      .min(3)
      .max(2048)
      .describe('A document ID from search_documents (`<source>:<native id>`, e.g. "runbooks:deploy-runbook.md"), or the URL of a document.'),
    max_chars: z.number().int().min(1).max(1_000_000).default(20_000).describe('Most characters of content to return (default 20000).'),
    offset: z.number().int().min(0).default(0).describe('Character offset to start from; use next_offset to read a long document in parts.'),
  })
  .strict();

export const getDocumentOutput = z.object({
  id: z.string(),
  title: z.string(),
  url: z.string().nullable(),
  source: z.string(),
  updated_at: z.string().nullable(),
  content: z.string(),
  truncated: z.boolean(),
  next_offset: z.number().int().nullable(),
  metadata: z.record(z.string(), z.unknown()),
});

export const listSourcesInput = z.object({}).strict();

export const listSourcesOutput = z.object({
  sources: z.array(
    z.object({
      name: z.string(),
      kind: z.string(),
      description: z.string(),
      status: z.enum(['ok', 'degraded', 'suspended', 'unreachable']),
      document_count: z.number().int().nullable(),
    }),
  ),
});

export type SearchDocumentsArgs = z.infer<typeof searchDocumentsInput>;
export type GetDocumentArgs = z.infer<typeof getDocumentInput>;
