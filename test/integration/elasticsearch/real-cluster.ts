// Where a real Elasticsearch can come from in tests: ELASTICSEARCH_URL, or a container through
// testcontainers when a container runtime exists. Detection is a file/env check, so it never hangs.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export interface RealCluster {
  url: string;
  /** Extra source config (auth) for a connector pointed at it. */
  config: Record<string, unknown>;
  /** Env the connector's `*_env` secrets read from. */
  env: Record<string, string | undefined>;
  stop(): Promise<void>;
}

/** Images tried when a container runtime exists: one of each supported major. */
export const CLUSTER_IMAGES = (
  process.env.ELASTICSEARCH_IMAGES ?? 'docker.elastic.co/elasticsearch/elasticsearch:8.19.4,docker.elastic.co/elasticsearch/elasticsearch:9.1.5'
)
  .split(',')
  .map((image) => image.trim())
  .filter(Boolean);

/** Null when a container runtime looks reachable; otherwise the one-line reason to skip. */
export function containerRuntimeSkipReason(): string | null {
  if (process.env.DOCKER_HOST) return null;
  const sockets = [
    '/var/run/docker.sock',
    path.join(homedir(), '.docker/run/docker.sock'),
    path.join(homedir(), '.docker/desktop/docker.sock'),
    process.env.XDG_RUNTIME_DIR ? path.join(process.env.XDG_RUNTIME_DIR, 'docker.sock') : '',
    process.env.XDG_RUNTIME_DIR ? path.join(process.env.XDG_RUNTIME_DIR, 'podman/podman.sock') : '',
  ].filter(Boolean);
  return sockets.some((socket) => existsSync(socket)) ? null : 'no container runtime (no DOCKER_HOST, no docker socket)';
}

/** The cluster named by ELASTICSEARCH_URL (+ ELASTICSEARCH_API_KEY or _USERNAME/_PASSWORD), if any. */
export function externalCluster(): RealCluster | null {
  const url = process.env.ELASTICSEARCH_URL;
  if (!url) return null;
  const config: Record<string, unknown> = {};
  if (process.env.ELASTICSEARCH_API_KEY) config.api_key_env = 'ELASTICSEARCH_API_KEY';
  else if (process.env.ELASTICSEARCH_USERNAME) {
    config.username = process.env.ELASTICSEARCH_USERNAME;
    config.password_env = 'ELASTICSEARCH_PASSWORD';
  }
  if (process.env.ELASTICSEARCH_CA_FINGERPRINT) config.tls = { ca_fingerprint: process.env.ELASTICSEARCH_CA_FINGERPRINT };
  return { url, config, env: { ...process.env }, stop: async () => {} };
}

/** Starts a single-node cluster of `image` (security off, small heap) and waits until it is yellow. */
export async function startContainerCluster(image: string): Promise<RealCluster> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(image)
    .withEnvironment({
      'discovery.type': 'single-node',
      'xpack.security.enabled': 'false',
      'cluster.routing.allocation.disk.threshold_enabled': 'false',
      ES_JAVA_OPTS: '-Xms512m -Xmx512m',
    })
    .withExposedPorts(9200)
    .withWaitStrategy(Wait.forHttp('/_cluster/health?wait_for_status=yellow&timeout=60s', 9200).forStatusCode(200))
    .withStartupTimeout(240_000)
    .start();
  return {
    url: `http://${container.getHost()}:${container.getMappedPort(9200)}`,
    config: {},
    env: {},
    stop: async () => {
      await container.stop();
    },
  };
}

/** Deletes a test index with plain JSON headers (accepted by 8.x and 9.x alike). */
export async function deleteIndex(cluster: RealCluster, index: string): Promise<void> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const apiKey = cluster.env.ELASTICSEARCH_API_KEY;
  const username = cluster.config.username;
  if (apiKey) headers.authorization = `ApiKey ${apiKey}`;
  else if (typeof username === 'string') {
    const password = cluster.env.ELASTICSEARCH_PASSWORD ?? '';
    headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  await fetch(`${cluster.url.replace(/\/$/, '')}/${encodeURIComponent(index)}`, {
    method: 'DELETE',
    headers,
    signal: AbortSignal.timeout(10_000),
  }).catch(() => undefined);
}
