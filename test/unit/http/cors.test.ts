// CORS rules at the edge: which requests are preflights the edge answers itself, what every answer
// to an allowed Origin carries, and which Origins are allowed (loopback pages only while the server
// is bound to loopback).
import { describe, expect, it } from 'vitest';
import { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS, corsResponseHeaders, isCorsPath, preflightHeaders } from '../../../src/http/cors.js';
import { createOriginPolicy } from '../../../src/http/origin-check.js';

const ORIGIN = 'https://app.example.com';
const preflight = { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-api-key' };

describe('CORS preflight', () => {
  it('answers OPTIONS with Origin and Access-Control-Request-Method on the browser routes', () => {
    for (const path of ['/mcp', '/mcp/', '/api/search', '/api/documents/handbook%3Aa', '/status.json', '/.well-known/oauth-protected-resource/mcp']) {
      const headers = new Map(preflightHeaders('OPTIONS', path, preflight));
      expect(headers.get('Access-Control-Allow-Origin'), path).toBe(ORIGIN);
      expect(headers.get('Vary')).toBe('Origin');
      expect(headers.get('Access-Control-Allow-Methods')).toContain('POST');
      expect(Number(headers.get('Access-Control-Max-Age'))).toBeGreaterThan(0);
    }
  });

  it('allows every header MCP clients send', () => {
    const allowed = CORS_ALLOW_HEADERS.toLowerCase().split(', ');
    for (const name of [
      'authorization',
      'x-api-key',
      'content-type',
      'accept',
      'mcp-protocol-version',
      'mcp-session-id',
      'mcp-method',
      'mcp-name',
      'last-event-id',
    ]) {
      expect(allowed).toContain(name);
    }
  });

  it('leaves everything else to the routes', () => {
    expect(preflightHeaders('OPTIONS', '/mcp', { origin: ORIGIN })).toBeNull();
    expect(preflightHeaders('OPTIONS', '/mcp', { 'access-control-request-method': 'POST' })).toBeNull();
    expect(preflightHeaders('GET', '/mcp', preflight)).toBeNull();
    expect(preflightHeaders('OPTIONS', '/metrics', preflight)).toBeNull();
    expect(isCorsPath('/mcpx')).toBe(false);
    expect(isCorsPath('/apix')).toBe(false);
  });
});

describe('CORS on actual answers', () => {
  it('names the Origin, varies on it and exposes the headers clients read', () => {
    const headers = new Map(corsResponseHeaders({ origin: ORIGIN }));
    expect(headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(headers.get('Vary')).toBe('Origin');
    const exposed = CORS_EXPOSE_HEADERS.toLowerCase().split(', ');
    for (const name of ['mcp-session-id', 'mcp-protocol-version', 'www-authenticate', 'x-request-id', 'retry-after']) expect(exposed).toContain(name);
  });

  it('adds nothing without an Origin (not a browser)', () => {
    expect(corsResponseHeaders({})).toBeNull();
  });
});

describe('allowed Origins', () => {
  const loopback = createOriginPolicy({ boundToLoopback: true, allowedOrigins: [ORIGIN] });
  const exposed = createOriginPolicy({ boundToLoopback: false, allowedOrigins: [ORIGIN] });

  it('accepts loopback pages while the server is bound to loopback', () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:8080', 'http://[::1]:3000']) {
      expect(loopback.originAllowed(origin, '127.0.0.1:3000'), origin).toBe(true);
    }
  });

  it('refuses loopback pages once the server listens on a public address, unless listed', () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:8080', 'http://[::1]:3000']) {
      expect(exposed.originAllowed(origin, 'kmcp.example.com'), origin).toBe(false);
    }
    const listed = createOriginPolicy({ boundToLoopback: false, allowedOrigins: ['http://localhost:5173'] });
    expect(listed.originAllowed('http://localhost:5173', 'kmcp.example.com')).toBe(true);
  });

  it('accepts listed origins and the server’s own origin either way', () => {
    expect(exposed.originAllowed(ORIGIN, 'kmcp.example.com')).toBe(true);
    expect(exposed.originAllowed('https://kmcp.example.com', 'kmcp.example.com')).toBe(true);
    expect(exposed.originAllowed('https://evil.example', 'kmcp.example.com')).toBe(false);
  });
});
