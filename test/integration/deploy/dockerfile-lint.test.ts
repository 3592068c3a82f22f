// The Dockerfile passes dockerfile-utils' validator and the image rules, and each rule catches the
// mistake it exists for (a mutated copy of the real Dockerfile must fail with that rule's message).
import { describe, expect, it } from 'vitest';
import { readImageFacts } from '../../../scripts/deploy-lint/dockerfile-facts.js';
import { lintDockerfile } from '../../../scripts/deploy-lint/dockerfile-rules.js';
import { isDockerIgnored } from '../../../scripts/deploy-lint/dockerignore.js';
import { repoViewAt } from '../../../scripts/deploy-lint/repo-view.js';
import { REPO_ROOT, mutate, readRepoFile } from './repo-files.js';

const repo = repoViewAt(REPO_ROOT);
const dockerfile = readRepoFile('Dockerfile');

describe('Dockerfile', () => {
  it('passes the linter and the image rules', () => {
    expect(lintDockerfile(dockerfile, repo)).toEqual([]);
  });

  it('runs node directly as a non-root user, on the port it exposes, with a /healthz probe', () => {
    const facts = readImageFacts(dockerfile);
    expect(facts.stages.length).toBeGreaterThanOrEqual(2);
    expect(facts.final?.image).toMatch(/^node:20/);
    expect(facts.cmd).toEqual(['node', 'dist/src/cli.js', 'serve']);
    expect(facts.user).toBe('node');
    expect(facts.env.HOST).toBe('0.0.0.0');
    // glibc gives blocks of 128 KB and more back when freed (~25 MB less RSS after start).
    expect(facts.env.MALLOC_MMAP_THRESHOLD_).toBe('131072');
    expect(facts.exposed).toContain(facts.env.PORT);
    expect(facts.volumes).toContain(facts.env.DATA_DIR);
    expect(facts.healthcheck?.exec).toEqual(['node', 'deploy/healthcheck.mjs']);
  });

  const mistakes: Array<[string, string | RegExp, string, string]> = [
    ['a shell-form CMD', 'CMD ["node", "dist/src/cli.js", "serve"]', 'CMD node dist/src/cli.js serve', 'exec (JSON) form'],
    ['npm in the CMD', 'CMD ["node", "dist/src/cli.js", "serve"]', 'CMD ["npm", "start"]', 'not "npm"'],
    ['running as root', 'USER node', 'USER root', 'non-root USER'],
    ['no USER at all', 'USER node\n', '', 'non-root USER'],
    ['no HEALTHCHECK', /HEALTHCHECK[^\n]*\\\n[^\n]*\n/, '', 'HEALTHCHECK on /healthz'],
    ['a probe script that does not exist', 'CMD ["node", "deploy/healthcheck.mjs"]', 'CMD ["node", "deploy/missing.mjs"]', 'does not exist'],
    ['EXPOSE not matching PORT', 'EXPOSE 3000', 'EXPOSE 8080', 'EXPOSE 3000 to match ENV PORT'],
    ['HOST left on loopback', 'HOST=0.0.0.0', 'HOST=127.0.0.1', 'HOST=0.0.0.0'],
    ['dev dependencies in the runtime', 'npm ci --omit=dev', 'npm ci', 'npm ci --omit=dev'],
    ['a floating base image', 'node:20.19-bookworm-slim', 'node:latest', 'pin the base image'],
    ['a runtime on another Node', 'node:20.19-bookworm-slim', 'node:18.20-bookworm-slim', 'Node 20'],
    ['a single stage', /FROM \$\{NODE_IMAGE\} AS build[\s\S]*?(?=FROM \$\{NODE_IMAGE\} AS runtime)/, '', 'multi-stage'],
    ['demo data left out', 'COPY demo ./demo\n', '', 'COPY demo'],
    ['a COPY of a missing file', 'COPY migrations ./migrations', 'COPY migrationz ./migrations', '"migrationz" does not exist'],
    ['an ENTRYPOINT wrapper', 'STOPSIGNAL SIGTERM', 'STOPSIGNAL SIGTERM\nENTRYPOINT ["sh", "-c"]', 'no ENTRYPOINT'],
    [
      'a lower-case instruction (validator)',
      'WORKDIR /app\nCOPY package.json package-lock.json ./\n# Scripts',
      'workdir /app\nCOPY package.json package-lock.json ./\n# Scripts',
      'uppercase',
    ],
    ['a relative WORKDIR (validator)', 'WORKDIR /app\n# The layout', 'WORKDIR app\n# The layout', 'WORKDIR paths should be absolute'],
  ];
  it.each(mistakes)('catches %s', (_label, from, to, expected) => {
    const problems = lintDockerfile(mutate(dockerfile, from, to), repo);
    expect(problems.join('\n')).toContain(expected);
  });
});

describe('.dockerignore', () => {
  const rules = readRepoFile('.dockerignore');

  it('keeps everything the image copies and excludes secrets and bulk', () => {
    for (const kept of ['package.json', 'package-lock.json', 'src', 'connectors', 'migrations', 'demo', 'deploy/healthcheck.mjs', '.env.example']) {
      expect(isDockerIgnored(kept, rules), kept).toBe(false);
    }
    for (const dropped of [
      'node_modules',
      'node_modules/koa/index.js',
      '.env',
      '.env.production',
      '.git/config',
      'dist/src/cli.js',
      'data/pglite',
      'server.pem',
    ]) {
      expect(isDockerIgnored(dropped, rules), dropped).toBe(true);
    }
  });

  it('follows Docker pattern rules: rooted, segment wildcards, ** and negation', () => {
    expect(isDockerIgnored('a/b.log', '*.log')).toBe(false);
    expect(isDockerIgnored('a/b.log', '**/*.log')).toBe(true);
    expect(isDockerIgnored('keep.md', '*.md\n!keep.md')).toBe(false);
    expect(isDockerIgnored('docs/x/y.md', 'docs')).toBe(true);
    expect(isDockerIgnored('docsite', 'docs')).toBe(false);
  });
});
