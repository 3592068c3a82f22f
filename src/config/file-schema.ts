// The optional config file (JSON or YAML): several sources, weights, timeouts, key scopes.
// Source entries are validated per kind by the connector registry (see load-config.ts).
import { z } from 'zod';

export const keySchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a key name: 1-64 of A-Z a-z 0-9 _ . -'),
    key: z.string().min(16, 'at least 16 characters').optional(),
    key_env: z.string().min(1).optional(),
    /** Sources this key may search and fetch from; absent = all. */
    sources: z.array(z.string()).optional(),
    rate_limit_per_minute: z.number().int().min(0).optional(),
    /** Principals this key reads documents as; absent = a service key that reads every document. */
    principals: z.array(z.string().regex(/^(user|group):\S.{0,254}$/, 'a principal such as "user:alice@example.com" or "group:hr"')).optional(),
  })
  .strict()
  .refine((k) => (k.key === undefined) !== (k.key_env === undefined), {
    message: 'exactly one of `key` or `key_env`',
  });

export const fileConfigSchema = z
  .object({
    sources: z.array(z.looseObject({ kind: z.string(), name: z.string() })).optional(),
    keys: z.array(keySchema).optional(),
    search: z
      .object({
        deadline_ms: z.number().int().min(50).max(120_000).optional(),
        fusion: z.enum(['rrf', 'score']).optional(),
        rrf_k: z.number().positive().max(10_000).optional(),
      })
      .strict()
      .optional(),
    cache: z
      .object({
        ttl_search_ms: z.number().int().min(0).optional(),
        ttl_document_ms: z.number().int().min(0).optional(),
        stale_ms: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
    cursor_secret_env: z.string().min(1).optional(),
    allowed_origins: z.array(z.string()).optional(),
    oauth: z
      .object({
        issuer: z.string().url('an issuer URL such as https://login.example.com/realms/company'),
        public_url: z.string().url('the external base URL of this server, such as https://knowledge.example.com'),
        audience: z.string().min(1).optional(),
        groups_claim: z.string().min(1).optional(),
        required_scopes: z.array(z.string().min(1)).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type FileConfig = z.infer<typeof fileConfigSchema>;
export type KeyConfig = z.infer<typeof keySchema>;
