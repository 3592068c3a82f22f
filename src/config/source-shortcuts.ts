// Sources made from environment shortcuts (one per kind, named after it) and the shipped demo.
import path from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';
import type { EnvConfig } from './env-schema.js';

/** The package's demo folder, wherever the process was started from (src/ or dist/src/, checkout or node_modules). */
export const DEMO_DIR = `${path.join(PACKAGE_ROOT, 'demo')}${path.sep}`;

/** Which variable family made an env source, for error messages. */
export const ENV_SHORTCUT_OF_KIND: Readonly<Record<string, string>> = {
  postgres: 'DATABASE_URL',
  elasticsearch: 'ELASTICSEARCH_*',
  mediawiki: 'MEDIAWIKI_*',
  confluence: 'CONFLUENCE_*',
  markdown: 'WIKI_DIR',
};

export function buildEnvSourceEntries(env: EnvConfig): Array<Record<string, unknown>> {
  const entries: Array<Record<string, unknown>> = [];
  if (env.DATABASE_URL) entries.push({ name: 'postgres', kind: 'postgres', url: env.DATABASE_URL });
  if (env.ELASTICSEARCH_URL) {
    entries.push({
      name: 'elasticsearch',
      kind: 'elasticsearch',
      node: env.ELASTICSEARCH_URL,
      index: env.ELASTICSEARCH_INDEX,
      ...(env.ELASTICSEARCH_API_KEY ? { api_key_env: 'ELASTICSEARCH_API_KEY' } : {}),
      ...(env.ELASTICSEARCH_USERNAME ? { username: env.ELASTICSEARCH_USERNAME, password_env: 'ELASTICSEARCH_PASSWORD' } : {}),
      ...(env.ELASTICSEARCH_CA_FINGERPRINT ? { tls: { ca_fingerprint: env.ELASTICSEARCH_CA_FINGERPRINT } } : {}),
    });
  }
  if (env.MEDIAWIKI_URL) {
    entries.push({
      name: 'mediawiki',
      kind: 'mediawiki',
      url: env.MEDIAWIKI_URL,
      ...(env.MEDIAWIKI_USERNAME ? { username: env.MEDIAWIKI_USERNAME, password_env: 'MEDIAWIKI_PASSWORD' } : {}),
    });
  }
  if (env.CONFLUENCE_URL) {
    entries.push({
      name: 'confluence',
      kind: 'confluence',
      url: env.CONFLUENCE_URL,
      ...(env.CONFLUENCE_EMAIL ? { email: env.CONFLUENCE_EMAIL } : {}),
      ...(env.CONFLUENCE_TOKEN ? { token_env: 'CONFLUENCE_TOKEN' } : {}),
    });
  }
  if (env.WIKI_DIR) entries.push({ name: 'wiki', kind: 'markdown', dir: env.WIKI_DIR });
  return entries;
}

/** Served only while no source is configured at all: an embedded handbook and demo runbooks. */
export function buildDemoSourceEntries(): Array<Record<string, unknown>> {
  return [
    {
      name: 'handbook',
      kind: 'postgres',
      seed_file: `${DEMO_DIR}handbook/handbook.jsonl`,
      description: 'Demo company handbook (benefits, expenses, security, onboarding…) in embedded Postgres (PGlite).',
    },
    { name: 'runbooks', kind: 'markdown', dir: `${DEMO_DIR}runbooks`, description: 'Demo runbooks and policies (markdown folder shipped with knowledge-mcp).' },
  ];
}
