// Real MCP clients over real HTTP: the official SDK client in the 2025 initialize era, and the
// same client negotiating the stateless 2026-07-28 era (auto-probe and pinned).
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/server.js';
import { createFakeSearchService } from '../../helpers/fake-search-service.js';
import { startTestApp } from '../../helpers/start-test-app.js';

const KEY = 'sdk-client-key-0123456789';

describe('the official MCP SDK client', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestApp({ service: createFakeSearchService(), keys: [{ name: 'sdk', key: KEY, sources: null, rateLimitPerMinute: 0 }] });
  });
  afterAll(() => server.close());

  const connect = async (versionNegotiation?: { mode: 'legacy' | 'auto' | { pin: string } }) => {
    const client = new Client({ name: 'knowledge-mcp-test', version: '1.0.0' }, versionNegotiation ? { versionNegotiation } : {});
    const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { 'x-api-key': KEY } } });
    await client.connect(transport);
    return client;
  };

  for (const [label, mode] of [
    ['2025-11-25 (initialize)', { mode: 'legacy' as const }],
    ['2026-07-28 (auto-negotiated)', { mode: 'auto' as const }],
    ['2026-07-28 (pinned)', { mode: { pin: '2026-07-28' } }],
  ] as const) {
    it(`lists and calls tools in ${label}`, async () => {
      const client = await connect(mode);
      try {
        expect(client.getServerVersion()?.name).toBe('knowledge-mcp');
        const { tools } = await client.listTools();
        expect(tools.map((tool) => tool.name).sort()).toEqual(['get_document', 'list_sources', 'search_documents']);
        const result = await client.callTool({ name: 'search_documents', arguments: { query: 'remote work', limit: 3 } });
        expect(result.isError).toBe(false);
        expect((result.structuredContent as { results: Array<{ id: string }> }).results[0]?.id).toBe('runbooks:remote-work.md');
        const failed = await client.callTool({ name: 'get_document', arguments: { document_id: 'elsewhere:1' } });
        expect(failed.isError).toBe(true);
      } finally {
        await client.close();
      }
    });
  }

  it('negotiates the modern era when asked to auto-detect, the 2025 one otherwise', async () => {
    for (const [mode, expected] of [
      ['auto', '2026-07-28'],
      ['legacy', '2025-11-25'],
    ] as const) {
      const client = await connect({ mode });
      try {
        expect(client.getNegotiatedProtocolVersion()).toBe(expected);
      } finally {
        await client.close();
      }
    }
  });
});
