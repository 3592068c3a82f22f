// The Confluence connector kind: config schema (Cloud API token or Data Center PAT) and factory.
import { z } from 'zod';
import { KnowledgeError } from '../contract/errors.js';
import { baseSourceSchema, resolveSecret } from '../contract/source-config.js';
import type { ConnectorFactory } from '../contract/registry-types.js';
import { ConfluenceConnector } from './confluence-connector.js';
import type { ConfluenceAuth } from './http-client.js';

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

export const confluenceSourceSchema = baseSourceSchema
  .extend({
    kind: z.literal('confluence'),
    /** Base URL including the context path: `https://acme.atlassian.net/wiki` (Cloud), `https://wiki.corp` (DC). */
    url: z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, '')),
    /** Cloud: the Atlassian account email, with an API token (basic auth) in api_token or token. */
    email: z.string().min(3).optional(),
    api_token: z.string().min(1).optional(),
    api_token_env: envName.optional(),
    /** Data Center: a personal access token (bearer). */
    token: z.string().min(1).optional(),
    token_env: envName.optional(),
    /** Data Center without PATs: user name and password (basic auth). */
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    password_env: envName.optional(),
    /** Space keys to search (empty = every space the API user can read). */
    spaces: z.array(z.string().regex(/^~?[A-Za-z0-9_-]{1,255}$/, 'a space key such as "ENG"')).default([]),
    types: z
      .array(z.enum(['page', 'blogpost', 'attachment', 'comment']))
      .min(1)
      .default(['page', 'blogpost']),
    /** `siteSearch` ranks like the Confluence UI (Cloud, DC 7.x+); `text` works on every version. */
    search_field: z.enum(['siteSearch', 'text']).default('siteSearch'),
    /** `storage` (raw XHTML, converted here, cheapest for the server) or `view` (rendered HTML). */
    body_format: z.enum(['storage', 'view']).default('storage'),
    page_size: z.number().int().min(1).max(100).default(25),
    /** Result pages followed per search at most. */
    max_pages: z.number().int().min(1).max(10).default(3),
    /** The longest Retry-After the connector waits for; longer ones fail the call at once. */
    max_retry_wait_ms: z.number().int().min(0).max(60_000).default(2000),
    max_retries: z.number().int().min(0).max(5).default(2),
    /**
     * `user`: callers with principals see only what their Atlassian account may read (Confluence's
     * permission check; the service account needs the Confluence Administrator global permission
     * to check for others). `service` (default): every caller sees what the service account sees.
     */
    permissions: z.enum(['service', 'user']).default('service'),
  })
  .strict()
  .superRefine((config, ctx) => {
    const hasApiToken = config.api_token !== undefined || config.api_token_env !== undefined;
    const hasToken = config.token !== undefined || config.token_env !== undefined;
    const hasPassword = config.password !== undefined || config.password_env !== undefined;
    if (config.email !== undefined && !hasApiToken && !hasToken)
      ctx.addIssue({ code: 'custom', path: ['api_token'], message: 'email needs api_token or api_token_env' });
    if (hasApiToken && config.email === undefined) ctx.addIssue({ code: 'custom', path: ['email'], message: 'api_token needs the account email' });
    if (config.username !== undefined && !hasPassword) ctx.addIssue({ code: 'custom', path: ['password'], message: 'username needs password or password_env' });
    const methods = [hasApiToken, hasToken, config.username !== undefined].filter(Boolean).length;
    if (methods > 1)
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message: 'give one of: email + api_token, token (PAT; or the API token with email), username + password',
      });
  });

export type ConfluenceSourceConfig = z.infer<typeof confluenceSourceSchema>;

function resolveAuth(config: ConfluenceSourceConfig, env: Record<string, string | undefined>): ConfluenceAuth {
  const missing = (field: string, variable: string | undefined) =>
    new KnowledgeError('CONFIG_INVALID', `sources.${config.name}.${field}: environment variable ${variable ?? '?'} is not set`);
  if (config.email !== undefined) {
    // With an email, `token` is the Cloud API token (so one CONFLUENCE_TOKEN serves Cloud and DC).
    const viaToken = config.api_token === undefined && config.api_token_env === undefined;
    const secret = viaToken ? resolveSecret(config.token, config.token_env, env) : resolveSecret(config.api_token, config.api_token_env, env);
    if (!secret) throw missing(viaToken ? 'token_env' : 'api_token_env', viaToken ? config.token_env : config.api_token_env);
    return { type: 'basic', user: config.email, secret };
  }
  if (config.token !== undefined || config.token_env !== undefined) {
    const token = resolveSecret(config.token, config.token_env, env);
    if (!token) throw missing('token_env', config.token_env);
    return { type: 'bearer', token };
  }
  if (config.username !== undefined) {
    const secret = resolveSecret(config.password, config.password_env, env);
    if (!secret) throw missing('password_env', config.password_env);
    return { type: 'basic', user: config.username, secret };
  }
  return { type: 'none' };
}

export const confluenceFactory: ConnectorFactory<ConfluenceSourceConfig> = {
  kind: 'confluence',
  configSchema: confluenceSourceSchema,
  identityNeed: (config) => (config.permissions === 'user' ? 'permissions "user" (Confluence\'s own per-user permissions)' : null),
  create(config, context) {
    const host = new URL(config.url).host;
    const scope = config.spaces.length > 0 ? ` (spaces ${config.spaces.join(', ')})` : '';
    return new ConfluenceConnector({
      name: config.name,
      description: config.description ?? `Confluence pages and blog posts on ${host}${scope}.`,
      baseUrl: config.url,
      auth: resolveAuth(config, context.env),
      spaces: config.spaces,
      types: config.types,
      searchField: config.search_field,
      bodyFormat: config.body_format,
      pageSize: config.page_size,
      maxPages: config.max_pages,
      maxRetryWaitMs: config.max_retry_wait_ms,
      maxRetries: config.max_retries,
      userPermissions: config.permissions === 'user',
      logger: context.logger,
    });
  },
};
