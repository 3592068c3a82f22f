// Parsers for the Confluence REST (v1) responses this connector reads: search results, content
// with its body, and the error envelope. Unknown fields are ignored; missing optional ones are null.
import { z } from 'zod';

const links = z
  .object({ webui: z.string().optional(), tinyui: z.string().optional(), base: z.string().optional(), next: z.string().optional() })
  .partial()
  .optional();

const version = z.object({ number: z.number().optional(), when: z.string().optional() }).partial().optional();

export const contentSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  type: z.string().optional(),
  status: z.string().optional(),
  title: z.string(),
  space: z.object({ key: z.string().optional(), name: z.string().optional() }).partial().optional(),
  version,
  history: z.object({ lastUpdated: version, createdDate: z.string().optional() }).partial().optional(),
  body: z
    .object({
      storage: z.object({ value: z.string() }).optional(),
      view: z.object({ value: z.string() }).optional(),
      export_view: z.object({ value: z.string() }).optional(),
    })
    .partial()
    .optional(),
  _links: links,
});

export type ConfluenceContent = z.infer<typeof contentSchema>;

export const searchResultSchema = z.object({
  content: contentSchema.optional(),
  title: z.string().optional(),
  excerpt: z.string().optional(),
  url: z.string().optional(),
  entityType: z.string().optional(),
  lastModified: z.string().optional(),
});

export const searchResponseSchema = z.object({
  results: z.array(searchResultSchema),
  start: z.number().optional(),
  limit: z.number().optional(),
  size: z.number().optional(),
  totalSize: z.number().optional(),
  _links: links,
});

export type SearchResponse = z.infer<typeof searchResponseSchema>;
export type SearchResult = z.infer<typeof searchResultSchema>;

/** Confluence's error body (`statusCode` on DC and v1, `code` on some Cloud gateways). */
export const errorBodySchema = z
  .object({ statusCode: z.number().optional(), code: z.number().optional(), message: z.string().optional(), reason: z.string().optional() })
  .partial();
