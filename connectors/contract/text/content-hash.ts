// A hash of a document's words, independent of markup and case, for cross-source de-duplication.
import { createHash } from 'node:crypto';
import { foldTerm, tokenizeText } from './text-analysis.js';

/** sha256 (hex) of the folded words of `plainText`, joined by single spaces. */
export function hashContent(plainText: string): string {
  return createHash('sha256').update(tokenizeText(plainText).map(foldTerm).join(' ')).digest('hex');
}
