// A complete AppConfig for in-process tests: loopback, any free port, no sources, no Redis, no
// keys; override what a test is about. (The real one comes from loadConfig.)
import type { AppConfig } from '../../src/config/load-config.js';

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    auth: { mode: 'apikey', keys: [] },
    allowedOrigins: [],
    bodyLimitBytes: 1024 * 1024,
    sources: [],
    demo: false,
    dataDir: './data',
    redisUrl: null,
    cursorSecret: 'test-cursor-secret',
    search: { deadlineMs: 3000, fusion: 'score', rrfK: 60 },
    cache: { ttlSearchMs: 60_000, ttlDocumentMs: 300_000, staleMs: 300_000 },
    rateLimitPerMinute: 0,
    tls: null,
    oauth: null,
    trustProxy: false,
    logLevel: 'silent',
    shutdownTimeoutMs: 2000,
    shutdownDrainMs: 0,
    tracing: { exporter: 'none', otlpTracesUrl: 'http://localhost:4318/v1/traces', serviceName: 'knowledge-mcp' },
    fingerprint: 'test',
    env: {},
    ...overrides,
  };
}
