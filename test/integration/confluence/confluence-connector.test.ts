// The Confluence connector over real HTTP against the REST double: CQL, highlights, paging,
// bodies, scoping, auth, Retry-After and cancellation, for Cloud and Data Center flavours.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../../connectors/contract/types.js';
import { confluenceFactory } from '../../../connectors/confluence/index.js';
import { CLOUD_AUTH, cloudConnector } from './cloud-connector.js';
import { type ConfluenceDouble, startConfluenceDouble } from './confluence-double.js';

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };
const signal = () => AbortSignal.timeout(10_000);
function lastSearch(double: ConfluenceDouble) {
  const request = [...double.requests].reverse().find((r) => r.path.endsWith('/rest/api/search'));
  return request?.query;
}

describe('Confluence Cloud', () => {
  let double: ConfluenceDouble;
  let connector: Connector;

  beforeAll(async () => {
    double = await startConfluenceDouble({ flavor: 'cloud', auth: CLOUD_AUTH });
    connector = cloudConnector(double);
  });
  afterAll(async () => {
    await connector.close();
    await double.close();
  });
  afterEach(() => {
    double.requests.length = 0;
  });

  it('searches with escaped CQL and turns highlight markers into bold', async () => {
    const hits = await connector.search({ query: 'Remote work', limit: 5, updatedAfter: null, signal: signal() });
    expect(hits[0]).toMatchObject({
      nativeId: '65601',
      title: 'Remote Work Policy',
      url: `${double.baseUrl}/spaces/HR/pages/65601/Remote+Work+Policy`,
      updatedAt: '2025-03-12T09:15:00.000Z',
      score: 1,
    });
    expect(hits[0]?.snippet).toContain('**Remote Work** Policy Most roles');
    expect(hits[0]?.snippet).not.toContain('@@@');
    const query = lastSearch(double);
    expect(query?.get('cql')).toBe('siteSearch ~ "remote work" AND type in ("page", "blogpost")');
    expect(query?.get('excerpt')).toBe('highlight');
    expect(double.requests[0]?.authorization).toBe(`Basic ${Buffer.from('bot@example.com:cloud-api-token').toString('base64')}`);
    const scores = hits.map((h) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it.each([
    `"unbalanced quote`,
    'title:(foo AND',
    'rollback OR NOT deploy',
    'canary* ~2 ^3',
    '\\\\ back\\slash',
    'a && b || !c',
    '{"query":1}',
    '[[Category:x]] <script>',
    'nul\u0000byte canary',
    '; DROP TABLE x; --',
  ])('sends %j as plain words only', async (query) => {
    await expect(connector.search({ query, limit: 5, updatedAfter: null, signal: signal() })).resolves.toBeInstanceOf(Array);
    const operand = double.textOperands.at(-1) ?? '';
    expect(operand).toMatch(/^[\p{L}\p{N} ]+$/u);
  });

  it('does not call Confluence for a query without words', async () => {
    expect(await connector.search({ query: '*** ()', limit: 5, updatedAfter: null, signal: signal() })).toEqual([]);
    expect(double.requests).toHaveLength(0);
  });

  it('filters by updated_after exactly, widening the CQL date for time zones', async () => {
    const hits = await connector.search({ query: 'canary', limit: 10, updatedAfter: new Date('2025-04-02T20:00:00Z'), signal: signal() });
    expect(hits.map((h) => h.nativeId)).toEqual(['65604']);
    expect(lastSearch(double)?.get('cql')).toContain('lastmodified >= "2025-04-02 06:00"');
  });

  it('follows cursor pages until the limit is filled', async () => {
    const paged = cloudConnector(double, { page_size: 1 });
    const hits = await paged.search({ query: 'canary deploy failover', limit: 3, updatedAfter: null, signal: signal() });
    expect(hits).toHaveLength(3);
    expect(new Set(hits.map((h) => h.nativeId)).size).toBe(3);
    const searches = double.requests.filter((r) => r.path.endsWith('/rest/api/search'));
    expect(searches).toHaveLength(3);
    expect(searches[1]?.query.get('cursor')).toBeTruthy();
  });

  it('converts the storage body to markdown', async () => {
    const remote = await connector.get('65601', signal());
    expect(remote).toMatchObject({ nativeId: '65601', title: 'Remote Work Policy', updatedAt: '2025-03-12T09:15:00.000Z' });
    expect(remote?.metadata).toMatchObject({ space: 'HR', space_name: 'People Team', version: 7, type: 'page' });
    expect(remote?.content).toContain('## Working from another country');
    expect(remote?.content).toContain('> **Info: Home office allowance**');
    expect(remote?.content).toContain('| Internet | 40 EUR / month |');
    expect(remote?.content).toContain('See also Travel Policy and the [security handbook](https://handbook.example.com/security).');

    const deploy = await connector.get('65602', signal());
    expect(deploy?.content).toContain('```bash\ndeployctl plan <service> --version <sha>\ndeployctl apply <service> --version <sha>\n```');
    expect(deploy?.content).toContain('- [x] Announce in #deploys');
    expect(deploy?.content).toContain('- [ ] Watch the canary dashboard');
    expect(deploy?.content).not.toContain('OPS-1234');

    const failover = await connector.get('65603', signal());
    expect(failover?.content).toContain('1.  Confirm the timeline increased.');
    expect(failover?.content).not.toContain('alert');
  });

  it('answers null for unknown or malformed ids', async () => {
    expect(await connector.get('999999', signal())).toBeNull();
    double.requests.length = 0;
    expect(await connector.get('../../etc/passwd', signal())).toBeNull();
    expect(await connector.get('65601?expand=x', signal())).toBeNull();
    expect(double.requests).toHaveLength(0);
  });

  it('keeps to the configured spaces, in search and in get', async () => {
    const ops = cloudConnector(double, { spaces: ['OPS'] });
    expect(await ops.search({ query: 'remote work', limit: 5, updatedAfter: null, signal: signal() })).toEqual([]);
    expect(lastSearch(double)?.get('cql')).toContain('space in ("OPS")');
    expect(await ops.get('65601', signal())).toBeNull();
    expect((await ops.get('65602', signal()))?.title).toBe('Deploy Runbook');
  });

  it('reports health with the number of documents in scope', async () => {
    expect(await connector.health(signal())).toEqual({ ok: true, documentCount: 5 });
    expect(await cloudConnector(double, { types: ['blogpost'] }).health(signal())).toEqual({ ok: true, documentCount: 1 });
  });

  it('recognises its own page urls', () => {
    expect(connector.recognizeUrl?.(`${double.baseUrl}/spaces/HR/pages/65601/Remote+Work+Policy`)).toBe('65601');
    expect(connector.recognizeUrl?.(`${double.baseUrl}/spaces/OPS/blog/2025/05/01/65604/Why`)).toBe('65604');
    expect(connector.recognizeUrl?.(`${double.baseUrl}/pages/viewpage.action?pageId=65603`)).toBe('65603');
    expect(connector.recognizeUrl?.('https://other.example.com/wiki/spaces/HR/pages/65601')).toBeNull();
    expect(connector.recognizeUrl?.('not a url')).toBeNull();
  });

  it('waits for Retry-After on 429, then succeeds', async () => {
    double.queueFault({ status: 429, headers: { 'retry-after': '1' }, body: { statusCode: 429, message: 'Rate limit exceeded' } });
    const started = Date.now();
    const hits = await connector.search({ query: 'failover', limit: 5, updatedAfter: null, signal: signal() });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(hits[0]?.nativeId).toBe('65603');
  });

  it('fails at once when Retry-After is beyond the bound', async () => {
    double.queueFault({ status: 429, headers: { 'retry-after': '120' } });
    const started = Date.now();
    await expect(connector.search({ query: 'failover', limit: 5, updatedAfter: null, signal: signal() })).rejects.toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
      message: expect.stringContaining('rate limiting'),
    });
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('retries a 503 a bounded number of times', async () => {
    double.queueFault({ status: 503 });
    double.queueFault({ status: 503 });
    double.queueFault({ status: 503 });
    await expect(connector.search({ query: 'failover', limit: 5, updatedAfter: null, signal: signal() })).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
    expect(double.requests).toHaveLength(3);
  });

  it('stops waiting when the signal is aborted, during a request or a Retry-After wait', async () => {
    double.queueFault({ status: 200, delayMs: 3000, body: { results: [] } });
    let started = Date.now();
    await expect(connector.search({ query: 'failover', limit: 5, updatedAfter: null, signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1000);

    double.queueFault({ status: 429, headers: { 'retry-after': '2' } });
    const slow = cloudConnector(double, { max_retry_wait_ms: 5000 });
    started = Date.now();
    await expect(slow.search({ query: 'failover', limit: 5, updatedAfter: null, signal: AbortSignal.timeout(150) })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('maps refused credentials to a one-line source error and an unhealthy report', async () => {
    const wrong = confluenceFactory.create(
      confluenceFactory.configSchema.parse({ name: 'confluence', kind: 'confluence', url: double.baseUrl, email: 'bot@example.com', api_token: 'wrong' }),
      { logger: silentLogger, dataDir: '.', env: {} },
    );
    await expect(wrong.search({ query: 'x', limit: 1, updatedAfter: null, signal: signal() })).rejects.toMatchObject({
      code: 'SOURCE_ERROR',
      message: 'Confluence refused the credentials (HTTP 401)',
    });
    expect(await wrong.health(signal())).toMatchObject({ ok: false, detail: 'Confluence refused the credentials (HTTP 401)' });
  });

  it('never follows a pagination link to another host', async () => {
    double.queueFault({ status: 200, body: { results: [], size: 0, _links: {} } });
    double.queueFault({
      status: 200,
      body: {
        results: [{ content: { id: '1', title: 'A', _links: { webui: '/spaces/X/pages/1' } }, excerpt: 'a' }],
        _links: { next: 'http://evil.example/rest/api/search?x=1' },
      },
    });
    await connector.search({ query: 'x', limit: 5, updatedAfter: null, signal: signal() });
    await expect(cloudConnector(double, { page_size: 1 }).search({ query: 'x', limit: 5, updatedAfter: null, signal: signal() })).rejects.toMatchObject({
      code: 'SOURCE_ERROR',
    });
  });
});

describe('Confluence Data Center', () => {
  let double: ConfluenceDouble;
  let connector: Connector;

  beforeAll(async () => {
    double = await startConfluenceDouble({ flavor: 'dc', auth: { type: 'bearer', token: 'pat-123' } });
    const config = confluenceFactory.configSchema.parse({
      name: 'dc-wiki',
      kind: 'confluence',
      url: `${double.baseUrl}/`,
      token_env: 'CONFLUENCE_TOKEN',
      search_field: 'text',
      page_size: 2,
      body_format: 'view',
    });
    connector = confluenceFactory.create(config, { logger: silentLogger, dataDir: '.', env: { CONFLUENCE_TOKEN: 'pat-123' } });
  });
  afterAll(async () => {
    await connector.close();
    await double.close();
  });

  it('searches with a PAT, text ~ and start paging', async () => {
    const hits = await connector.search({ query: 'canary deploy failover', limit: 3, updatedAfter: null, signal: signal() });
    expect(hits).toHaveLength(3);
    const searches = double.requests.filter((r) => r.path === '/rest/api/search');
    expect(searches.map((r) => r.query.get('start'))).toEqual([null, '2']);
    expect(searches[0]?.query.get('cql')).toMatch(/^text ~ "canary deploy failover"/);
    expect(searches[0]?.authorization).toBe('Bearer pat-123');
    expect(hits.find((h) => h.nativeId === '65602')?.url).toBe(`${double.baseUrl}/display/OPS/Deploy+Runbook`);
  });

  it('reads the rendered view body when configured', async () => {
    const document = await connector.get('65603', signal());
    expect(double.requests.at(-1)?.query.get('expand')).toContain('body.view');
    expect(document?.content).toContain('`patronictl list`');
  });

  it('recognises viewpage urls', () => {
    expect(connector.recognizeUrl?.(`${double.baseUrl}/pages/viewpage.action?pageId=65604`)).toBe('65604');
    expect(connector.recognizeUrl?.(`${double.baseUrl}/display/OPS/Deploy+Runbook`)).toBeNull();
  });
});

describe('confluence config', () => {
  it('rejects half-given or mixed credentials with the field named', () => {
    const parse = (extra: Record<string, unknown>) =>
      confluenceFactory.configSchema.safeParse({ name: 'c', kind: 'confluence', url: 'https://acme.atlassian.net/wiki', ...extra });
    expect(parse({ email: 'a@b.c' }).error?.issues[0]?.path).toEqual(['api_token']);
    expect(parse({ api_token: 'x' }).error?.issues[0]?.path).toEqual(['email']);
    expect(parse({ email: 'a@b.c', api_token: 'x', token: 'y' }).success).toBe(false);
    expect(parse({ spaces: ['EN G'] }).success).toBe(false);
    expect(parse({ url: 'ftp://x' }).success).toBe(false);
    expect(parse({ token: 'y', spaces: ['~jdoe', 'OPS'] }).success).toBe(true);
    expect(parse({ email: 'a@b.c', token_env: 'CONFLUENCE_TOKEN' }).success).toBe(true);
    expect(parse({ username: 'u', password: 'p', token: 'y' }).success).toBe(false);
  });

  it('uses token as the Cloud API token when an email is given (the env shortcut)', async () => {
    const double = await startConfluenceDouble({ flavor: 'cloud', auth: CLOUD_AUTH });
    const config = confluenceFactory.configSchema.parse({
      name: 'confluence',
      kind: 'confluence',
      url: double.baseUrl,
      email: 'bot@example.com',
      token_env: 'CONFLUENCE_TOKEN',
    });
    const connector = confluenceFactory.create(config, { logger: silentLogger, dataDir: '.', env: { CONFLUENCE_TOKEN: 'cloud-api-token' } });
    expect((await connector.health(signal())).ok).toBe(true);
    await double.close();
  });

  it('names the missing environment variable', () => {
    const config = confluenceFactory.configSchema.parse({ name: 'c', kind: 'confluence', url: 'https://acme.atlassian.net/wiki', token_env: 'NOPE_TOKEN' });
    expect(() => confluenceFactory.create(config, { logger: silentLogger, dataDir: '.', env: {} })).toThrow(/NOPE_TOKEN/);
  });
});
