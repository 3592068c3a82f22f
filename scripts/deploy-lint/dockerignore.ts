// Decides whether a build-context path is excluded by .dockerignore, with Docker's own rules
// (@balena/dockerignore follows the moby implementation: patterns rooted at the context, `*` and
// `?` within a segment, `**` across segments, `!` re-includes, the last matching line wins, and
// excluding a folder excludes everything under it).
import { createRequire } from 'node:module';
import type { Ignore } from '@balena/dockerignore';

// A CommonJS module whose types declare an ES default export; `require` gets the factory itself.
const dockerignore = createRequire(import.meta.url)('@balena/dockerignore') as (options?: { ignorecase?: boolean }) => Ignore;

export function isDockerIgnored(path: string, rules: string): boolean {
  const clean = path.replace(/^\.\//, '').replace(/\/+$/, '');
  return dockerignore().add(rules.split(/\r?\n/)).ignores(clean);
}
