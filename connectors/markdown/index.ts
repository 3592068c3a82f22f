// The markdown-folder connector kind: its config schema and factory (one registry line).
import path from 'node:path';
import { z } from 'zod';
import { baseSourceSchema } from '../contract/source-config.js';
import type { ConnectorFactory } from '../contract/registry-types.js';
import { MarkdownConnector } from './markdown-connector.js';

export const markdownSourceSchema = baseSourceSchema
  .extend({
    kind: z.literal('markdown'),
    /** The folder of markdown files (relative paths resolve against the working directory). */
    dir: z.string().min(1, 'a folder path'),
    /** File endings that count as pages. */
    extensions: z
      .array(z.string().regex(/^\.[a-z0-9]+$/i, 'an extension such as ".md"'))
      .min(1)
      .default(['.md', '.markdown']),
    /** Files are re-checked for changes at most this often before a search (0 = every search). */
    refresh_interval_ms: z.number().int().min(0).max(3_600_000).default(1000),
    max_file_bytes: z.number().int().min(1).max(100_000_000).default(2_000_000),
    max_files: z.number().int().min(1).max(1_000_000).default(50_000),
    /** English stemming: "policies" finds "policy". */
    stemming: z.boolean().default(true),
    title_boost: z.number().positive().max(100).default(2),
    /** URL for pages without a front-matter `url`: prefix + relative path (e.g. a Git web view). */
    url_prefix: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict();

export type MarkdownSourceConfig = z.infer<typeof markdownSourceSchema>;

export const markdownFactory: ConnectorFactory<MarkdownSourceConfig> = {
  kind: 'markdown',
  configSchema: markdownSourceSchema,
  create(config, context) {
    return new MarkdownConnector({
      name: config.name,
      description: config.description ?? `Markdown pages (runbooks, policies, notes) from the folder ${path.basename(path.resolve(config.dir))}/.`,
      dir: config.dir,
      extensions: config.extensions,
      refreshIntervalMs: config.refresh_interval_ms,
      maxFileBytes: config.max_file_bytes,
      maxFiles: config.max_files,
      stemming: config.stemming,
      boost: { title: config.title_boost, headings: 1.5, text: 1 },
      urlPrefix: config.url_prefix ?? null,
      logger: context.logger,
    });
  },
};
