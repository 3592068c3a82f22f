import pg from 'pg';
import { buildExhaustiveSearchSql, buildSearchSql, searchParams } from '../../connectors/postgres/bm25-sql.js';
import { loadQueries } from '../relevance/scifact.js';
import { percentile } from '../relevance/metrics.js';
import { cleanQueryText } from '../../connectors/postgres/snippet.js';
const schema = process.argv[2]!;
const depth = Number(process.argv[3] ?? 64);
const n = Number(process.argv[4] ?? 200);
const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test', options: '-c plan_cache_mode=force_generic_plan' });
await client.connect();
const queries = (await loadQueries('/work/shared/bench/scifact')).slice(0, n);
const params = (q: string) => searchParams({ source: 'scifact', textSearchConfig: 'english', query: cleanQueryText(q), limit: 10, updatedAfter: null, principals: null, docCount: null, avgdl: null, words: null, dfs: null }, depth);
async function run(name: string, text: string) {
  const times: number[] = []; const tops: string[][] = [];
  for (const q of queries.slice(0, 10)) await client.query({ name, text, values: params(q.text) });
  for (const q of queries) { const t = performance.now(); const r = await client.query({ name, text, values: params(q.text) }); times.push(performance.now() - t); tops.push(r.rows.map((x) => `${x.id}:${Number(x.score).toFixed(9)}`)); }
  times.sort((a, b) => a - b);
  console.log(name, 'p50', percentile(times, 50).toFixed(2), 'p90', percentile(times, 90).toFixed(2), 'p99', percentile(times, 99).toFixed(2), 'max', times.at(-1)!.toFixed(1));
  return tops;
}
const a = await run('pruned', buildSearchSql(schema, false));
const b = await run('exhaustive', buildExhaustiveSearchSql(schema, false));
let same = 0; const diffs: number[] = [];
a.forEach((x, i) => { if (JSON.stringify(x) === JSON.stringify(b[i])) same += 1; else diffs.push(i); });
console.log('identical top10', same, '/', a.length, 'differing', diffs.slice(0, 5));
for (const i of diffs.slice(0, 2)) console.log(queries[i]!.text, '\n', a[i], '\n', b[i]);
await client.end();
