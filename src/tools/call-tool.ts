// Runs one tools/call: validates arguments with the tool's zod schema, calls the search service,
// and returns its outcome; result-wire.ts turns that into the MCP result.
import type { z } from 'zod';
import { describeForCaller, KnowledgeError } from '../../connectors/contract/errors.js';
import { BoundedMemo } from '../bounded-memo.js';
import { formatIssues } from '../format-issues.js';
import type { Caller, SearchService } from '../federation/types.js';
import { isTracing, traceToolCall } from '../telemetry/tracing.js';
import type { ToolResult } from './result-wire.js';
import { getDocumentInput, listSourcesInput, searchDocumentsInput } from './schemas.js';

export const TOOL_NAMES = ['search_documents', 'get_document', 'list_sources'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export function isToolName(name: unknown): name is ToolName {
  return typeof name === 'string' && (TOOL_NAMES as readonly string[]).includes(name);
}

function success(value: Record<string, unknown>): ToolResult {
  return { isError: false, structuredContent: value };
}

export function toolError(message: string): ToolResult {
  return { isError: true, message };
}

/**
 * Arguments already validated, by tool and exact JSON: agents repeat calls, and zod costs more
 * than the lookup. The parsed values are shared, hence read-only. Large arguments are not kept.
 */
const validated = new BoundedMemo<unknown>(1024);
const MAX_REMEMBERED_JSON = 4096;

function parseArguments<S extends z.ZodType>(tool: ToolName, schema: S, args: unknown): z.infer<S> {
  const json = jsonOf(args ?? {});
  if (json === null || json.length > MAX_REMEMBERED_JSON) return parseFresh(schema, args);
  return validated.get(`${tool}\u0000${json}`, () => parseFresh(schema, args)) as z.infer<S>;
}

/** The arguments' JSON, or null when they nest too deeply to write out (zod still answers them). */
function jsonOf(args: unknown): string | null {
  try {
    return JSON.stringify(args);
  } catch {
    return null;
  }
}

function parseFresh<S extends z.ZodType>(schema: S, args: unknown): z.infer<S> {
  const parsed = schema.safeParse(args ?? {});
  if (!parsed.success) {
    throw new KnowledgeError('INVALID_ARGUMENT', `invalid arguments: ${formatIssues(parsed.error.issues, '', args).join('; ')}`);
  }
  return parsed.data;
}

export interface ToolCallContext {
  service: SearchService;
  caller: Caller;
  signal: AbortSignal;
  /** Logs unexpected failures with their detail (the caller only sees a request id). */
  onUnexpectedError: (error: unknown) => void;
}

export function callTool(name: ToolName, args: unknown, context: ToolCallContext): Promise<ToolResult> {
  return isTracing() ? traceToolCall(name, () => runTool(name, args, context)) : runTool(name, args, context);
}

async function runTool(name: ToolName, args: unknown, context: ToolCallContext): Promise<ToolResult> {
  try {
    switch (name) {
      case 'search_documents': {
        const input = parseArguments(name, searchDocumentsInput, args);
        const output = await context.service.search({ ...input, query: input.query.trim() }, context.caller, context.signal);
        return success(output as unknown as Record<string, unknown>);
      }
      case 'get_document': {
        const input = parseArguments(name, getDocumentInput, args);
        return success((await context.service.getDocument(input, context.caller, context.signal)) as unknown as Record<string, unknown>);
      }
      case 'list_sources': {
        parseArguments(name, listSourcesInput, args);
        return success({ sources: await context.service.listSources(context.caller, context.signal) });
      }
    }
  } catch (error) {
    // The client went away: nothing failed, and nobody will read the answer.
    if (context.signal.aborted) return toolError(`cancelled: the client closed the request (request id ${context.caller.requestId})`);
    if (!(error instanceof KnowledgeError && error.expose)) context.onUnexpectedError(error);
    return toolError(describeForCaller(error, context.caller.requestId));
  }
}
