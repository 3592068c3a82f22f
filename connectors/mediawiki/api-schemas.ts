// zod shapes of the Action API answers the connector reads (formatversion=2), so nothing from
// the wiki is trusted before it is parsed.
import { z } from 'zod';

export const searchAnswerSchema = z.object({
  limits: z.object({ search: z.number().optional() }).passthrough().optional(),
  query: z
    .object({
      searchinfo: z.object({ totalhits: z.number().optional() }).passthrough().optional(),
      search: z
        .array(
          z.object({
            ns: z.number(),
            title: z.string(),
            pageid: z.number(),
            timestamp: z.string().optional(),
          }),
        )
        .default([]),
    })
    .optional(),
});

const revisionSchema = z.object({
  revid: z.number().optional(),
  timestamp: z.string().optional(),
  slots: z
    .object({
      main: z.object({ content: z.string().optional(), contentmodel: z.string().optional() }).passthrough(),
    })
    .passthrough()
    .optional(),
});

export const pageSchema = z.object({
  pageid: z.number().optional(),
  ns: z.number().optional(),
  title: z.string(),
  missing: z.boolean().optional(),
  invalid: z.boolean().optional(),
  fullurl: z.string().optional(),
  touched: z.string().optional(),
  lastrevid: z.number().optional(),
  revisions: z.array(revisionSchema).optional(),
  /** prop=categories (only those asked for with clcategories). */
  categories: z.array(z.object({ ns: z.number().optional(), title: z.string() })).optional(),
});

export type WikiPageRecord = z.infer<typeof pageSchema>;

export const pagesAnswerSchema = z.object({
  /** Present when a list (here: categories) was cut short; `clcontinue` is `<pageid>|<category>`. */
  continue: z.object({ clcontinue: z.string().optional() }).passthrough().optional(),
  query: z
    .object({
      pages: z.array(pageSchema).default([]),
      redirects: z.array(z.object({ from: z.string(), to: z.string() })).optional(),
      normalized: z.array(z.object({ from: z.string(), to: z.string() })).optional(),
    })
    .optional(),
});

export const siteInfoAnswerSchema = z.object({
  query: z.object({
    general: z.object({ server: z.string(), articlepath: z.string(), sitename: z.string().optional() }).passthrough(),
    statistics: z.object({ pages: z.number(), articles: z.number().optional() }).passthrough().optional(),
    extensions: z.array(z.object({ name: z.string().optional() }).passthrough()).optional(),
  }),
});
