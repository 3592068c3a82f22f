// Owns listening (HTTP, or HTTPS with TLS_CERT_FILE/TLS_KEY_FILE) and graceful shutdown.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { App } from './app.js';
import type { AppConfig } from './config/load-config.js';
import type { Logger } from './logger.js';
import { withHsts } from './http/hsts.js';

export interface RunningServer {
  server: http.Server;
  url: string;
  /** Stops accepting, lets requests in flight finish (up to the timeout), then closes. */
  close(): Promise<void>;
}

/** Slow or idle clients cannot hold a socket forever. */
export interface HttpTimeouts {
  /** Whole request head must arrive within this. */
  headersMs: number;
  /** Whole request (head and body) must arrive within this. */
  requestMs: number;
  /** An idle keep-alive socket is closed after this. */
  keepAliveMs: number;
  /** How often Node checks the two limits above (its default, 30 s, would let a slow client linger). */
  checkIntervalMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000, checkIntervalMs: 1_000 };

export async function startServer(
  app: Pick<App, 'handleRequest'>,
  config: Pick<AppConfig, 'host' | 'port' | 'tls' | 'shutdownTimeoutMs'> & { httpTimeouts?: HttpTimeouts },
  logger: Logger,
): Promise<RunningServer> {
  // Served over TLS here, so browsers are told to keep to HTTPS (http/hsts.ts).
  const handler = config.tls ? withHsts(app.handleRequest) : app.handleRequest;
  const timeouts = config.httpTimeouts ?? DEFAULT_HTTP_TIMEOUTS;
  const options: http.ServerOptions = {
    maxHeaderSize: 16 * 1024,
    requestTimeout: timeouts.requestMs,
    headersTimeout: timeouts.headersMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionsCheckingInterval: timeouts.checkIntervalMs,
  };
  const server = config.tls
    ? https.createServer({ ...options, cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) }, handler)
    : http.createServer(options, handler);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${config.tls ? 'https' : 'http'}://${host}:${address.port}`;

  let closing: Promise<void> | null = null;
  function close(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        logger.warn({ timeout_ms: config.shutdownTimeoutMs }, 'shutdown timeout reached; closing remaining connections');
        server.closeAllConnections();
      }, config.shutdownTimeoutMs);
      timer.unref();
      server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      // Keep-alive sockets with no request in flight would hold close() open.
      server.closeIdleConnections();
    });
    return closing;
  }
  return { server, url, close };
}
