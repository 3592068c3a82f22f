// Turns whatever a source call threw into a status and a one-line message an agent may see.
// Only exposed KnowledgeError messages pass through; anything else is "source error".
import { KnowledgeError } from '../../connectors/contract/errors.js';
import { BreakerOpenError } from './breaker.js';
import { SourceTimeoutError } from './abort-scope.js';
import type { SourceStatus } from './types.js';

const MAX_MESSAGE = 200;

/** First line, whitespace collapsed, at most 200 characters. */
export function toOneLine(message: string): string {
  const line = (message.split(/\r?\n/, 1)[0] ?? '').replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 1)}…` : line;
}

export interface DescribedFailure {
  status: Exclude<SourceStatus, 'ok' | 'skipped'>;
  message: string;
  /** False for failures that deserve a log line with the full error (unexpected ones). */
  expected: boolean;
}

export function describeFailure(error: unknown): DescribedFailure {
  if (error instanceof SourceTimeoutError) return { status: 'timeout', message: error.message, expected: true };
  if (error instanceof BreakerOpenError) {
    return { status: 'suspended', message: 'suspended after repeated failures; retried automatically', expected: true };
  }
  if (error instanceof KnowledgeError && error.expose) {
    const status = error.code === 'SOURCE_TIMEOUT' ? 'timeout' : 'error';
    return { status, message: toOneLine(error.message) || 'source error', expected: true };
  }
  return { status: 'error', message: 'source error', expected: false };
}
