// The optional config file (JSON or YAML): several sources, weights, timeouts, key scopes.
// Source entries are validated per kind by the connector registry (see resolve-sources.ts); the
// descriptions here become the editor hints in knowledge-mcp.config.schema.json.
import { z } from 'zod';

export const keySchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a key name: 1-64 of A-Z a-z 0-9 _ . -')
      .describe('Unique name of the key (logs, metrics, rate limits).'),
    key: z.string().min(16, 'at least 16 characters').optional().describe('The key itself (16+ characters); prefer key_env.'),
    key_env: z.string().min(1).optional().describe('Name of the environment variable holding the key.'),
    sources: z.array(z.string()).optional().describe('Sources this key may search and fetch from; absent = all.'),
    rate_limit_per_minute: z.number().int().min(0).optional().describe('Requests per minute for this key (0 = unlimited).'),
    principals: z
      .array(z.string().regex(/^(user|group):\S.{0,254}$/, 'a principal such as "user:alice@example.com" or "group:hr"'))
      .optional()
      .describe('Principals this key reads documents as (user:alice@example.com, group:hr); absent = a service key that reads every document.'),
  })
  .strict()
  .refine((k) => (k.key === undefined) !== (k.key_env === undefined), {
    message: 'exactly one of `key` or `key_env`',
  });

export const fileConfigSchema = z
  .object({
    $schema: z.string().optional().describe('The JSON Schema this file follows, for editors; ignored by the server.'),
    sources: z
      .array(z.looseObject({ kind: z.string(), name: z.string() }))
      .optional()
      .describe('The sources to search; each entry has a kind and a unique name.'),
    keys: z.array(keySchema).optional().describe('API keys with their scopes (besides API_KEYS).'),
    search: z
      .object({
        deadline_ms: z.number().int().min(50).max(120_000).optional().describe('Overall deadline of one search (default SEARCH_DEADLINE_MS).'),
        fusion: z
          .enum(['global', 'rrf', 'score'])
          .optional()
          .describe("How the sources' lists are merged (default global: every source scores with the federation's term statistics)."),
        rrf_k: z.number().positive().max(10_000).optional().describe('k of reciprocal rank fusion (default 60).'),
      })
      .strict()
      .optional(),
    cache: z
      .object({
        ttl_search_ms: z.number().int().min(0).optional().describe('How long a search answer is cached (default CACHE_TTL_SEARCH_MS).'),
        ttl_document_ms: z.number().int().min(0).optional().describe('How long a fetched document is cached (default CACHE_TTL_DOCUMENT_MS).'),
        stale_ms: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe('How long past its TTL an answer is still served while it is refreshed in the background (default 300000).'),
      })
      .strict()
      .optional(),
    cursor_secret_env: z.string().min(1).optional().describe('Name of the environment variable holding the cursor-signing secret.'),
    allowed_origins: z.array(z.string()).optional().describe('Browser origins allowed to call /mcp, besides ALLOWED_ORIGINS.'),
    oauth: z
      .object({
        issuer: z
          .string()
          .url('an issuer URL such as https://login.example.com/realms/company')
          .describe('Issuer URL of the OAuth authorization server (OAUTH_ISSUER wins).'),
        public_url: z
          .string()
          .url('the external base URL of this server, such as https://knowledge.example.com')
          .describe('External base URL of this server; the resource is <public_url>/mcp (PUBLIC_URL wins).'),
        audience: z.string().min(1).optional().describe('The aud access tokens must carry (default <public_url>/mcp).'),
        groups_claim: z.string().min(1).optional().describe('Token claim holding the groups (default groups).'),
        required_scopes: z.array(z.string().min(1)).optional().describe('Scopes every access token must carry.'),
      })
      .strict()
      .optional()
      .describe('Sign-in with OAuth access tokens (the OAUTH_* variables win field by field).'),
  })
  .strict();

export type FileConfig = z.infer<typeof fileConfigSchema>;
export type KeyConfig = z.infer<typeof keySchema>;
