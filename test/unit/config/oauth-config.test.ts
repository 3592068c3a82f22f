// OAUTH_* and PUBLIC_URL: resolved into the resource server's settings, or one clear line each.
import { describe, expect, it } from 'vitest';
import { CONNECTOR_FACTORIES } from '../../../src/composition/connectors.js';
import { ConfigError, loadConfig } from '../../../src/config/load-config.js';

const load = (env: Record<string, string>) => loadConfig({ env, cwd: process.cwd(), factories: CONNECTOR_FACTORIES });
const problems = (env: Record<string, string>): string[] => {
  try {
    load(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('OAuth configuration', () => {
  it('is off without OAUTH_ISSUER', () => {
    expect(load({}).oauth).toBeNull();
  });

  it('derives the resource and default audience from PUBLIC_URL', () => {
    const config = load({
      OAUTH_ISSUER: 'https://login.example.com/realms/acme',
      PUBLIC_URL: 'https://knowledge.example.com/',
      OAUTH_REQUIRED_SCOPES: 'mcp:read  mcp:tools',
    });
    expect(config.oauth).toEqual({
      issuer: 'https://login.example.com/realms/acme',
      publicUrl: 'https://knowledge.example.com',
      resource: 'https://knowledge.example.com/mcp',
      audience: 'https://knowledge.example.com/mcp',
      groupsClaim: 'groups',
      requiredScopes: ['mcp:read', 'mcp:tools'],
    });
  });

  it('lets a non-loopback HOST start with an issuer and no API keys', () => {
    expect(load({ HOST: '0.0.0.0', OAUTH_ISSUER: 'https://login.example.com', PUBLIC_URL: 'https://k.example.com' }).auth.keys).toEqual([]);
  });

  it('names what is missing or malformed', () => {
    expect(problems({ OAUTH_ISSUER: 'https://login.example.com' })).toEqual([expect.stringMatching(/^PUBLIC_URL: expected the external base URL/)]);
    expect(problems({ OAUTH_ISSUER: 'login.example.com', PUBLIC_URL: 'https://k.example.com' })).toEqual([
      expect.stringMatching(/^OAUTH_ISSUER: expected an http\(s\) URL/),
    ]);
    expect(problems({ OAUTH_AUDIENCE: 'x' })).toEqual(['OAUTH_ISSUER: set it to use the other OAUTH_* settings']);
  });
});
