// Builds a MediaWiki XML import dump from markdown/wikitext folders or BEIR JSONL, and verifies
// after import that the wiki's search index finds the pages. CI/bench tooling, not server code.
// Usage: tsx wiki-dump.ts build OUT.xml MANIFEST.json [--every N --offset K] SOURCE... (SOURCE may be `contract:`)
//        tsx wiki-dump.ts verify API_URL MANIFEST.json
import { createReadStream, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { readFrontMatter } from '../../connectors/contract/text/front-matter.js';
import { markdownToWikitext } from './markdown-to-wikitext.js';
import { beirPageTitles, pickProbe, renderDump, toPageTitle, toTimestamp, type WikiPage } from './dump-xml.js';

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? listFiles(path) : [path];
    });
}

function pagesFromFolder(dir: string): WikiPage[] {
  return listFiles(dir)
    .filter((path) => ['.md', '.markdown', '.wiki'].includes(extname(path)))
    .map((path) => {
      const parsed = readFrontMatter(readFileSync(path, 'utf8'));
      const data = parsed.data as { title?: unknown; updated?: unknown; timestamp?: unknown };
      const isWikitext = extname(path) === '.wiki';
      const heading = /^#\s+(.+)$/m.exec(parsed.body)?.[1];
      const fallback = basename(relative(dir, path), extname(path)).replace(/[-_]+/g, ' ');
      const title = typeof data.title === 'string' ? data.title : (heading ?? fallback);
      // The page title is shown by the wiki itself, so a leading H1 repeating it is dropped.
      const body = isWikitext ? parsed.body : markdownToWikitext(parsed.body.replace(/^#\s+.+\n+/, ''));
      return {
        title: isWikitext ? title : toPageTitle(title),
        text: `${body.trim()}\n`,
        timestamp: toTimestamp(data.updated ?? data.timestamp),
        probe: pickProbe(body),
      };
    });
}

async function pagesFromJsonl(file: string, every: number, offset: number): Promise<WikiPage[]> {
  const docs: Array<{ _id: string; title?: string; text: string; updated_at?: string }> = [];
  let index = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    if (index++ % every === offset) docs.push(JSON.parse(line) as (typeof docs)[number]);
  }
  const titles = beirPageTitles(docs);
  return docs.map((doc, i) => ({
    title: titles[i] ?? doc._id,
    text: `${doc.text}\n`,
    timestamp: toTimestamp(doc.updated_at),
    probe: pickProbe(doc.text),
  }));
}

/** The documents every connector's contract suite searches, with their own timestamps. */
async function contractPages(): Promise<WikiPage[]> {
  const { CONTRACT_DOCUMENTS } = await import('../../test/contract/contract-documents.js');
  return CONTRACT_DOCUMENTS.map((doc) => ({
    title: doc.title,
    text: `${doc.text}\n`,
    timestamp: toTimestamp(doc.updatedAt),
    probe: doc.distinctive,
  }));
}

async function build(args: string[]): Promise<void> {
  const [out, manifest, ...rest] = args;
  if (out === undefined || manifest === undefined) throw new Error('usage: build OUT.xml MANIFEST.json SOURCE...');
  let every = 1;
  let offset = 0;
  const sources: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? '';
    if (arg === '--every') every = Number(rest[++i]);
    else if (arg === '--offset') offset = Number(rest[++i]);
    else sources.push(arg);
  }
  const pages: WikiPage[] = [];
  for (const source of sources) {
    if (source === 'contract:') {
      pages.push(...(await contractPages()));
      continue;
    }
    pages.push(...(statSync(source).isDirectory() ? pagesFromFolder(source) : await pagesFromJsonl(source, every, offset)));
  }
  writeFileSync(out, renderDump(pages));
  // The manifest samples pages spread over the dump for the post-import check.
  const step = Math.max(1, Math.floor(pages.length / 8));
  const samples = pages.filter((_, i) => i % step === 0 && pages[i]?.probe).slice(0, 8);
  writeFileSync(manifest, JSON.stringify({ count: pages.length, samples: samples.map(({ title, probe }) => ({ title, probe })) }));
  process.stdout.write(`${pages.length}\n`);
}

async function verify(args: string[]): Promise<void> {
  const [apiUrl, manifestPath] = args;
  if (apiUrl === undefined || manifestPath === undefined) throw new Error('usage: verify API_URL MANIFEST.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { samples: Array<{ title: string; probe: string }> };
  const missing: string[] = [];
  for (const { title, probe } of manifest.samples) {
    const params = new URLSearchParams({
      action: 'query',
      list: 'search',
      srsearch: probe,
      srwhat: 'text',
      srnamespace: '*',
      srlimit: '500',
      srprop: '',
      format: 'json',
      formatversion: '2',
    });
    const response = await fetch(`${apiUrl}?${params}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { query?: { search?: Array<{ title: string }> } };
    const titles = new Set((body.query?.search ?? []).map((hit) => hit.title));
    if (!titles.has(title)) missing.push(`${title} (searched "${probe}")`);
  }
  if (missing.length > 0) throw new Error(`search index is missing: ${missing.join('; ')}`);
  process.stdout.write(`search index finds ${manifest.samples.length}/${manifest.samples.length} sampled pages\n`);
}

const [command, ...args] = process.argv.slice(2);
const run = command === 'build' ? build : command === 'verify' ? verify : null;
if (run === null) {
  process.stderr.write('usage: wiki-dump.ts build|verify ...\n');
  process.exit(2);
}
run(args).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
