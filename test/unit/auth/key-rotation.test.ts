// Signing-key rotation at the issuer: an unknown `kid` re-fetches the JWKS, at most once per
// cooldown, so a flood of forged key ids cannot turn into a flood of requests to the issuer.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessTokenVerifier } from '../../../src/auth/oauth/access-token-verifier.js';
import { resolveOAuthSettings } from '../../../src/auth/oauth/settings.js';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

describe('JWKS caching and key rotation', () => {
  let server: Server;
  let issuer: string;
  let published: SigningKey[] = [];
  let jwksFetches = 0;
  const resource = 'https://knowledge.example.com/mcp';

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/oauth-authorization-server') {
        res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
      } else if (req.url === '/jwks') {
        jwksFetches += 1;
        res.end(JSON.stringify({ keys: published.map((key) => key.jwk) }));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const tokenSignedBy = (key: SigningKey, kid = key.kid) =>
    new SignJWT({ scope: 'mcp' })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer(issuer)
      .setAudience(resource)
      .setSubject('alice')
      .setExpirationTime('5m')
      .sign(key.privateKey);

  it('accepts a token signed with a newly rotated-in key after one re-fetch, and rate-limits re-fetches for unknown kids', async () => {
    const first = await signingKey('k1');
    const second = await signingKey('k2');
    published = [first];
    const verifier = createAccessTokenVerifier(resolveOAuthSettings({ issuer, publicUrl: 'https://knowledge.example.com' }), { jwksCooldownMs: 2000 });

    expect((await verifier.verify(await tokenSignedBy(first))).ok).toBe(true);
    expect(jwksFetches).toBe(1);

    // The issuer rotates: k2 is published. A k2 token arriving after the cooldown triggers one fetch.
    published = [first, second];
    await new Promise((resolve) => setTimeout(resolve, 2050));
    expect((await verifier.verify(await tokenSignedBy(second))).ok).toBe(true);
    expect(jwksFetches).toBe(2);

    // Twenty tokens with made-up kids inside one cooldown cost no further fetch.
    const forger = await signingKey('forged');
    const forged = await Promise.all(Array.from({ length: 20 }, (_, i) => tokenSignedBy(forger, `forged-${i}`)));
    for (const token of forged) {
      expect(await verifier.verify(token)).toMatchObject({ ok: false, error: 'invalid_token', description: 'the token is signed with an unknown key' });
    }
    expect(jwksFetches).toBe(2);
  });
});
