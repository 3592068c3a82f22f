// Config of one `kind: "elasticsearch"` source: the zod schema and the resolution of its secrets.
// Validation here is what turns a typo in the config file into one clear line at start-up.
import { z } from 'zod';
import { baseSourceSchema, resolveSecret } from '../contract/source-config.js';
import { KnowledgeError } from '../contract/errors.js';

const httpUrl = z.string().refine((value) => /^https?:\/\/[^\s/]+/i.test(value) && URL.canParse(value), 'an http:// or https:// URL');

/**
 * An index name, alias, comma-separated list or wildcard pattern (`docs`, `docs-*`, `a,b`, `-old`).
 * Characters Elasticsearch forbids in index names are refused, so nothing odd reaches a URL path.
 */
const INDEX_EXPRESSION = /^-?[a-z0-9_.*+][a-z0-9_.*+-]*(,-?[a-z0-9_.*+][a-z0-9_.*+-]*)*$/;

/** A field path in `_source` (dots for nested objects). */
const fieldPath = z.string().regex(/^[A-Za-z0-9_@][A-Za-z0-9_@.-]{0,254}$/, 'a field name like title or meta.title');

const fieldsSchema = z
  .object({
    /** `_id` (default) or a keyword field holding the document's own id. */
    id: fieldPath.optional(),
    title: fieldPath.optional(),
    body: fieldPath.optional(),
    url: fieldPath.optional(),
    updated_at: fieldPath.optional(),
  })
  .strict();

const boostsSchema = z
  .object({
    title: z.number().positive().max(100).default(2),
    body: z.number().positive().max(100).default(1),
  })
  .strict();

export const elasticsearchSourceSchema = baseSourceSchema
  .extend({
    kind: z.literal('elasticsearch'),
    node: httpUrl.optional(),
    nodes: z.array(httpUrl).min(1).max(32).optional(),
    index: z.string().max(255).regex(INDEX_EXPRESSION, 'an index, alias or pattern such as docs or docs-*'),
    api_key: z.string().min(1).optional(),
    api_key_env: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    password_env: z.string().min(1).optional(),
    bearer: z.string().min(1).optional(),
    bearer_env: z.string().min(1).optional(),
    tls: z
      .object({
        /** PEM file of the CA that signed the cluster's certificate (self-managed clusters). */
        ca_file: z.string().min(1).optional(),
        /** SHA-256 fingerprint of the CA certificate, as Elasticsearch prints it at first start. */
        ca_fingerprint: z
          .string()
          .regex(/^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$/, 'a SHA-256 fingerprint (64 hex digits, colons optional)')
          .optional(),
      })
      .strict()
      .optional(),
    fields: fieldsSchema.default({}),
    /**
     * A keyword field holding the principals who may read each document (DESIGN §7); absent or
     * empty on a document = everyone who may use the source. Unset: no document permissions.
     */
    acl_field: fieldPath.optional(),
    boosts: boostsSchema.default({ title: 2, body: 1 }),
    /** Per-HTTP-request cap; searches are also bounded by the federation's AbortSignal. */
    request_timeout_ms: z.number().int().min(100).max(600_000).default(30_000),
    /** Retries of bulk items the cluster rejected with 429, and the pause between them. */
    bulk_retries: z.number().int().min(0).max(10).default(3),
    bulk_retry_wait_ms: z.number().int().min(0).max(60_000).default(1000),
  })
  .strict()
  .superRefine((config, ctx) => {
    if ((config.node === undefined) === (config.nodes === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['node'], message: 'give exactly one of node or nodes' });
    }
    const schemes = [
      config.api_key !== undefined || config.api_key_env !== undefined,
      config.username !== undefined,
      config.bearer !== undefined || config.bearer_env !== undefined,
    ].filter(Boolean).length;
    if (schemes > 1) {
      ctx.addIssue({ code: 'custom', path: ['api_key'], message: 'give one auth scheme: api_key, username+password or bearer' });
    }
    if ((config.password !== undefined || config.password_env !== undefined) && config.username === undefined) {
      ctx.addIssue({ code: 'custom', path: ['username'], message: 'password needs a username' });
    }
    const urls = config.nodes ?? (config.node === undefined ? [] : [config.node]);
    if (config.tls?.ca_fingerprint !== undefined && urls.some((url) => url.toLowerCase().startsWith('http:'))) {
      ctx.addIssue({ code: 'custom', path: ['tls', 'ca_fingerprint'], message: 'ca_fingerprint needs https:// nodes' });
    }
  });

export type ElasticsearchSourceConfig = z.infer<typeof elasticsearchSourceSchema>;

export type ElasticsearchAuth = { apiKey: string } | { username: string; password: string } | { bearer: string } | undefined;

/** Resolves the auth scheme's secret (literal or `*_env`); a named but unset variable is a config error. */
export function resolveAuth(config: ElasticsearchSourceConfig, env: Record<string, string | undefined>): ElasticsearchAuth {
  const required = (literal: string | undefined, envName: string | undefined, field: string): string => {
    const value = resolveSecret(literal, envName, env);
    if (value === undefined || value === '') {
      throw new KnowledgeError('CONFIG_INVALID', `source "${config.name}": ${field}_env names ${envName ?? '?'}, which is not set`, { status: 500 });
    }
    return value;
  };
  if (config.api_key !== undefined || config.api_key_env !== undefined) {
    return { apiKey: required(config.api_key, config.api_key_env, 'api_key') };
  }
  if (config.bearer !== undefined || config.bearer_env !== undefined) {
    return { bearer: required(config.bearer, config.bearer_env, 'bearer') };
  }
  if (config.username !== undefined) {
    const password = config.password === undefined && config.password_env === undefined ? '' : required(config.password, config.password_env, 'password');
    return { username: config.username, password };
  }
  return undefined;
}

/** The nodes as a list, whichever of `node`/`nodes` was given. */
export function listNodes(config: ElasticsearchSourceConfig): string[] {
  return config.nodes ?? (config.node === undefined ? [] : [config.node]);
}

/** Whether the index expression names one concrete index or alias (no list, pattern or exclusion). */
export function isSingleName(index: string): boolean {
  return !/[*,]/.test(index) && !index.startsWith('-');
}
