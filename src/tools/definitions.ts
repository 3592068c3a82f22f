// The three tools as clients see them in tools/list: descriptions written for an LLM (the seed's
// advice: say what it searches, what it returns, the ID format), JSON Schemas derived from zod.
import { z } from 'zod';
import { getDocumentInput, getDocumentOutput, listSourcesInput, listSourcesOutput, searchDocumentsInput, searchDocumentsOutput } from './schemas.js';

export interface ToolDefinition {
  name: string;
  title: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  annotations: { title: string; readOnlyHint: true; destructiveHint: false; idempotentHint: true; openWorldHint: false };
}

function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

function define(name: string, title: string, description: string, input: z.ZodType, output: z.ZodType): ToolDefinition {
  return {
    name,
    title,
    description,
    inputSchema: jsonSchemaOf(input, 'input'),
    outputSchema: jsonSchemaOf(output, 'output'),
    annotations: { title, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  };
}

export const TOOL_DEFINITIONS: readonly ToolDefinition[] = [
  define(
    'search_documents',
    'Search company knowledge',
    [
      "Search all of the company's internal knowledge at once: handbooks and policies, runbooks, wikis and indexed documents.",
      'Returns up to `limit` results ranked by relevance across every source, each with an `id` (format `<source>:<native id>`),',
      'title, a snippet with the matched terms in **bold**, url, source name and last update time, plus a per-source report.',
      'Use get_document with a result `id` to read the whole document. Use `sources` (names from list_sources) to narrow the search,',
      '`updated_after` for recent documents, and `cursor` (the previous `next_cursor`) for more results.',
      'If `partial` is true, some sources did not answer; the results are still the best available.',
    ].join(' '),
    searchDocumentsInput,
    searchDocumentsOutput,
  ),
  define(
    'get_document',
    'Read a document',
    [
      'Fetch the full text of one document by its ID from search_documents (format `<source>:<native id>`, e.g. "runbooks:deploy-runbook.md"),',
      "or by the document's URL. Returns the title, url, source, last update time, and the content as readable text/markdown.",
      'Long documents come in parts: when `truncated` is true, call again with `offset` = `next_offset`.',
    ].join(' '),
    getDocumentInput,
    getDocumentOutput,
  ),
  define(
    'list_sources',
    'List knowledge sources',
    'List the knowledge sources you can search: each with its name (use it in search_documents `sources` and as the ID prefix), kind, description, status and document count when known.',
    listSourcesInput,
    listSourcesOutput,
  ),
];
