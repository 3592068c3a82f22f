// Latency at one connection with sub-millisecond resolution (autocannon reports whole ms):
// N requests one after another over a single keep-alive socket, timed with performance.now().
import http from 'node:http';

export interface SequentialFigures {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

export async function measureSequential(
  url: string,
  options: { body: string; headers?: Record<string, string>; requests: number; path?: string },
): Promise<SequentialFigures> {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { 'content-type': 'application/json', ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) };
  const send = () =>
    new Promise<void>((resolve, reject) => {
      const request = http.request(
        { host: target.hostname, port: target.port, path: options.path ?? target.pathname, method: 'POST', agent, headers },
        (response) => {
          response.resume();
          response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`status ${response.statusCode}`))));
        },
      );
      request.on('error', reject);
      request.end(options.body);
    });
  for (let i = 0; i < Math.min(200, options.requests); i += 1) await send();
  const samples: number[] = [];
  for (let i = 0; i < options.requests; i += 1) {
    const started = performance.now();
    await send();
    samples.push(performance.now() - started);
  }
  agent.destroy();
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0;
  return { requests: samples.length, p50Ms: at(0.5), p99Ms: at(0.99), meanMs: samples.reduce((a, b) => a + b, 0) / samples.length };
}
