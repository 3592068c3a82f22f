#!/usr/bin/env node
// The `knowledge-mcp` command: serve, stdio, migrate, ingest, search, sources.
import { parseArgs } from 'node:util';
import { runSearch, runSources } from './cli/search.js';
import { runServe } from './cli/serve.js';

const USAGE = `Usage: knowledge-mcp <command> [options]

Commands:
  serve                         Serve MCP on http://HOST:PORT/mcp (default 127.0.0.1:3000)
  stdio                         Serve MCP over stdin/stdout (for local clients); logs go to stderr
  migrate                       Apply database migrations to every Postgres source
  ingest --source NAME PATH|-   Load BEIR JSONL ({_id,title,text,...}) or a markdown folder into a source
  search "query"                Run search_documents and print the results
  sources                       Show each source and its status

Options:
  --config FILE     Config file (default: knowledge-mcp.config.json/.yaml if present)
  --limit N         search: number of results (default 10)
  --sources a,b     search: only these sources
  --skip-invalid    ingest: skip bad lines instead of stopping
  --json            search/sources: print JSON
  -h, --help        Show this help
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string' },
      limit: { type: 'string' },
      sources: { type: 'string' },
      source: { type: 'string' },
      'skip-invalid': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined && !values.help ? 1 : 0;
  }
  switch (command) {
    case 'serve':
      await runServe(values.config);
      return -1; // keeps running until a signal
    case 'stdio': {
      const { runStdio } = await import('./cli/stdio.js');
      return runStdio(values.config);
    }
    case 'search': {
      const query = rest.join(' ').trim();
      if (!query) throw new UsageError('search needs a query, e.g. knowledge-mcp search "remote work"');
      const limit = values.limit === undefined ? 10 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw new UsageError('--limit: expected a whole number from 1 to 50');
      return runSearch(query, {
        configPath: values.config,
        limit,
        sources: values.sources
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        json: values.json ?? false,
      });
    }
    case 'sources':
      return runSources({ configPath: values.config, json: values.json ?? false });
    case 'migrate': {
      const { runMigrate } = await import('./cli/migrate.js');
      return runMigrate({ configPath: values.config });
    }
    case 'ingest': {
      if (!values.source) throw new UsageError('ingest needs --source NAME (a configured source)');
      const input = rest[0];
      if (!input) throw new UsageError('ingest needs a FILE, a DIR or - for standard input');
      const { runIngestCommand } = await import('./cli/ingest.js');
      return runIngestCommand({ configPath: values.config, source: values.source, input, skipInvalid: values['skip-invalid'] ?? false });
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => {
    // One-shot commands exit once their output is flushed, even if a pool keeps a timer alive.
    if (code >= 0) process.stdout.write('', () => process.exit(code));
  },
  (error: unknown) => {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`knowledge-mcp: ${(error as Error).message}\n\n${USAGE}`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`knowledge-mcp: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
