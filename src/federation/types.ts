// The federation's public face: what the MCP tools, the CLI and the status page call.
// Shapes mirror the tool output schemas of DESIGN §3 (snake_case on the wire).

export type SourceStatus = 'ok' | 'timeout' | 'error' | 'suspended' | 'skipped';

/** Who is asking: the key's name, the sources it may see (null = all) and its principals. */
export interface Caller {
  keyName: string | null;
  allowedSources: ReadonlySet<string> | null;
  /**
   * Principals every source filters documents by (DESIGN §7); null or absent = a service caller
   * that reads every document of its sources.
   */
  principals?: readonly string[] | null;
  requestId: string;
}

export interface SearchInput {
  query: string;
  limit: number;
  sources?: string[] | undefined;
  updated_after?: string | undefined;
  cursor?: string | undefined;
}

export interface SearchResultItem {
  id: string;
  title: string;
  snippet: string;
  url: string | null;
  source: string;
  score: number;
  updated_at: string | null;
  also_in?: string[];
}

export interface SourceReport {
  name: string;
  status: SourceStatus;
  took_ms: number;
  count: number;
  error?: string;
}

export interface SearchOutput {
  query: string;
  results: SearchResultItem[];
  sources: SourceReport[];
  partial: boolean;
  next_cursor: string | null;
  took_ms: number;
  cached: boolean;
}

export interface GetDocumentInput {
  document_id: string;
  max_chars: number;
  offset: number;
}

export interface DocumentOutput {
  id: string;
  title: string;
  url: string | null;
  source: string;
  updated_at: string | null;
  content: string;
  truncated: boolean;
  next_offset: number | null;
  metadata: Record<string, unknown>;
}

export interface SourceInfo {
  name: string;
  kind: string;
  description: string;
  status: 'ok' | 'degraded' | 'suspended' | 'unreachable';
  document_count: number | null;
}

/**
 * The search service behind the tools. Errors the agent should read are thrown as exposed
 * `KnowledgeError`s (e.g. INVALID_CURSOR, UNKNOWN_SOURCE, NOT_FOUND, FORBIDDEN).
 */
export interface SearchService {
  search(input: SearchInput, caller: Caller, signal: AbortSignal): Promise<SearchOutput>;
  getDocument(input: GetDocumentInput, caller: Caller, signal: AbortSignal): Promise<DocumentOutput>;
  listSources(caller: Caller, signal: AbortSignal): Promise<SourceInfo[]>;
}
