// Turns the CLI's FILE|DIR|- into documents: a JSONL file, a folder of .jsonl files, a folder
// of markdown, or standard input (JSONL).
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { IngestDocument } from '../../connectors/contract/types.js';
import { KnowledgeError } from '../../connectors/contract/errors.js';
import { readBeirJsonl } from './beir-jsonl.js';
import type { ReadOptions } from './input-error.js';
import { listMarkdownFiles, readMarkdownFolder } from './markdown-folder.js';

export type InputFormat = 'auto' | 'beir' | 'markdown';

export interface OpenInputOptions extends ReadOptions {
  format?: InputFormat;
  /** Where "-" reads from; the CLI passes process.stdin. */
  stdin?: Readable;
}

export interface IngestInput {
  /** What was found, for the summary line. */
  description: string;
  documents: AsyncIterable<IngestDocument>;
}

async function* concat(parts: Array<() => AsyncIterable<IngestDocument>>): AsyncGenerator<IngestDocument> {
  for (const part of parts) yield* part();
}

export async function openIngestInput(input: string, options: OpenInputOptions): Promise<IngestInput> {
  const format = options.format ?? 'auto';
  if (input === '-') {
    if (format === 'markdown') throw new KnowledgeError('INVALID_ARGUMENT', 'standard input is read as JSONL, not markdown');
    if (!options.stdin) throw new KnowledgeError('INVALID_ARGUMENT', 'no standard input to read');
    return { description: 'JSONL from standard input', documents: readBeirJsonl(options.stdin, '-', options) };
  }
  const info = await stat(input).catch(() => null);
  if (!info) throw new KnowledgeError('INVALID_ARGUMENT', `${input}: no such file or directory`);
  if (info.isFile()) {
    if (format === 'markdown' || /\.(md|markdown)$/i.test(input)) {
      throw new KnowledgeError('INVALID_ARGUMENT', `${input}: give the folder holding markdown files, not one file`);
    }
    return { description: `JSONL file ${input}`, documents: readBeirJsonl(createReadStream(input), input, options) };
  }
  const jsonl = (await readdir(input)).filter((name) => name.endsWith('.jsonl')).sort();
  if (format === 'beir' || (format === 'auto' && jsonl.length > 0)) {
    if (jsonl.length === 0) throw new KnowledgeError('INVALID_ARGUMENT', `${input}: no .jsonl files in this folder`);
    const files = jsonl.map((name) => path.join(input, name));
    return {
      description: `${files.length} JSONL file(s) in ${input}`,
      documents: concat(files.map((file) => () => readBeirJsonl(createReadStream(file), file, options))),
    };
  }
  const markdown = await listMarkdownFiles(input);
  if (markdown.length === 0) throw new KnowledgeError('INVALID_ARGUMENT', `${input}: no .jsonl or markdown files in this folder`);
  return { description: `${markdown.length} markdown file(s) in ${input}`, documents: readMarkdownFolder(input, options) };
}
