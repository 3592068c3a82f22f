// `npm run lint:deploy`: checks Dockerfile, docker-compose.yml and fly.toml without a Docker engine.
// Prints one line per problem and exits 1 when there is any.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintDeployFiles } from './deploy-lint/lint-all.js';
import { repoViewAt } from './deploy-lint/repo-view.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { problems, notes } = lintDeployFiles(repoViewAt(root), root);
for (const note of notes) process.stdout.write(`deploy lint: ${note}\n`);
for (const problem of problems) process.stderr.write(`${problem}\n`);
process.stdout.write(problems.length === 0 ? 'deploy lint: ok\n' : `deploy lint: ${problems.length} problem(s)\n`);
process.exitCode = problems.length === 0 ? 0 : 1;
