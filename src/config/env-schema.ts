// The environment variables knowledge-mcp reads, with their defaults and meaning.
// The README's configuration table is generated from this schema (`npm run docs:config`).
import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const integerFromEnv = (min: number, max: number) =>
  z.coerce
    .number({ error: `a whole number from ${min} to ${max}` })
    .int(`a whole number from ${min} to ${max}`)
    .min(min, `a whole number from ${min} to ${max}`)
    .max(max, `a whole number from ${min} to ${max}`);

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

export const envSchema = z.object({
  PORT: integerFromEnv(0, 65535).default(3000).describe('TCP port to listen on.'),
  HOST: z.string().min(1).default('127.0.0.1').describe('Address to bind. A non-loopback address requires `API_KEYS` (or `AUTH=none`).'),
  API_KEYS: optionalString.describe('Comma-separated `name:key` pairs accepted as `x-api-key` or `Authorization: Bearer`. Optional on loopback.'),
  AUTH: z
    .enum(['apikey', 'none'], { error: '"apikey" or "none"' })
    .default('apikey')
    .describe('`none` disables authentication explicitly (only behind a trusted gateway).'),
  ALLOWED_ORIGINS: optionalString.describe(
    'Comma-separated origins allowed to call `/mcp` from a browser (CORS answered for them); other `Origin` headers get 403. Loopback origins are allowed only while `HOST` is loopback.',
  ),
  BODY_LIMIT_BYTES: integerFromEnv(1024, 50 * 1024 * 1024)
    .default(1024 * 1024)
    .describe('Largest request body accepted (413 above).'),
  KNOWLEDGE_MCP_CONFIG: optionalString.describe(
    'Path of the config file (`knowledge-mcp.config.json` or `.yaml`); `--config` overrides. Default: that file in the working directory when present.',
  ),
  DATA_DIR: z.string().min(1).default('./data').describe('Where embedded data (PGlite) lives.'),
  DATABASE_URL: optionalString.describe('Postgres connection URL: adds a source named `postgres`.'),
  ELASTICSEARCH_URL: optionalString.describe('Elasticsearch node URL: adds a source named `elasticsearch`.'),
  ELASTICSEARCH_INDEX: z.string().min(1).default('documents').describe('Index, alias or pattern for the `elasticsearch` source.'),
  ELASTICSEARCH_API_KEY: optionalString.describe('API key for the `elasticsearch` source.'),
  ELASTICSEARCH_USERNAME: optionalString.describe('Basic-auth user for the `elasticsearch` source (with `ELASTICSEARCH_PASSWORD`).'),
  ELASTICSEARCH_PASSWORD: optionalString.describe('Basic-auth password for `ELASTICSEARCH_USERNAME`.'),
  ELASTICSEARCH_CA_FINGERPRINT: optionalString.describe("SHA-256 fingerprint of the cluster's CA certificate (self-signed clusters)."),
  MEDIAWIKI_URL: optionalString.describe('MediaWiki `api.php` URL: adds a source named `mediawiki`.'),
  MEDIAWIKI_USERNAME: optionalString.describe('Bot password user (`User@appid` from Special:BotPasswords) for the `mediawiki` source; anonymous when unset.'),
  MEDIAWIKI_PASSWORD: optionalString.describe('Bot password for `MEDIAWIKI_USERNAME`.'),
  CONFLUENCE_URL: optionalString.describe('Confluence base URL: adds a source named `confluence`.'),
  CONFLUENCE_EMAIL: optionalString.describe('Confluence Cloud account email (with `CONFLUENCE_TOKEN` as API token).'),
  CONFLUENCE_TOKEN: optionalString.describe('Confluence API token (Cloud) or personal access token (Data Center).'),
  WIKI_DIR: optionalString.describe('Folder of markdown files: adds a source named `wiki`.'),
  REDIS_URL: optionalString.describe('Redis URL for the shared cache, breaker state and rate limits; unset = in-memory.'),
  CURSOR_SECRET: optionalString.describe(
    'Secret that signs paging cursors; set the same value on every instance. Default: derived from `API_KEYS`, else random per process.',
  ),
  SEARCH_DEADLINE_MS: integerFromEnv(50, 120_000).default(3000).describe('Overall deadline of one search across all sources.'),
  CACHE_TTL_SEARCH_MS: integerFromEnv(0, 86_400_000).default(60_000).describe('How long a search answer is served from cache.'),
  CACHE_TTL_DOCUMENT_MS: integerFromEnv(0, 86_400_000).default(300_000).describe('How long a fetched document is served from cache.'),
  RATE_LIMIT_PER_MINUTE: integerFromEnv(0, 1_000_000).default(0).describe('Requests per minute per API key (0 = unlimited).'),
  TLS_CERT_FILE: optionalString.describe('PEM certificate: serve HTTPS directly (with `TLS_KEY_FILE`).'),
  TLS_KEY_FILE: optionalString.describe('PEM private key for `TLS_CERT_FILE`.'),
  TRUST_PROXY: booleanFromEnv.default(false).describe('Trust `X-Forwarded-*` headers (behind Fly.io or another proxy).'),
  OAUTH_ISSUER: optionalString.describe(
    "Issuer URL of the company's OAuth authorization server (Keycloak, Entra ID, Okta, Auth0, Google); turns on sign-in with access tokens. Needs `PUBLIC_URL`.",
  ),
  PUBLIC_URL: optionalString.describe('External base URL of this server, e.g. `https://knowledge.example.com`; the OAuth resource is `PUBLIC_URL` + `/mcp`.'),
  OAUTH_AUDIENCE: optionalString.describe('The `aud` access tokens must carry. Default: `PUBLIC_URL` + `/mcp`.'),
  OAUTH_GROUPS_CLAIM: optionalString.describe("Token claim holding the user's groups (a dotted path reaches nested claims). Default: `groups`."),
  OAUTH_REQUIRED_SCOPES: optionalString.describe('Space-separated scopes every access token must carry.'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'one of fatal, error, warn, info, debug, trace, silent' })
    .default('info')
    .describe('pino log level; query text is logged only at `debug`.'),
  SHUTDOWN_TIMEOUT_MS: integerFromEnv(0, 120_000).default(10_000).describe('How long SIGTERM waits for requests in flight.'),
});

export type EnvConfig = z.infer<typeof envSchema>;
