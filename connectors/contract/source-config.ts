// Fields every source entry in the config shares, whatever its kind.
// Each connector kind extends `baseSourceSchema` with its own fields and a `kind` literal.
import { z } from 'zod';

export const SOURCE_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;

export const baseSourceSchema = z.object({
  name: z.string().regex(SOURCE_NAME_PATTERN, 'a source name: lower-case letter, then up to 31 of a-z 0-9 _ -'),
  description: z.string().max(500).optional(),
  /** Weight in rank fusion. */
  weight: z.number().positive().max(100).default(1),
  /** Per-call timeout for this source. */
  timeout_ms: z.number().int().min(10).max(120_000).default(2000),
  /** Calls in flight to this source at once, beyond which calls wait (p-limit). */
  max_concurrency: z.number().int().min(1).max(1000).default(16),
  /**
   * A BEIR JSONL file (or a folder of JSONL or markdown) ingested at start while the source holds
   * no documents. The composition root does the seeding; it needs a source that accepts ingest.
   */
  seed_file: z.string().min(1).optional(),
});

export type BaseSourceConfig = z.infer<typeof baseSourceSchema>;

/**
 * Resolves a secret given either literally or as the name of an environment variable
 * (`password` / `password_env`). Only the composition root passes `env`.
 */
export function resolveSecret(literal: string | undefined, envName: string | undefined, env: Record<string, string | undefined>): string | undefined {
  if (literal !== undefined) return literal;
  if (envName !== undefined) return env[envName];
  return undefined;
}
