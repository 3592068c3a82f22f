// docker-compose.yml conforms to the Compose Specification schema and to the stack's rules; each rule
// catches its mistake. Where a Compose CLI exists, `docker compose config` must accept the file too.
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { validateComposeSchema } from '../../../scripts/deploy-lint/compose-schema.js';
import { lintCompose } from '../../../scripts/deploy-lint/compose-rules.js';
import { REQUIRED_COMPOSE_SERVICES, composeCliCheck } from '../../../scripts/deploy-lint/lint-all.js';
import { repoViewAt } from '../../../scripts/deploy-lint/repo-view.js';
import { REPO_ROOT, mutate, readRepoFile } from './repo-files.js';

const repo = repoViewAt(REPO_ROOT);
const compose = readRepoFile('docker-compose.yml');
const lint = (text: string) => lintCompose(text, repo, { requiredServices: REQUIRED_COMPOSE_SERVICES, appService: 'app' });

interface Service {
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  command?: string[];
  image?: string;
}

describe('docker-compose.yml', () => {
  it('conforms to the Compose Specification schema', () => {
    expect(validateComposeSchema(parseYaml(compose, { merge: true }))).toEqual([]);
  });

  it('knows the current Compose Specification: top-level name and include, develop.watch, models', () => {
    const current = {
      name: 'knowledge-mcp',
      include: ['other-compose.yml'],
      models: { llm: { model: 'ai/smollm2' } },
      services: { app: { image: 'node:20', develop: { watch: [{ action: 'sync', path: './src', target: '/app/src' }] } } },
    };
    expect(validateComposeSchema(current)).toEqual([]);
    expect(validateComposeSchema({ services: { app: { image: 'node:20', devleop: {} } } })).toEqual([
      '/services/app: must NOT have additional properties "devleop"',
    ]);
  });

  it('passes the stack rules', () => {
    expect(lint(compose)).toEqual([]);
  });

  it('runs the seed after the backends, the app after the seed, the smoke check after the app', () => {
    const services = (parseYaml(compose) as { services: Record<string, Service> }).services;
    const waits = (name: string) => services[name]?.depends_on ?? {};
    expect(waits('seed')).toMatchObject({
      postgres: { condition: 'service_healthy' },
      elasticsearch: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
      mediawiki: { condition: 'service_healthy' },
    });
    expect(waits('app').seed).toEqual({ condition: 'service_completed_successfully' });
    expect(waits('mediawiki')['mediawiki-init']).toEqual({ condition: 'service_completed_successfully' });
    expect(waits('smoke').app).toEqual({ condition: 'service_healthy' });
    expect(services.seed?.command).toEqual(['sh', 'deploy/seed.sh']);
    expect(services.smoke?.environment?.SMOKE_SOURCES?.split(',').sort()).toEqual(['handbook', 'runbooks', 'search', 'wiki']);
  });

  it('offers Keycloak only under its own profile, importing the realm from deploy/keycloak', () => {
    const keycloak = (parseYaml(compose) as { services: Record<string, Service & { profiles?: string[]; volumes?: string[] }> }).services.keycloak;
    expect(keycloak?.profiles).toEqual(['keycloak']);
    expect(keycloak?.image).toMatch(/^quay\.io\/keycloak\/keycloak:\d+\.\d+/);
    expect(keycloak?.command).toEqual(expect.arrayContaining(['start-dev', '--import-realm']));
    expect(keycloak?.volumes).toContain('./deploy/keycloak:/opt/keycloak/data/import:ro');
    const realm = JSON.parse(readRepoFile('deploy/keycloak/realm-knowledge.json')) as {
      clients: Array<{ protocolMappers: Array<{ protocolMapper: string; config: Record<string, string> }> }>;
    };
    const mappers = realm.clients[0]?.protocolMappers ?? [];
    expect(mappers.find((m) => m.protocolMapper === 'oidc-audience-mapper')?.config['included.custom.audience']).toBe('http://localhost:3000/mcp');
    expect(mappers.find((m) => m.protocolMapper === 'oidc-group-membership-mapper')?.config['claim.name']).toBe('groups');
  });

  it('does not make the app wait for a service behind a profile', () => {
    const withProfile = compose.replace('    profiles: ["keycloak"]\n', '');
    expect(lint(withProfile)).toContain('docker-compose.yml: services.app.depends_on: wait for "keycloak" with condition service_healthy');
    expect(lint(compose)).toEqual([]);
  });

  it('runs Elasticsearch as a single node without security, for local use', () => {
    const es = (parseYaml(compose) as { services: Record<string, Service> }).services.elasticsearch;
    expect(es?.image).toMatch(/elasticsearch:8\.\d+\.\d+$/);
    expect(es?.environment).toMatchObject({ 'discovery.type': 'single-node', 'xpack.security.enabled': 'false' });
    expect(es?.environment?.ES_JAVA_OPTS).toMatch(/-Xmx\d+m/);
  });

  const mistakes: Array<[string, string | RegExp, string, string]> = [
    [
      'a misspelt healthcheck key (schema)',
      '      interval: 5s\n      timeout: 3s\n      retries: 20\n      start_period: 10s',
      '      intervall: 5s\n      timeout: 3s\n      retries: 20\n      start_period: 10s',
      'must NOT have additional properties "intervall"',
    ],
    ['a bad duration', 'interval: 5s', 'interval: five seconds', 'healthcheck.interval: "five seconds" is not a duration'],
    ['an unknown depends_on condition (schema)', 'condition: service_completed_successfully', 'condition: service_done', 'one of'],
    [
      'a service without healthcheck',
      / {4}healthcheck:\n {6}test: \["CMD", "redis-cli", "ping"\]\n {6}interval: 5s\n {6}timeout: 3s\n {6}retries: 20\n/,
      '',
      'services.redis: a long-running service needs a healthcheck',
    ],
    [
      'waiting on a service that has no healthcheck',
      / {4}healthcheck:\n {6}test: \["CMD", "redis-cli", "ping"\]\n {6}interval: 5s\n {6}timeout: 3s\n {6}retries: 20\n/,
      '',
      'service_healthy needs a healthcheck on "redis"',
    ],
    ['an unpinned image', 'image: redis:7', 'image: redis', 'pin the image "redis"'],
    ['a port open on every interface', '"127.0.0.1:6380:6379"', '"6380:6379"', 'publish "6380:6379" on 127.0.0.1 only'],
    ['an undeclared named volume', '      - redis-data:/data', '      - cache-data:/data', 'named volume "cache-data" is not declared'],
    [
      'a declared volume nobody mounts',
      'volumes:\n  postgres-data:',
      'volumes:\n  spare-data:\n  postgres-data:',
      'volumes.spare-data: declared but no service mounts it',
    ],
    [
      'a dependency on a missing service',
      '      mediawiki-init:\n        condition',
      '      mediawiki-setup:\n        condition',
      '"mediawiki-setup" is not a service',
    ],
    ['a missing required service', / {2}seed:\n[\s\S]*?restart: "no"\n\n/, '', 'service "seed" is missing'],
    [
      'a bind mount of a missing file',
      './deploy/knowledge-mcp.config.json:/app/deploy/knowledge-mcp.config.json:ro\n    depends_on',
      './deploy/missing.json:/app/deploy/knowledge-mcp.config.json:ro\n    depends_on',
      '"./deploy/missing.json" does not exist',
    ],
    ['a public HOST without keys', '  API_KEYS: local:local-dev-key-change-me\n', '', 'HOST=0.0.0.0 without API_KEYS'],
  ];
  it.each(mistakes)('catches %s', (_label, from, to, expected) => {
    expect(lint(mutate(compose, from, to)).join('\n')).toContain(expected);
  });

  it('catches an app that does not wait for a backend to be healthy', () => {
    const appBlock = /( {2}app:[\s\S]*?depends_on:\n[\s\S]*?) {6}redis:\n {8}condition: service_healthy\n/;
    expect(lint(mutate(compose, appBlock, '$1')).join('\n')).toContain('services.app.depends_on: wait for "redis"');
  });

  it('is accepted by `docker compose config` where a Compose CLI exists', (context) => {
    const result = composeCliCheck(REPO_ROOT);
    if (!result.ran) context.skip(result.note);
    expect(result.problems).toEqual([]);
  });
});
