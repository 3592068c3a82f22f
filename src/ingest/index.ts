// Ingest: readers for BEIR JSONL and markdown folders, and the runner the CLI calls.
export { IngestFailedError, runIngest, type RunIngestOptions, type RunIngestSummary, type IngestProgress } from './run-ingest.js';
export { openIngestInput, type InputFormat, type IngestInput } from './open-input.js';
export { readBeirJsonl, parseBeirLine } from './beir-jsonl.js';
export { readMarkdownFolder, parseMarkdownDocument, listMarkdownFiles } from './markdown-folder.js';
export { IngestInputError, type InvalidRecord, type ReadOptions } from './input-error.js';
