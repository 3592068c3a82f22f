// The server's own name and version, read once from package.json.
import { readFileSync } from 'node:fs';

const packageJson = JSON.parse(
  readFileSync(new URL(import.meta.url.includes('/dist/') ? '../../package.json' : '../package.json', import.meta.url), 'utf8'),
) as { name: string; version: string };

export const SERVER_NAME = packageJson.name;
export const SERVER_VERSION = packageJson.version;
