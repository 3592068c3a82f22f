// `knowledge-mcp stdio` as local clients launch it: the official SDK client over its stdio
// transport in both protocol eras, and the raw stream: nothing but JSON-RPC lines on stdout, logs
// on stderr, exit code 0 once stdin closes.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = path.join(ROOT, 'src', 'cli.ts');
const dataDir = mkdtempSync(path.join(tmpdir(), 'knowledge-mcp-stdio-'));
// One markdown source (the demo runbooks): no database to start, so each launch is quick.
const env = { ...getDefaultEnvironment(), WIKI_DIR: path.join(ROOT, 'demo', 'runbooks'), DATA_DIR: dataDir, LOG_LEVEL: 'info' };

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('stdio with the official SDK client', () => {
  for (const mode of ['legacy', 'auto'] as const) {
    it(`lists and calls the three tools (${mode === 'legacy' ? 'initialize handshake' : 'stateless 2026-07-28'})`, async () => {
      const transport = new StdioClientTransport({ command: TSX, args: [CLI, 'stdio'], env, cwd: dataDir, stderr: 'pipe' });
      const client = new Client({ name: 'stdio-test', version: '1.0.0' }, { versionNegotiation: { mode } });
      await client.connect(transport);
      try {
        expect(client.getServerVersion()?.name).toBe('knowledge-mcp');
        expect(client.getNegotiatedProtocolVersion()).toBe(mode === 'legacy' ? '2025-11-25' : '2026-07-28');
        const { tools } = await client.listTools();
        expect(tools.map((tool) => tool.name).sort()).toEqual(['get_document', 'list_sources', 'search_documents']);
        const search = await client.callTool({ name: 'search_documents', arguments: { query: 'roll back a deploy', limit: 3 } });
        expect(search.isError).toBe(false);
        const results = (search.structuredContent as { results: Array<{ id: string }> }).results;
        expect(results[0]?.id).toMatch(/^wiki:/);
        const document = await client.callTool({ name: 'get_document', arguments: { document_id: results[0]?.id, max_chars: 50 } });
        expect((document.structuredContent as { truncated: boolean }).truncated).toBe(true);
        const missing = await client.callTool({ name: 'get_document', arguments: { document_id: 'elsewhere:1' } });
        expect(missing.isError).toBe(true);
      } finally {
        await client.close();
      }
    }, 60_000);
  }
});

describe('the stdio stream', () => {
  it('carries only JSON-RPC on stdout, logs on stderr, and exits 0 when stdin closes', async () => {
    const child = spawn(TSX, [CLI, 'stdio'], { env, cwd: dataDir, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const messages = [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'search_documents', arguments: { query: 'incident' } } },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'no_such_tool', arguments: {} } },
    ];
    child.stdin.write(`${messages.map((message) => JSON.stringify(message)).join('\n')}\nnot json\n`);
    // Answer everything asked before stdin closed, then exit by itself.
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const lines = stdout.split('\n').filter((line) => line !== '');
    const answers = lines.map((line) => JSON.parse(line) as { jsonrpc: string; id: unknown; result?: unknown; error?: { code: number } });
    expect(answers.every((answer) => answer.jsonrpc === '2.0')).toBe(true);
    // One answer per request (the notification gets none), the parse error with a null id.
    expect(answers.map((answer) => answer.id).sort()).toEqual([1, 2, 3, null].sort());
    expect(answers.find((answer) => answer.id === 3)?.error?.code).toBe(-32602);
    expect(answers.find((answer) => answer.id === null)?.error?.code).toBe(-32700);
    expect(stderr).toMatch(/serving MCP on stdio/);
  }, 60_000);
});
