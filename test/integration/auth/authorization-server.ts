// A real OAuth 2.1 / OpenID authorization server for tests (oidc-provider), in process on a
// loopback port: client-credentials clients, resource indicators (RFC 8707), JWT access tokens
// signed with a key the test also holds, so it can mint tokens the server would never issue.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import Provider from 'oidc-provider';

export interface TestClient {
  clientId: string;
  clientSecret: string;
  /** Extra claims stamped into this client's access tokens (email, groups). */
  claims?: Record<string, unknown>;
}

export interface TestAuthorizationServer {
  issuer: string;
  scope: string;
  /** Signs an arbitrary token with the server's own key (for refusals the server never mints). */
  sign(claims: Record<string, unknown>, options?: { kid?: string; key?: CryptoKey; alg?: string }): Promise<string>;
  /** A client-credentials token for `resource`, as any OAuth client would get it. */
  token(client: TestClient, resource: string, scope?: string): Promise<string>;
  close(): Promise<void>;
}

export const SCOPE = 'mcp:tools';

export async function startAuthorizationServer(clients: TestClient[]): Promise<TestAuthorizationServer> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid: 'test-key-1', alg: 'ES256', use: 'sig' };
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const claimsOf = new Map(clients.map((client) => [client.clientId, client.claims]));
  const provider = new Provider(issuer, {
    clients: clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
      scope: SCOPE,
    })),
    jwks: { keys: [jwk] },
    scopes: [SCOPE],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resourceIndicator: string) => ({
          scope: SCOPE,
          audience: resourceIndicator,
          accessTokenTTL: 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
    extraTokenClaims: (_ctx: unknown, token: { clientId?: string }) => claimsOf.get(token.clientId ?? '') ?? undefined,
  });
  server.on('request', provider.callback());

  return {
    issuer,
    scope: SCOPE,
    async sign(claims, options = {}) {
      return new SignJWT(claims)
        .setProtectedHeader({ alg: options.alg ?? 'ES256', kid: options.kid ?? 'test-key-1', typ: 'at+jwt' })
        .sign(options.key ?? privateKey);
    },
    async token(client, resource, scope = SCOPE) {
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope }).toString(),
      });
      const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
      if (!body.access_token) throw new Error(`token request failed: ${body.error}: ${body.error_description}`);
      return body.access_token;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
