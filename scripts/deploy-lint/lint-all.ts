// Runs every deploy check over a repository checkout: Dockerfile, docker-compose.yml, fly.toml, and
// `docker compose config` where a Compose CLI exists. Shared by scripts/lint-deploy.ts and the tests.
import { spawnSync } from 'node:child_process';
import { envSchema } from '../../src/config/env-schema.js';
import { lintCompose } from './compose-rules.js';
import { readImageFacts } from './dockerfile-facts.js';
import { lintDockerfile } from './dockerfile-rules.js';
import { lintFlyToml } from './fly-rules.js';
import type { RepoView } from './repo-view.js';

export const REQUIRED_COMPOSE_SERVICES = ['app', 'postgres', 'elasticsearch', 'redis', 'mediawiki', 'seed'];

export interface DeployLintResult {
  problems: string[];
  /** What was checked, or skipped and why. */
  notes: string[];
}

/** `docker compose config -q` (or docker-compose v1) when installed: Compose's own validation. */
export function composeCliCheck(root: string): { ran: boolean; problems: string[]; note: string } {
  const candidates: Array<[string, string[]]> = [
    ['docker', ['compose']],
    ['docker-compose', []],
  ];
  for (const [command, prefix] of candidates) {
    const version = spawnSync(command, [...prefix, 'version'], { cwd: root, encoding: 'utf8', timeout: 10_000 });
    if (version.status !== 0) continue;
    const config = spawnSync(command, [...prefix, 'config', '--quiet'], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    const label = [command, ...prefix].join(' ');
    if (config.status === 0) return { ran: true, problems: [], note: `${label} config: ok` };
    return { ran: true, problems: [`${label} config: ${(config.stderr || config.stdout).trim()}`], note: `${label} config: failed` };
  }
  return { ran: false, problems: [], note: 'docker compose config: skipped (no Compose CLI on this machine)' };
}

export function lintDeployFiles(repo: RepoView, root: string | null): DeployLintResult {
  const problems: string[] = [];
  const notes: string[] = [];
  const defaults = envSchema.parse({});

  const dockerfile = repo.read('Dockerfile');
  let imagePort = defaults.PORT;
  if (dockerfile === null) {
    problems.push('Dockerfile: missing');
  } else {
    problems.push(...lintDockerfile(dockerfile, repo));
    imagePort = Number(readImageFacts(dockerfile).env.PORT ?? defaults.PORT);
    notes.push('Dockerfile: dockerfile-utils validator + image rules');
  }

  const compose = repo.read('docker-compose.yml');
  if (compose === null) problems.push('docker-compose.yml: missing');
  else {
    problems.push(...lintCompose(compose, repo, { requiredServices: REQUIRED_COMPOSE_SERVICES, appService: 'app' }));
    notes.push('docker-compose.yml: Compose Specification schema + stack rules');
  }

  const fly = repo.read('fly.toml');
  if (fly === null) problems.push('fly.toml: missing');
  else {
    problems.push(...lintFlyToml(fly, repo, { port: imagePort, shutdownTimeoutMs: defaults.SHUTDOWN_TIMEOUT_MS }));
    notes.push('fly.toml: service, checks, concurrency, shutdown rules');
  }

  if (root !== null) {
    const cli = composeCliCheck(root);
    problems.push(...cli.problems);
    notes.push(cli.note);
  }
  return { problems, notes };
}
