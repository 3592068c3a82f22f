// The server as an OAuth 2.1 resource server (MCP authorization spec), against a real
// authorization server (oidc-provider) in process: discovery, sign-in with the official SDK
// client, principals reaching the federation, and every way a token must be refused.
import { Client, ClientCredentialsProvider, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveOAuthSettings } from '../../../src/auth/oauth/settings.js';
import type { RunningServer } from '../../../src/server.js';
import { createFakeSearchService, type FakeSearchService } from '../../helpers/fake-search-service.js';
import { freePort } from '../../helpers/free-port.js';
import { startTestApp } from '../../helpers/start-test-app.js';
import { startAuthorizationServer, type TestAuthorizationServer } from './authorization-server.js';

const ALICE = { clientId: 'alice-agent', clientSecret: 'alice-secret-0123456789', claims: { email: 'Alice@Example.com', groups: ['hr', 'eng'] } };
const KEY = 'machine-key-0123456789abcdef';
const TOOLS_LIST = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };

describe('OAuth 2.1 resource server', () => {
  let as: TestAuthorizationServer;
  let server: RunningServer;
  let service: FakeSearchService;
  let mcpUrl: string;

  const post = (headers: Record<string, string>, url = mcpUrl) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify(TOOLS_LIST) });

  const claims = (overrides: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return { iss: as.issuer, aud: mcpUrl, sub: 'alice-agent', scope: 'mcp:tools', iat: now, exp: now + 300, ...overrides };
  };

  beforeAll(async () => {
    as = await startAuthorizationServer([ALICE]);
    service = createFakeSearchService();
    // PUBLIC_URL must be the URL clients use, so the port is chosen before the server starts.
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    mcpUrl = `${publicUrl}/mcp`;
    server = await startTestApp({
      service,
      port,
      keys: [{ name: 'machine', key: KEY, sources: null, rateLimitPerMinute: 0, principals: ['group:ops'] }],
      oauth: resolveOAuthSettings({ issuer: as.issuer, publicUrl, requiredScopes: 'mcp:tools' }),
    });
  });
  afterAll(async () => {
    await server?.close();
    await as?.close();
  });

  it('publishes protected resource metadata (RFC 9728) at both well-known paths', async () => {
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        resource: mcpUrl,
        authorization_servers: [as.issuer],
        scopes_supported: ['mcp:tools'],
        bearer_methods_supported: ['header'],
      });
    }
  });

  it('answers a request without credentials with 401 and where to sign in, loopback included', async () => {
    const response = await post({});
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain(`resource_metadata="${server.url}/.well-known/oauth-protected-resource/mcp"`);
    expect(challenge).not.toContain('error=');
  });

  it('lets the official SDK client discover the authorization server, get a token and call the tools', async () => {
    const authProvider = new ClientCredentialsProvider({ ...ALICE, scope: 'mcp:tools', expectedIssuer: as.issuer });
    const client = new Client({ name: 'oauth-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider }));
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(['get_document', 'list_sources', 'search_documents']);
      const result = await client.callTool({ name: 'search_documents', arguments: { query: 'remote work' } });
      expect(result.isError).toBe(false);
    } finally {
      await client.close();
    }
    const call = service.calls.at(-1);
    expect(call?.caller.keyName).toBe('user:alice-agent');
    expect([...(call?.caller.principals ?? [])].sort()).toEqual(['group:eng', 'group:hr', 'user:alice-agent', 'user:alice@example.com']);
  });

  it('accepts a token the authorization server minted for this resource', async () => {
    const token = await as.token(ALICE, mcpUrl);
    expect((await post({ authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('still accepts API keys beside tokens, with the principals the key declares', async () => {
    const before = service.calls.length;
    const response = await fetch(mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'search_documents', arguments: { query: 'x' } } }),
    });
    expect(response.status).toBe(200);
    expect(service.calls.length).toBe(before + 1);
    expect(service.calls.at(-1)?.caller.principals).toEqual(['group:ops']);
  });

  const refusals: Array<[string, () => Promise<string>, number, RegExp]> = [
    ['an expired token', () => as.sign(claims({ exp: Math.floor(Date.now() / 1000) - 600 })), 401, /expired/],
    ['a token for another resource (RFC 8707)', () => as.token(ALICE, 'https://elsewhere.example.com/mcp'), 401, /not issued for this resource/],
    ['a token from another issuer', () => as.sign(claims({ iss: 'https://evil.example.com' })), 401, /another authorization server/],
    ['a token not valid yet', () => as.sign(claims({ nbf: Math.floor(Date.now() / 1000) + 600 })), 401, /not valid yet/],
    ['a token without the required scope', () => as.sign(claims({ scope: 'openid' })), 403, /lacks the scope mcp:tools/],
    [
      'a token signed with an unknown key',
      async () => as.sign(claims(), { kid: 'rotated-away', key: (await generateKeyPair('ES256')).privateKey }),
      401,
      /unknown key/,
    ],
    [
      'a token forged with a known kid but another key',
      async () => as.sign(claims(), { key: (await generateKeyPair('ES256')).privateKey }),
      401,
      /signature is invalid/,
    ],
    ['an unsigned token (alg: none)', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`, 401, /algorithm that is not accepted/],
    ['a shared-secret token (HS256)', async () => hs256(claims()), 401, /algorithm that is not accepted/],
    ['something that is no JWT', async () => 'not-a-jwt', 401, /not a JWT/],
  ];

  for (const [label, mint, status, reason] of refusals) {
    it(`refuses ${label}`, async () => {
      const before = service.calls.length;
      const response = await post({ authorization: `Bearer ${await mint()}` });
      expect(response.status).toBe(status);
      const challenge = response.headers.get('www-authenticate') ?? '';
      expect(challenge).toContain(status === 403 ? 'error="insufficient_scope"' : 'error="invalid_token"');
      expect(challenge).toContain('resource_metadata=');
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(reason);
      expect(service.calls.length).toBe(before);
    });
  }

  it('refuses a token in the query string, even a valid one', async () => {
    const token = await as.token(ALICE, mcpUrl);
    const response = await post({}, `${mcpUrl}?access_token=${token}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_request"');
  });
});

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

async function hs256(payload: Record<string, unknown>): Promise<string> {
  const { createHmac } = await import('node:crypto');
  const head = `${b64({ alg: 'HS256', typ: 'JWT', kid: 'test-key-1' })}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', 'guessable').update(head).digest('base64url')}`;
}
