// The hand-written protocol layer checked against the MCP SDK's own result schemas (the SDK is a
// dev dependency, used only as the reference): every static answer of both eras, each tool's
// result (success and isError) and the JSON-RPC envelopes around them; and each tool's
// structuredContent against the outputSchema it announces in tools/list.
import { specTypeSchemas, type SpecTypeName, type SpecTypes } from '@modelcontextprotocol/client';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { ScriptedConnector } from '../../../connectors/scripted/index.js';
import { createFederation } from '../../../src/federation/index.js';
import type { Caller } from '../../../src/federation/types.js';
import { createMcpDispatcher } from '../../../src/mcp/dispatcher.js';
import { answerJson } from '../../helpers/message-bytes.js';
import { createMetrics } from '../../../src/metrics.js';
import { TOOL_DEFINITIONS } from '../../../src/tools/definitions.js';
import { captureLogs } from '../../reliability/helpers/capture-logs.js';

const MODERN = '2026-07-28';
const CALLER: Caller = { keyName: null, allowedSources: null, requestId: 'spec-req' };
const never = new AbortController().signal;

type Message = { jsonrpc: '2.0'; id: string | number | null; result?: unknown; error?: { code: number; message: string } };

function dispatcher() {
  const logs = captureLogs('warn');
  const sources = ['handbook', 'runbooks'].map((name) => ({
    connector: new ScriptedConnector({
      name,
      ranking: 'match',
      documents: Array.from({ length: 3 }, (_, i) => ({
        id: `${name}-${i}`,
        title: `${name} deploy note ${i}`,
        text: `How to deploy and roll back, part ${i}.`,
        url: `https://docs.example.com/${name}/${i}`,
        updated_at: '2026-01-02T03:04:05.000Z',
      })),
    }),
    config: { weight: 1, timeout_ms: 1000, max_concurrency: 4 },
  }));
  const federation = createFederation({ sources, settings: { cursorSecret: 'spec-secret' }, logger: logs.logger });
  return createMcpDispatcher({ service: federation, logger: logs.logger, metrics: createMetrics({ defaultMetrics: false }) });
}

const mcp = dispatcher();
let nextId = 1;

/** One request of the 2025 era (no envelope). */
async function legacy(method: string, params: Record<string, unknown> = {}): Promise<Message> {
  const answer = await mcp.handle(Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params })), {}, CALLER, () => never);
  return answerJson(answer.body) as Message;
}

/** One request of the stateless 2026-07-28 era, with its `_meta` envelope and headers. */
async function modern(method: string, params: Record<string, unknown> = {}): Promise<Message> {
  const _meta = {
    'io.modelcontextprotocol/protocolVersion': MODERN,
    'io.modelcontextprotocol/clientCapabilities': {},
    'io.modelcontextprotocol/clientInfo': { name: 'spec-test', version: '1.0.0' },
  };
  const headers: Record<string, string> = { 'mcp-protocol-version': MODERN, 'mcp-method': method };
  if (typeof params.name === 'string') headers['mcp-name'] = params.name;
  const body = JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params: { ...params, _meta } });
  const answer = await mcp.handle(Buffer.from(body), headers, CALLER, () => never);
  return answerJson(answer.body) as Message;
}

function issuesOf(type: SpecTypeName, value: unknown): string | undefined {
  const verdict = specTypeSchemas[type]['~standard'].validate(value);
  return verdict.issues === undefined ? undefined : JSON.stringify(verdict.issues.slice(0, 5));
}

/** The answer is a JSON-RPC result whose `result` is a valid `type`; returns the result. */
function expectResult<K extends SpecTypeName>(message: Message, type: K): SpecTypes[K] {
  expect(issuesOf('JSONRPCResultResponse', message), `envelope of ${type}`).toBeUndefined();
  expect(issuesOf(type, message.result), type).toBeUndefined();
  return message.result as SpecTypes[K];
}

function outputValidator(tool: string) {
  const validate = outputValidators.get(tool);
  if (validate === undefined) throw new Error(`no outputSchema for ${tool}`);
  return validate;
}

function firstText(result: SpecTypes['CallToolResult']): string {
  const first = result.content[0];
  return first?.type === 'text' ? first.text : '';
}

const ajv = new Ajv2020({ allErrors: true, strict: true, formats: { 'date-time': (value: string) => !Number.isNaN(Date.parse(value)) } });
const outputValidators = new Map(TOOL_DEFINITIONS.map((tool) => [tool.name, ajv.compile(tool.outputSchema)]));

/** A successful tool result: spec-valid, its text block is its structuredContent, which fits the outputSchema. */
function expectToolOutput(message: Message, tool: string): unknown {
  const result = expectResult(message, 'CallToolResult');
  expect(result.isError).toBe(false);
  expect(JSON.parse(firstText(result))).toEqual(result.structuredContent);
  const validate = outputValidator(tool);
  expect(validate(result.structuredContent), JSON.stringify(validate.errors)).toBe(true);
  return result.structuredContent;
}

const TOOL_CALLS = [
  { name: 'search_documents', arguments: { query: 'deploy roll back', limit: 2 } },
  { name: 'get_document', arguments: { document_id: 'handbook:handbook-1' } },
  { name: 'list_sources', arguments: {} },
] as const;

describe('the protocol layer against the MCP SDK schemas', () => {
  it('the reference rejects what it should (so the checks below can fail)', () => {
    expect(issuesOf('ListToolsResult', { tools: [{ name: 'no-input-schema' }] })).toBeDefined();
    expect(issuesOf('InitializeResult', { protocolVersion: '2025-11-25', capabilities: {} })).toBeDefined();
    expect(issuesOf('CallToolResult', { content: [{ type: 'text' }] })).toBeDefined();
    expect(issuesOf('JSONRPCResultResponse', { jsonrpc: '2.0', result: {} })).toBeDefined();
    expect(outputValidator('get_document')({ id: 'x' })).toBe(false);
  });

  describe.each(['2025-06-18', '2025-11-25'])('initialize-based era, revision %s', (revision) => {
    it('answers initialize with an InitializeResult for that revision', async () => {
      const result = expectResult(
        await legacy('initialize', { protocolVersion: revision, capabilities: {}, clientInfo: { name: 'spec-test', version: '1.0.0' } }),
        'InitializeResult',
      );
      expect(result.protocolVersion).toBe(revision);
      expect(result.serverInfo.name).toBe('knowledge-mcp');
    });
  });

  describe('initialize-based era', () => {
    it('answers tools/list, ping and the empty lists with their result types', async () => {
      const tools = expectResult(await legacy('tools/list'), 'ListToolsResult');
      expect(tools.tools.map((tool) => tool.name)).toEqual(TOOL_DEFINITIONS.map((tool) => tool.name));
      expectResult(await legacy('ping'), 'EmptyResult');
      expectResult(await legacy('prompts/list'), 'ListPromptsResult');
      expectResult(await legacy('resources/list'), 'ListResourcesResult');
      expectResult(await legacy('resources/templates/list'), 'ListResourceTemplatesResult');
    });

    it.each(TOOL_CALLS)('returns a CallToolResult for $name whose structuredContent fits its outputSchema', async (call) => {
      expectToolOutput(await legacy('tools/call', call), call.name);
    });

    it('returns an isError CallToolResult for an unknown document', async () => {
      const result = expectResult(await legacy('tools/call', { name: 'get_document', arguments: { document_id: 'nowhere:x' } }), 'CallToolResult');
      expect(result.isError).toBe(true);
      expect(firstText(result)).toMatch(/nowhere/);
    });

    it('answers protocol errors with a JSONRPCErrorResponse', async () => {
      const message = await legacy('no/such/method');
      expect(issuesOf('JSONRPCErrorResponse', message)).toBeUndefined();
      expect(message.error?.code).toBe(-32601);
    });
  });

  describe('stateless era (2026-07-28)', () => {
    it('answers server/discover with a DiscoverResult naming the revision', async () => {
      const result = expectResult(await modern('server/discover'), 'DiscoverResult');
      expect(result.supportedVersions).toContain(MODERN);
      expect(result._meta?.['io.modelcontextprotocol/serverInfo']).toMatchObject({ name: 'knowledge-mcp' });
    });

    it('answers tools/list and the empty lists with their result types', async () => {
      const tools = expectResult(await modern('tools/list'), 'ListToolsResult');
      expect(tools.tools).toHaveLength(TOOL_DEFINITIONS.length);
      expectResult(await modern('prompts/list'), 'ListPromptsResult');
      expectResult(await modern('resources/list'), 'ListResourcesResult');
    });

    it.each(TOOL_CALLS)('returns a CallToolResult for $name whose structuredContent fits its outputSchema', async (call) => {
      const output = expectToolOutput(await modern('tools/call', call), call.name);
      expect(output).toBeTypeOf('object');
    });

    it('returns an isError CallToolResult for invalid arguments', async () => {
      const result = expectResult(await modern('tools/call', { name: 'search_documents', arguments: { query: '' } }), 'CallToolResult');
      expect(result.isError).toBe(true);
    });
  });
});
