// Reads BEIR-style JSONL ({_id, title, text, url?, updated_at?, metadata?, acl?} per line) as
// IngestDocuments, one line at a time, with line-numbered errors.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { readAcl } from '../../connectors/contract/text/front-matter.js';
import type { IngestDocument } from '../../connectors/contract/types.js';
import { reportInvalid, type ReadOptions } from './input-error.js';

const dateText = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO 8601 date-time');

const beirLineSchema = z
  .object({
    _id: z.union([z.string().min(1, 'must not be empty'), z.number().finite()]).optional(),
    id: z.union([z.string().min(1), z.number().finite()]).optional(),
    title: z.string().default(''),
    text: z.string(),
    url: z.string().nullable().optional(),
    updated_at: dateText.nullable().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    /** Principals who may read the document (DESIGN §7), checked as markdown front matter's `acl:`. */
    acl: z.unknown().optional(),
  })
  .refine((value) => value._id !== undefined || value.id !== undefined, { message: 'missing _id' });

/** One line → a document, or the reason it isn't one (pure). */
export function parseBeirLine(line: string): IngestDocument | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return { error: `not valid JSON (${error instanceof Error ? error.message : 'parse error'})` };
  }
  const parsed = beirLineSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    const message = (issue?.message ?? 'invalid').replace(/^Invalid input: /, '');
    return { error: `${where}${message}` };
  }
  const value = parsed.data;
  // Dropping a malformed or unread acl would publish the document to every caller.
  const acl = readAcl({ acl: value.acl });
  if (acl !== undefined && 'invalid' in acl) return { error: acl.invalid };
  return {
    id: String(value._id ?? value.id),
    title: value.title,
    text: value.text,
    url: value.url ?? null,
    updatedAt: value.updated_at ?? null,
    ...(value.metadata ? { metadata: value.metadata } : {}),
    ...(acl === undefined ? {} : { acl }),
  };
}

/** Documents of one JSONL stream; `file` names it in error messages ("-" for standard input). */
export async function* readBeirJsonl(input: Readable, file: string, options: ReadOptions): AsyncGenerator<IngestDocument> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const raw of lines) {
      lineNumber += 1;
      options.signal.throwIfAborted();
      const line = lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (line.trim() === '') continue;
      const result = parseBeirLine(line);
      if ('error' in result) {
        reportInvalid({ file, line: lineNumber, reason: result.error }, options);
        continue;
      }
      yield result;
    }
  } finally {
    lines.close();
  }
}
