// The Elasticsearch connector against the shared contract: through the real client and real HTTP
// to the faithful double (as 8.x and as 9.x), to ELASTICSEARCH_URL when set, and to real clusters
// in containers where a container runtime exists. Documents go in through the connector's ingest.
import { afterAll, beforeAll } from 'vitest';
import type { Connector } from '../../connectors/contract/types.js';
import { startElasticsearchDouble, type DoubleFlavor } from '../doubles/elasticsearch/server.js';
import { fromArray, makeConnector } from '../integration/elasticsearch/harness.js';
import {
  CLUSTER_IMAGES,
  containerRuntimeSkipReason,
  deleteIndex,
  externalCluster,
  startContainerCluster,
  type RealCluster,
} from '../integration/elasticsearch/real-cluster.js';
import { defineConnectorContract, type ContractSubject } from './connector-contract.js';
import { CONTRACT_DOCUMENTS } from './contract-documents.js';

async function fill(connector: Connector & { ingest: NonNullable<Connector['ingest']> }): Promise<void> {
  const summary = await connector.ingest(fromArray([...CONTRACT_DOCUMENTS]), { signal: AbortSignal.timeout(60_000) });
  if (summary.failed.length > 0) throw new Error(`contract ingest failed: ${JSON.stringify(summary.failed)}`);
}

for (const flavor of ['8', '9'] satisfies DoubleFlavor[]) {
  defineConnectorContract(`elasticsearch (double, ${flavor}.x)`, async (): Promise<ContractSubject> => {
    const double = await startElasticsearchDouble({ flavor });
    const connector = makeConnector(double.url, { name: 'contract-es', index: 'contract-docs' });
    await fill(connector);
    return { connector, teardown: () => double.close() };
  });
}

async function realSubject(cluster: RealCluster): Promise<ContractSubject> {
  const index = `knowledge-mcp-contract-${Date.now().toString(36)}`;
  const connector = makeConnector(cluster.url, { name: 'contract-es', index, ...cluster.config }, cluster.env);
  await fill(connector);
  return { connector, teardown: () => deleteIndex(cluster, index) };
}

const external = externalCluster();
defineConnectorContract('elasticsearch (ELASTICSEARCH_URL)', () => realSubject(external!), {
  skipReason: external === null ? 'ELASTICSEARCH_URL is not set' : null,
});

// Containers start in a file-level hook with a generous timeout: pulling and booting a node takes
// longer than the contract's own setup hook allows.
const runtimeSkip = containerRuntimeSkipReason();
const containers = new Map<string, RealCluster>();
beforeAll(async () => {
  if (runtimeSkip !== null) return;
  for (const image of CLUSTER_IMAGES) containers.set(image, await startContainerCluster(image));
}, 600_000);
afterAll(async () => {
  for (const cluster of containers.values()) await cluster.stop();
}, 120_000);

for (const image of CLUSTER_IMAGES) {
  defineConnectorContract(`elasticsearch (container ${image.split('/').pop() ?? image})`, () => realSubject(containers.get(image)!), {
    skipReason: runtimeSkip,
  });
}
