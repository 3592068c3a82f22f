// Container health probe: exits 0 when GET /healthz on this container answers 2xx within the timeout.
// Used by the Dockerfile HEALTHCHECK and docker-compose; needs no curl. Speaks HTTPS when the server
// does (TLS_CERT_FILE set), accepting its certificate since the probe only talks to itself.
import http from 'node:http';
import https from 'node:https';

const port = Number(process.env.PORT || 3000);
const secure = Boolean(process.env.TLS_CERT_FILE);
const timeoutMs = Number(process.env.HEALTHCHECK_TIMEOUT_MS || 4000);

const client = secure ? https : http;
const request = client.get(
  {
    host: '127.0.0.1',
    port,
    path: '/healthz',
    timeout: timeoutMs,
    ...(secure ? { rejectUnauthorized: false } : {}),
  },
  (response) => {
    response.resume();
    const ok = response.statusCode !== undefined && response.statusCode >= 200 && response.statusCode < 300;
    process.exitCode = ok ? 0 : 1;
  },
);
request.on('timeout', () => request.destroy(new Error('timeout')));
request.on('error', () => {
  process.exitCode = 1;
});
