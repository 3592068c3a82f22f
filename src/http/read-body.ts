// Reads a request body up to a byte limit, without a generic parser (so JSON-RPC owns parse errors).
// Event-based rather than `for await`: this runs on every MCP request.
import type { IncomingMessage } from 'node:http';
import { KnowledgeError } from '../../connectors/contract/errors.js';

function tooLarge(limitBytes: number): KnowledgeError {
  return new KnowledgeError('INVALID_ARGUMENT', `request body is larger than ${limitBytes} bytes`, { status: 413 });
}

export function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.reject(tooLarge(limitBytes));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) {
        cleanup();
        request.resume();
        reject(tooLarge(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new KnowledgeError('INVALID_ARGUMENT', 'request body could not be read', { status: 400, cause: error }));
    };
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
  });
}
