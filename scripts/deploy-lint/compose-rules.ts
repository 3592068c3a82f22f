// Lints docker-compose.yml: the Compose Specification schema, then this stack's rules — healthchecks
// on every long-running service, the app waiting for them, one-shots marked as such, named volumes,
// pinned images, ports published on loopback only, bind-mounted files present.
import { parse as parseYaml } from 'yaml';
import { validateComposeSchema } from './compose-schema.js';
import type { RepoView } from './repo-view.js';

interface ComposeService {
  image?: string;
  build?: unknown;
  restart?: string;
  healthcheck?: { test?: string | string[]; disable?: boolean } & Partial<Record<(typeof DURATION_FIELDS)[number], unknown>>;
  stop_grace_period?: unknown;
  depends_on?: string[] | Record<string, { condition: string }>;
  volumes?: Array<string | { type?: string; source?: string }>;
  ports?: Array<string | number | { host_ip?: string; published?: unknown }>;
  environment?: Record<string, unknown> | string[];
  /** Compose profiles: a service with any is started only when one is asked for (`--profile`). */
  profiles?: string[];
}

/** Go duration strings as Compose accepts them: 1m30s, 500ms, 10s. */
const DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;
// The current compose-spec schema types these as plain strings (the old snapshot had a
// `duration` format), so a typo such as "five seconds" is caught here instead.
const DURATION_FIELDS = ['interval', 'timeout', 'start_period', 'start_interval'] as const;

export interface ComposeLintOptions {
  file?: string;
  /** Services the stack must have (issue 9: app, postgres, elasticsearch, redis, mediawiki, seed). */
  requiredServices?: string[];
  /** The service that serves MCP; it must wait for every long-running service to be healthy. */
  appService?: string;
}

function dependencies(service: ComposeService): Record<string, string> {
  const raw = service.depends_on;
  if (!raw) return {};
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(raw).map(([name, spec]) => [name, spec.condition]));
}

function environmentOf(service: ComposeService): Record<string, string> {
  const raw = service.environment;
  if (!raw) return {};
  if (Array.isArray(raw)) {
    return Object.fromEntries(raw.map((pair) => [pair.split('=')[0] ?? '', pair.split('=').slice(1).join('=')]));
  }
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

function isOneShot(service: ComposeService): boolean {
  return service.restart === 'no';
}

function hasHealthcheck(service: ComposeService): boolean {
  const check = service.healthcheck;
  if (!check || check.disable) return false;
  const test = Array.isArray(check.test) ? check.test : check.test ? [check.test] : [];
  return test.length > 0 && test[0] !== 'NONE';
}

function isPinned(image: string): boolean {
  if (image.includes('@sha256:')) return true;
  const last = image.split('/').at(-1) ?? image;
  const tag = last.includes(':') ? last.split(':').at(-1) : undefined;
  return tag !== undefined && tag !== 'latest' && tag !== '';
}

/** Every problem as `docker-compose.yml: …`; an empty list means the file passes. */
export function lintCompose(text: string, repo: RepoView, options: ComposeLintOptions = {}): string[] {
  const file = options.file ?? 'docker-compose.yml';
  const problems: string[] = [];
  const report = (message: string) => problems.push(`${file}: ${message}`);

  let document: unknown;
  try {
    document = parseYaml(text, { merge: true });
  } catch (error) {
    report(`not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    return problems;
  }
  for (const violation of validateComposeSchema(document)) report(`schema: ${violation}`);
  if (problems.length > 0) return problems;

  const compose = document as { services?: Record<string, ComposeService>; volumes?: Record<string, unknown> };
  const services = compose.services ?? {};
  const declaredVolumes = new Set(Object.keys(compose.volumes ?? {}));
  const usedVolumes = new Set<string>();
  const builtImages = new Set(
    Object.values(services)
      .filter((service) => service.build !== undefined && service.image)
      .map((service) => service.image as string),
  );

  for (const name of options.requiredServices ?? []) {
    if (!services[name]) report(`service "${name}" is missing`);
  }

  for (const [name, service] of Object.entries(services)) {
    const where = `services.${name}`;
    for (const field of DURATION_FIELDS) {
      const value = service.healthcheck?.[field];
      if (typeof value === 'string' && !DURATION.test(value)) report(`${where}.healthcheck.${field}: "${value}" is not a duration (e.g. 5s, 1m30s)`);
    }
    if (typeof service.stop_grace_period === 'string' && !DURATION.test(service.stop_grace_period)) {
      report(`${where}.stop_grace_period: "${service.stop_grace_period}" is not a duration (e.g. 5s, 1m30s)`);
    }
    if (!isOneShot(service) && !hasHealthcheck(service)) {
      report(`${where}: a long-running service needs a healthcheck (or restart: "no" if it is a one-shot)`);
    }
    if (service.image && service.build === undefined && !builtImages.has(service.image) && !isPinned(service.image)) {
      report(`${where}: pin the image "${service.image}" to a version tag`);
    }
    for (const [target, condition] of Object.entries(dependencies(service))) {
      const dependency = services[target];
      if (!dependency) {
        report(`${where}.depends_on: "${target}" is not a service`);
      } else if (condition === 'service_healthy' && !hasHealthcheck(dependency)) {
        report(`${where}.depends_on.${target}: service_healthy needs a healthcheck on "${target}"`);
      } else if (condition === 'service_completed_successfully' && !isOneShot(dependency)) {
        report(`${where}.depends_on.${target}: service_completed_successfully needs "${target}" to be a one-shot (restart: "no")`);
      } else if (condition === 'service_started' && hasHealthcheck(dependency)) {
        report(`${where}.depends_on.${target}: wait with condition service_healthy, "${target}" has a healthcheck`);
      }
    }
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? (volume.split(':')[0] ?? '') : (volume.source ?? '');
      if (source.startsWith('.') || source.startsWith('/')) {
        const relative = source.replace(/^\.\//, '');
        if (source.startsWith('.') && !repo.exists(relative)) report(`${where}.volumes: bind-mounted "${source}" does not exist`);
      } else if (source !== '') {
        usedVolumes.add(source);
        if (!declaredVolumes.has(source)) report(`${where}.volumes: named volume "${source}" is not declared under volumes:`);
      }
    }
    for (const port of service.ports ?? []) {
      const loopback = typeof port === 'object' ? port.host_ip === '127.0.0.1' : /^127\.0\.0\.1:/.test(String(port));
      const shown = typeof port === 'object' ? JSON.stringify(port) : String(port);
      if (!loopback) report(`${where}.ports: publish "${shown}" on 127.0.0.1 only (local credentials)`);
    }
    const env = environmentOf(service);
    if (env.HOST && env.HOST !== '127.0.0.1' && env.HOST !== 'localhost' && !env.API_KEYS && env.AUTH !== 'none') {
      report(`${where}.environment: HOST=${env.HOST} without API_KEYS makes the server refuse to start`);
    }
  }
  for (const volume of declaredVolumes) {
    if (!usedVolumes.has(volume)) report(`volumes.${volume}: declared but no service mounts it`);
  }

  const appName = options.appService;
  const app = appName ? services[appName] : undefined;
  if (appName && app) {
    const waits = dependencies(app);
    for (const [name, service] of Object.entries(services)) {
      // An optional (profiled) service cannot be waited for: the app would then need its profile.
      if (name === appName || isOneShot(service) || !hasHealthcheck(service) || (service.profiles?.length ?? 0) > 0) continue;
      if (dependencies(service)[appName]) continue;
      if (waits[name] !== 'service_healthy') report(`services.${appName}.depends_on: wait for "${name}" with condition service_healthy`);
    }
  }
  return problems;
}
