// Reading what the dispatcher answers, which may come as one buffer or as parts in order.
import type { MessageBytes } from '../../src/mcp/jsonrpc.js';

/** The message's text, its parts joined. */
export function messageText(bytes: MessageBytes): string {
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.concat(bytes)).toString('utf8');
}

/** The parsed message, or null for a 202 answer without a body. */
export function answerJson(body: MessageBytes | null): unknown {
  return body === null ? null : JSON.parse(messageText(body));
}
