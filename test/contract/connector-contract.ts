// The one contract suite every connector passes: `defineConnectorContract(name, setup)`.
// A setup makes CONTRACT_DOCUMENTS searchable in a fresh source and returns the connector.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAbortError, KnowledgeError } from '../../connectors/contract/errors.js';
import type { Connector, SourceHit } from '../../connectors/contract/types.js';
import { SOURCE_NAME_PATTERN } from '../../connectors/contract/source-config.js';
import { CONTRACT_DOCUMENTS, HOSTILE_QUERIES } from './contract-documents.js';

export interface ContractSubject {
  connector: Connector;
  /** Release whatever the setup created (tables, folders, servers). */
  teardown?: () => Promise<void>;
}

export interface ContractOptions {
  /** Set when the setup cannot run here; the suite is skipped with this one-line reason. */
  skipReason?: string | null;
  /** False for sources whose documents carry no URL of their own. */
  urls?: boolean;
  /**
   * True for sources that implement `recognizeUrl` (links pasted by agents resolve to their
   * documents); the suite then checks it round-trips every hit's URL and refuses foreign ones.
   */
  recognizesUrls?: boolean;
  /**
   * True for sources that hold documents besides the contract's (a shared wiki, say): a hit then
   * only has to be a real document of the source (its get() finds it), not a contract document.
   */
  otherDocuments?: boolean;
}

const CONTRACT_TITLES = new Set(CONTRACT_DOCUMENTS.map((doc) => doc.title));

/** An abort or timeout, as the caller's signal reports it (not some other failure on the way). */
function isCancellation(error: unknown, signal: AbortSignal): boolean {
  return error === signal.reason || isAbortError(error) || (error instanceof KnowledgeError && error.code === 'SOURCE_TIMEOUT');
}

const signal = () => AbortSignal.timeout(20_000);

function search(connector: Connector, query: string, limit = 10, updatedAfter: Date | null = null): Promise<SourceHit[]> {
  return connector.search({ query, limit, updatedAfter, signal: signal() });
}

export function defineConnectorContract(name: string, setup: () => Promise<ContractSubject>, options: ContractOptions = {}): void {
  const describeOrSkip = options.skipReason ? describe.skip : describe;
  describeOrSkip(`connector contract: ${name}${options.skipReason ? ` (skipped: ${options.skipReason})` : ''}`, () => {
    let subject: ContractSubject;
    let connector: Connector;

    beforeAll(async () => {
      subject = await setup();
      connector = subject.connector;
      await connector.start?.(signal());
    });

    afterAll(async () => {
      await connector?.close();
      await subject?.teardown?.();
    });

    it('has a valid name, a kind and a description', () => {
      expect(connector.name).toMatch(SOURCE_NAME_PATTERN);
      expect(connector.kind.length).toBeGreaterThan(0);
      expect(connector.description.length).toBeGreaterThan(0);
    });

    it('reports itself healthy, with a document count when it knows one', async () => {
      const health = await connector.health(signal());
      expect(health.ok).toBe(true);
      if (health.documentCount !== null) expect(health.documentCount).toBeGreaterThanOrEqual(CONTRACT_DOCUMENTS.length);
    });

    it.each(CONTRACT_DOCUMENTS.map((doc) => [doc.distinctive, doc.title] as const))('finds the document about "%s" first', async (term, title) => {
      const hits = await search(connector, term);
      expect(hits[0]?.title).toBe(title);
    });

    it('returns well-formed hits, best first, at most `limit`', async () => {
      const hits = await search(connector, 'basalt kayak apricot cryostat moraine portafilter', 3);
      expect(hits.length).toBeGreaterThan(0);
      expect(hits.length).toBeLessThanOrEqual(3);
      for (const hit of hits) {
        expect(typeof hit.nativeId).toBe('string');
        expect(hit.nativeId.length).toBeGreaterThan(0);
        expect(Number.isFinite(hit.score)).toBe(true);
        if (hit.updatedAt !== null) expect(Number.isNaN(Date.parse(hit.updatedAt))).toBe(false);
      }
      const scores = hits.map((hit) => hit.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      expect(new Set(hits.map((hit) => hit.nativeId)).size).toBe(hits.length);
    });

    it('marks the matched term in the snippet', async () => {
      const [hit] = await search(connector, 'cryostat');
      expect(hit?.snippet.toLowerCase()).toContain('**cryostat**');
    });

    it('answers a query that matches nothing with an empty list', async () => {
      expect(await search(connector, 'zyxwvutsrq qwxzvy')).toEqual([]);
    });

    it('honours updated_after', async () => {
      const hits = await search(connector, 'basalt moraine', 10, new Date('2025-01-01T00:00:00Z'));
      const titles = hits.map((hit) => hit.title);
      expect(titles).toContain('Glacier photo archive');
      expect(titles).not.toContain('Volcano survey procedure');
    });

    it.each(HOSTILE_QUERIES.map((query) => [JSON.stringify(query).slice(0, 40), query] as const))(
      'treats hostile input %s as plain words',
      async (_label, query) => {
        // Query syntax in the input must neither widen the search (a match-all, a wildcard) nor
        // swallow the plain word after it (an unclosed quote or group): a distinctive word in or
        // after it still finds its document first, and only real documents come back.
        const plain = query.includes('basalt') ? query : query.length + 9 <= 1000 ? `${query} cryostat` : null;
        const hits = await search(connector, plain ?? query, 5);
        expect(hits.length).toBeLessThanOrEqual(5);
        for (const hit of hits) {
          if (options.otherDocuments) expect(await connector.get(hit.nativeId, signal())).not.toBeNull();
          else expect(CONTRACT_TITLES).toContain(hit.title);
        }
        if (plain === null)
          expect(hits).toEqual([]); // 1000 letters that are no word of any document
        else {
          const expected = plain === query ? 'Volcano survey procedure' : 'Quantum lab cryostat safety';
          // Beside other documents, the input's stray letters may match them too: the document
          // must still be found, not necessarily first.
          if (options.otherDocuments) expect(hits.map((hit) => hit.title)).toContain(expected);
          else expect(hits[0]?.title).toBe(expected);
        }
      },
    );

    it('gets a hit by its native id, with the whole text', async () => {
      const [hit] = await search(connector, 'portafilter');
      expect(hit).toBeDefined();
      const document = await connector.get(hit!.nativeId, signal());
      expect(document?.nativeId).toBe(hit!.nativeId);
      expect(document?.title).toBe('Office espresso machine care');
      expect(document?.content).toContain('descale the boiler');
    });

    it('answers null for an id it does not have', async () => {
      expect(await connector.get('no-such-document-3f9a', signal())).toBeNull();
      expect(await connector.get('../../../etc/passwd', signal())).toBeNull();
    });

    it('stops when the signal is aborted, rejecting with the abort (not some other failure)', async () => {
      const controller = new AbortController();
      controller.abort();
      const searched = await connector.search({ query: 'basalt', limit: 5, updatedAfter: null, signal: controller.signal }).then(
        (hits) => ({ resolved: hits }),
        (error: unknown) => ({ rejected: error }),
      );
      expect(searched).toHaveProperty('rejected');
      const error = (searched as { rejected: unknown }).rejected;
      expect(isCancellation(error, controller.signal), `rejected with ${String(error)} instead of the abort`).toBe(true);
      const got = await connector.get('volcano-survey', controller.signal).then(
        () => null,
        (rejection: unknown) => rejection,
      );
      expect(isCancellation(got, controller.signal), `get rejected with ${String(got)} instead of the abort`).toBe(true);
    });

    if (options.urls ?? true) {
      it('gives every hit an absolute http(s) URL', async () => {
        const hits = await search(connector, 'basalt kayak apricot cryostat moraine portafilter');
        expect(hits.length).toBeGreaterThan(0);
        for (const hit of hits) expect(hit.url ?? '').toMatch(/^https?:\/\/[^/]+/);
      });
    }

    it(`${options.recognizesUrls ? 'recognises its own document URLs and no others' : 'does not claim URLs'}`, async () => {
      expect(typeof connector.recognizeUrl === 'function').toBe(options.recognizesUrls ?? false);
      if (!options.recognizesUrls) return;
      const hits = await search(connector, 'basalt kayak apricot cryostat moraine portafilter');
      expect(hits.length).toBeGreaterThan(1);
      for (const hit of hits) expect(connector.recognizeUrl?.(hit.url ?? '')).toBe(hit.nativeId);
      expect(connector.recognizeUrl?.('https://elsewhere.example.org/volcano-survey')).toBeNull();
    });
  });
}
