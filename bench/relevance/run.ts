// `npm run bench:relevance`: nDCG@10 and Recall@100 on SciFact's training queries for the
// postgres connector alone (pg and PGlite) and for the rankers on the shared text analysis
// (markdown folder, MediaWiki re-ranker), beside BEIR's BM25; JSON to bench/results/.
// Usage: tsx bench/relevance/run.ts [--database-url URL] [--no-pg] [--no-pglite] [--no-text] [--scifact DIR]
import { parseArgs } from 'node:util';
import { measurePostgresRows } from './postgres-rows.js';
import { formatRelevanceTable, writeResults, BEIR_BM25_SCIFACT_NDCG10 } from './report.js';
import { DEFAULT_SCIFACT_DIR, loadScifact } from './scifact.js';
import { measureTextAnalysisRows } from './text-analysis-rows.js';

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    'no-pg': { type: 'boolean', default: false },
    'no-pglite': { type: 'boolean', default: false },
    'no-text': { type: 'boolean', default: false },
    scifact: { type: 'string', default: DEFAULT_SCIFACT_DIR },
  },
});

const log = (line: string) => process.stderr.write(`${line}\n`);
const data = await loadScifact(values.scifact);
log(`SciFact: ${data.corpus.length} documents, ${data.queries.length} judged training queries`);
const rows = await measurePostgresRows(data, {
  databaseUrl: values['no-pg'] ? null : values['database-url'],
  pglite: !values['no-pglite'],
  log,
});
if (!values['no-text']) rows.push(...(await measureTextAnalysisRows(data, log)));
process.stdout.write(`${formatRelevanceTable(rows)}\n`);
const file = await writeResults('relevance', {
  dataset: 'BEIR SciFact, training queries',
  measured_at: new Date().toISOString(),
  reference: { name: 'BEIR BM25 (paper, test split)', ndcg10: BEIR_BM25_SCIFACT_NDCG10 },
  rows,
});
log(`written ${file}`);
