// npm run bench:federation — the federation layer's own cost (three instant in-process sources,
// against a naive Promise.all merge in the same run), what a source slower than its timeout costs
// a search, and the fusion comparison on SciFact split across three sources.
// Options: --iterations N (default 20000), --skip-fusion, --scifact DIR,
// --database-url URL (default the local test database), --no-pg, --cases-only (issue 17's
// relevance cases and latency only), --only a,b (cases whose label contains a or b; `latency`
// for the latency measure), --schema NAME (postgres schema of the case sources, default
// bench_federation), --queries N (first N training queries), --latency-queries N (default 150),
// --latency-rounds N (warm rounds, default 3), --wiki-candidates N (the wiki source's
// rerank_candidates; its default 50 caps what it returns below the 100 that Recall@100 reads).
import { parseArgs } from 'node:util';
import { printTable } from '../lib/load.js';
import { writeResults } from '../lib/results.js';
import { compareFusion } from './fusion.js';
import { measureOverhead } from './overhead.js';
import { compareCases } from './cases.js';
import { measureTimeouts } from './timeouts.js';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '20000' },
    'skip-fusion': { type: 'boolean', default: false },
    scifact: { type: 'string' },
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    'no-pg': { type: 'boolean', default: false },
    'cases-only': { type: 'boolean', default: false },
    only: { type: 'string', default: '' },
    schema: { type: 'string', default: 'bench_federation' },
    queries: { type: 'string' },
    'latency-queries': { type: 'string', default: '150' },
    'latency-rounds': { type: 'string', default: '3' },
    'wiki-candidates': { type: 'string' },
  },
});

type FusionRowShape = Awaited<ReturnType<typeof compareFusion>>['rows'][number];
const FUSION_HEADER = ['corpus', 'fusion', 'nDCG@10', 'Recall@100', 'of whole', 'Δ nDCG@10 vs RRF k=60 (95% CI)'];

const fusionCells = (row: FusionRowShape) => [
  row.split,
  row.method,
  row.ndcg10.toFixed(4),
  row.recall100.toFixed(4),
  `${(row.ofWhole * 100).toFixed(1)}%`,
  row.vsRrf60 ? `${row.vsRrf60[0] >= 0 ? '+' : ''}${row.vsRrf60[0].toFixed(3)} … ${row.vsRrf60[1] >= 0 ? '+' : ''}${row.vsRrf60[1].toFixed(3)}` : '',
];

const casesOnly = values['cases-only'];
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
type OverheadFigures = Awaited<ReturnType<typeof measureOverhead>>['baseline'];
const row = (label: string, figures: OverheadFigures) => [
  label,
  figures.p50Us,
  figures.p99Us,
  figures.cpuUs,
  kib(figures.allocatedBytesPerCall),
  `${figures.retainedBytesPerCall.toFixed(0)} B`,
];
let overhead: Awaited<ReturnType<typeof measureOverhead>> | null = null;
let timeouts: Awaited<ReturnType<typeof measureTimeouts>> | null = null;
if (!casesOnly) {
  overhead = await measureOverhead(Number(values.iterations));
  printTable(
    `Per search call, 3 instant in-process sources, limit ${overhead.limit}, ${overhead.iterations} sequential calls each (alternating blocks)`,
    ['path', 'p50 µs', 'p99 µs', 'CPU µs / call', 'allocated / call', 'retained / call'],
    [
      row('naive Promise.all + sort (baseline)', overhead.baseline),
      row('createFederation().search', overhead.federation),
      [
        'federation overhead',
        overhead.overheadP50Us,
        overhead.overheadP99Us,
        overhead.overheadCpuUs,
        kib(overhead.federation.allocatedBytesPerCall - overhead.baseline.allocatedBytesPerCall),
        '',
      ],
    ],
  );

  timeouts = await measureTimeouts();
  printTable(
    'One of three sources delayed 5 s past its 250 ms timeout (20 searches each)',
    ['scenario', 'p50 ms', 'max ms', 'p50 − timeout ms', 'slow source statuses'],
    timeouts.map((entry) => [
      entry.scenario,
      entry.p50Ms,
      entry.maxMs,
      entry.excessP50Ms,
      Object.entries(entry.statuses)
        .map(([status, count]) => `${status} ×${count}`)
        .join(', '),
    ]),
  );
}

let fusion: Awaited<ReturnType<typeof compareFusion>> | null = null;
if (!values['skip-fusion'] && !casesOnly) {
  fusion = await compareFusion(values.scifact);
  printTable(
    `Fusion on SciFact (${fusion.documents} abstracts, ${fusion.queries} training queries), in-memory BM25 sources`,
    FUSION_HEADER,
    fusion.rows.map(fusionCells),
  );
}

let cases: Awaited<ReturnType<typeof compareCases>> | null = null;
if (!values['skip-fusion'] && !values['no-pg']) {
  cases = await compareCases({
    databaseUrl: values['database-url']!,
    scifactDir: values.scifact,
    log: (line) => process.stderr.write(`${line}\n`),
    only: values.only ? values.only.split(',') : [],
    schema: values.schema!,
    ...(values.queries ? { queries: Number(values.queries) } : {}),
    latencyQueries: Number(values['latency-queries']),
    latencyRounds: Number(values['latency-rounds']),
    ...(values['wiki-candidates'] ? { wikiCandidates: Number(values['wiki-candidates']) } : {}),
  });
  if ('skipped' in cases) process.stdout.write(`\nFederation cases: not measured (${cases.skipped})\n`);
  else {
    printTable(
      `SciFact, ${cases.queries} training queries: whole corpus in one postgres source vs split across engines (Δ vs RRF k=60 on the same split)`,
      [...FUSION_HEADER, 'Δ Recall@100 vs whole'],
      cases.rows.map((entry, index) => [...fusionCells(entry), index === 0 ? '' : `${entry.recall100Delta >= 0 ? '+' : ''}${entry.recall100Delta.toFixed(4)}`]),
    );
    for (const reason of cases.notRun) process.stdout.write(`skipped: ${reason}\n`);
    const ratio = (value: number | null) => (value === null ? '' : `${value >= 1 ? '+' : ''}${((value - 1) * 100).toFixed(1)} %`);
    if (cases.latency.length > 0)
      printTable(
        'One search (limit 10, no cache) through createFederation, the same sources before (score) and after (global), interleaved',
        ['sources', 'fusion', 'searches', 'p50 ms', 'p99 ms', 'p50 vs before', 'p99 vs before'],
        cases.latency.map((entry) => [
          entry.sources,
          entry.mode,
          entry.searches,
          entry.p50Ms.toFixed(1),
          entry.p99Ms.toFixed(1),
          ratio(entry.p50Ratio),
          ratio(entry.p99Ratio),
        ]),
      );
  }
}

const file = writeResults(values.only ? `federation-${values.only.replace(/[^a-z0-9]+/gi, '-')}` : 'federation', { overhead, timeouts, fusion, cases });
process.stdout.write(`\nwritten to ${file}\n`);
