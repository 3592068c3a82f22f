// A bad input record, named by file and line so the user can fix it.
import { KnowledgeError } from '../../connectors/contract/errors.js';

export interface InvalidRecord {
  file: string;
  /** 1-based line number (1 for a whole markdown file). */
  line: number;
  reason: string;
}

export class IngestInputError extends KnowledgeError {
  readonly record: InvalidRecord;

  constructor(record: InvalidRecord) {
    super('INVALID_ARGUMENT', `${record.file}:${record.line}: ${record.reason}`);
    this.name = 'IngestInputError';
    this.record = record;
  }
}

/** Reader options shared by every input format. */
export interface ReadOptions {
  signal: AbortSignal;
  /** Report bad records through `onInvalid` and go on, instead of throwing IngestInputError. */
  skipInvalid?: boolean;
  onInvalid?: (record: InvalidRecord) => void;
}

export function reportInvalid(record: InvalidRecord, options: ReadOptions): void {
  if (!options.skipInvalid) throw new IngestInputError(record);
  options.onInvalid?.(record);
}
