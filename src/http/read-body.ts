// Reads a request body up to a byte limit, without a generic parser (so JSON-RPC owns parse errors).
import type { IncomingMessage } from 'node:http';
import { KnowledgeError } from '../errors.js';

export async function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    throw new KnowledgeError('INVALID_ARGUMENT', `request body is larger than ${limitBytes} bytes`, { status: 413 });
  }
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    received += buffer.length;
    if (received > limitBytes) {
      request.resume();
      throw new KnowledgeError('INVALID_ARGUMENT', `request body is larger than ${limitBytes} bytes`, { status: 413 });
    }
    chunks.push(buffer);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received);
}
