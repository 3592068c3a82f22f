// Confluence trimmed by its own permissions (permissions: "user"): the caller's account found from
// its principals, Confluence's read check per page before the page is cut, get() answering a
// forbidden page like a missing one; against the REST double's documented shapes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../../connectors/contract/types.js';
import { CLOUD_AUTH, cloudConnector } from './cloud-connector.js';
import { type ConfluenceDouble, FIXTURE_PAGES, startConfluenceDouble } from './confluence-double.js';

const signal = () => AbortSignal.timeout(10_000);
const ALICE = { accountId: '557058:alice', email: 'alice@example.com', displayName: 'Alice Liddell' };
const BOB = { accountId: '557058:bob', email: 'bob@example.com', displayName: 'Bob Builder' };

// Every runbook is restricted to Alice; the rest are open to every account.
const pages = FIXTURE_PAGES.map((page) => (page.title.includes('Runbook') ? { ...page, readers: [ALICE.accountId] } : { ...page }));
const runbooks = pages.filter((page) => page.readers !== undefined);

describe('Confluence with permissions: "user"', () => {
  let double: ConfluenceDouble;
  let connector: Connector;

  beforeAll(async () => {
    double = await startConfluenceDouble({ flavor: 'cloud', auth: CLOUD_AUTH, pages, users: [ALICE, BOB] });
    connector = cloudConnector(double, { permissions: 'user' });
  });
  afterAll(async () => {
    await connector.close();
    await double.close();
  });

  const titles = async (principals: readonly string[] | null, limit = 10) =>
    (await connector.search({ query: 'runbook', limit, updatedAfter: null, signal: signal(), principals })).map((h) => h.title);

  it('shows restricted pages only to the account Confluence lets read them', async () => {
    expect(runbooks.length).toBeGreaterThan(0);
    const service = await titles(null);
    expect(service.filter((t) => t.includes('Runbook')).length).toBeGreaterThan(0);
    expect(await titles(['user:alice-sub', 'user:alice@example.com'])).toEqual(service);
    const bob = await titles(['user:bob-sub', 'user:bob@example.com', 'group:eng']);
    expect(bob.some((t) => t.includes('Runbook'))).toBe(false);
  });

  it('takes an atlassian:<accountId> principal as it is, and gives a caller without an account nothing', async () => {
    const checksBefore = double.requests.filter((r) => r.path.endsWith('/rest/api/search/user')).length;
    expect((await titles(['atlassian:557058:alice'])).some((t) => t.includes('Runbook'))).toBe(true);
    expect(double.requests.filter((r) => r.path.endsWith('/rest/api/search/user')).length).toBe(checksBefore);
    expect(await titles(['user:mallory@example.com'])).toEqual([]);
    expect(await titles(['group:eng'])).toEqual([]);
  });

  it('asks Confluence with the documented body for a user subject and the read operation', async () => {
    await titles(['user:bob@example.com']);
    const last = double.permissionChecks.at(-1);
    expect(JSON.parse(last?.body ?? '{}')).toEqual({ subject: { type: 'user', identifier: BOB.accountId }, operation: 'read' });
  });

  it('answers get() for a forbidden page exactly like a missing one', async () => {
    const runbook = runbooks[0]!;
    expect(await connector.get(runbook.id, signal(), ['user:bob@example.com'])).toBeNull();
    expect(await connector.get('99999999', signal(), ['user:bob@example.com'])).toBeNull();
    expect((await connector.get(runbook.id, signal(), ['user:alice@example.com']))?.title).toBe(runbook.title);
    expect((await connector.get(runbook.id, signal(), null))?.title).toBe(runbook.title);
  });
});
