// The compose stack's knowledge-mcp config (deploy/knowledge-mcp.config.json plus the app's compose
// environment) is accepted by the real config loader, and agrees with the seed, smoke and image.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CONNECTOR_FACTORIES } from '../../../connectors/registry.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { readImageFacts } from '../../../scripts/deploy-lint/dockerfile-facts.js';
import { REPO_ROOT, readRepoFile } from './repo-files.js';

interface Service {
  environment?: Record<string, string>;
  volumes?: string[];
}

const CONFIG_PATH = 'deploy/knowledge-mcp.config.json';
const services = (parseYaml(readRepoFile('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> }).services;
// Compose interpolates `${NAME:-default}` from the shell; with nothing exported it is the default.
const interpolate = (value: string) => value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*:-([^}]*)\}/g, '$1');
const appEnv = Object.fromEntries(Object.entries(services.app?.environment ?? {}).map(([name, value]) => [name, interpolate(String(value))]));
const config = JSON.parse(readRepoFile(CONFIG_PATH)) as { sources: Array<{ name: string; kind: string; dir?: string }> };
const workdir = readImageFacts(readRepoFile('Dockerfile')).workdir ?? '/app';
const registered = new Set(CONNECTOR_FACTORIES.map((factory) => factory.kind));
const unregistered = [...new Set(config.sources.map((source) => source.kind))].filter((kind) => !registered.has(kind));

describe('the compose stack configuration', () => {
  it('mounts the config file where KNOWLEDGE_MCP_CONFIG points, in app and seed', () => {
    for (const name of ['app', 'seed']) {
      const env = services[name]?.environment ?? {};
      const mount = (services[name]?.volumes ?? []).find((volume) => volume.startsWith(`./${CONFIG_PATH}:`));
      expect(mount?.split(':')[1]).toBe(env.KNOWLEDGE_MCP_CONFIG);
    }
  });

  it('names the sources the smoke check expects, and the seed loads the Postgres and Elasticsearch ones', () => {
    const names = config.sources.map((source) => source.name).sort();
    expect(services.smoke?.environment?.SMOKE_SOURCES?.split(',').sort()).toEqual(names);
    const seedTargets = /sources="\$\{SEED_HANDBOOK_SOURCES:-([^}]*)\}"/.exec(readRepoFile('deploy/seed.sh'))?.[1]?.split(' ') ?? [];
    const kindOf = (name: string) => config.sources.find((source) => source.name === name)?.kind;
    expect(seedTargets.map(kindOf).sort()).toEqual(['elasticsearch', 'postgres']);
  });

  it('gives the overall search deadline room for the slowest source timeout', () => {
    const sources = config.sources as Array<{ timeout_ms?: number }>;
    const slowest = Math.max(...sources.map((source) => source.timeout_ms ?? 2000));
    expect(Number(appEnv.SEARCH_DEADLINE_MS ?? 3000)).toBeGreaterThan(slowest);
  });

  it('points the markdown source at the runbooks the image ships', () => {
    const markdown = config.sources.find((source) => source.kind === 'markdown');
    expect(markdown?.dir?.startsWith(`${workdir}/`)).toBe(true);
    const inRepo = path.join(REPO_ROOT, path.relative(workdir, markdown?.dir ?? ''));
    expect(existsSync(inRepo)).toBe(true);
    expect(readRepoFile('Dockerfile')).toMatch(/^COPY demo \.\/demo$/m);
  });

  it('seeds from a handbook file that exists', (context) => {
    const handbook = /handbook="\$\{SEED_HANDBOOK:-([^}]*)\}"/.exec(readRepoFile('deploy/seed.sh'))?.[1] ?? '';
    expect(handbook).toBe('demo/handbook/handbook.jsonl');
    if (!existsSync(path.join(REPO_ROOT, handbook))) context.skip(`${handbook} is not in the repository yet`);
    const first = readFileSync(path.join(REPO_ROOT, handbook), 'utf8').split('\n')[0] ?? '';
    expect(JSON.parse(first)).toMatchObject({ _id: expect.any(String), title: expect.any(String), text: expect.any(String) });
  });

  it("is accepted by the config loader with the app's compose environment", (context) => {
    if (unregistered.length > 0) context.skip(`connector kinds not registered yet: ${unregistered.join(', ')}`);
    const loaded = loadConfig({ env: appEnv, configPath: CONFIG_PATH, cwd: REPO_ROOT, factories: CONNECTOR_FACTORIES });
    expect(loaded.sources.map((source) => source.name).sort()).toEqual(['handbook', 'runbooks', 'search', 'wiki']);
    expect(loaded.demo).toBe(false);
    expect(loaded.host).toBe('0.0.0.0');
    expect(loaded.auth.keys.map((key) => key.name)).toEqual(['local']);
    expect(loaded.redisUrl).toBe('redis://redis:6379');
    expect(loaded.sources.find((source) => source.name === 'handbook')).toMatchObject({ kind: 'postgres', url_env: 'HANDBOOK_DATABASE_URL' });
    expect(appEnv.HANDBOOK_DATABASE_URL).toMatch(/^postgres:\/\/knowledge:[^@]+@postgres:5432\/knowledge$/);
  });
});
