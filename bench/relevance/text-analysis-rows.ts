// The rankers built on the shared text analysis (connectors/contract/text): the markdown
// connector over SciFact written out as a folder of pages, and the MediaWiki re-ranker's local
// BM25 over the third of SciFact that bench:mediawiki loads into its wiki (it re-reads every
// text per query, so the whole corpus would take most of an hour). Both move when the stemmer
// or the stop words change.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { markdownFactory } from '../../connectors/markdown/index.js';
import { analyzeSearchQuery } from '../../connectors/mediawiki/query-terms.js';
import { rankByBm25 } from '../../connectors/mediawiki/rerank.js';
import { evaluateRanker, type Ranker } from './evaluate.js';
import { rankerOf, silentLogger } from './postgres-rows.js';
import type { RelevanceRow } from './report.js';
import { splitCorpus, type Qrels, type Scifact } from './scifact.js';

/** One page per document: the title in front matter (quoted as JSON, which YAML reads), the text as body. */
function pageOf(title: string, text: string): string {
  return `---\ntitle: ${JSON.stringify(title)}\n---\n\n${text}\n`;
}

async function measureMarkdown(data: Scifact, log: (line: string) => void): Promise<RelevanceRow> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kmcp-bench-markdown-'));
  try {
    for (const doc of data.corpus) await writeFile(path.join(dir, `${doc.id}.md`), pageOf(doc.title, doc.text));
    const config = markdownFactory.configSchema.parse({ kind: 'markdown', name: 'scifact', dir, refresh_interval_ms: 3_600_000 });
    const connector = markdownFactory.create(config, { logger: silentLogger, dataDir: dir, env: {} });
    const started = performance.now();
    await connector.start?.(AbortSignal.timeout(600_000));
    const ingestMs = performance.now() - started;
    log(`markdown: indexed ${data.corpus.length} pages in ${(ingestMs / 1000).toFixed(1)} s`);
    try {
      const byId: Ranker = async (query, limit) => (await rankerOf(connector)(query, limit)).map((id) => id.replace(/\.md$/, ''));
      const score = await evaluateRanker(byId, data.queries, data.qrels);
      return { name: 'markdown folder · BM25+', ...score, ingestMs };
    } finally {
      await connector.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function measureLocalBm25(data: Scifact): Promise<RelevanceRow> {
  const third = splitCorpus(data.corpus, 3)[0] ?? [];
  const inThird = new Set(third.map((doc) => doc.id));
  // Only queries with a relevant document in this third can be answered by it.
  const qrels: Qrels = new Map();
  for (const [query, judged] of data.qrels) {
    const kept = new Map([...judged].filter(([id]) => inThird.has(id)));
    if (kept.size > 0) qrels.set(query, kept);
  }
  const queries = data.queries.filter((query) => qrels.has(query.id));
  const docs = third.map((doc) => ({ key: doc.id, title: doc.title, text: doc.text }));
  const ranker: Ranker = async (query, limit) => {
    const stems = analyzeSearchQuery(query, { prefixes: false }).map((term) => term.stem);
    return rankByBm25(docs, stems, { totalDocuments: docs.length, knownDf: new Map() })
      .filter((entry) => entry.score > 0)
      .slice(0, limit)
      .map((entry) => entry.key);
  };
  const score = await evaluateRanker(ranker, queries, qrels);
  return { name: 'mediawiki re-ranker · local BM25', ...score, note: 'a third of the corpus (as bench:mediawiki), no wiki' };
}

export async function measureTextAnalysisRows(data: Scifact, log: (line: string) => void): Promise<RelevanceRow[]> {
  return [await measureMarkdown(data, log), await measureLocalBm25(data)];
}
