// Error answers of the REST API (/api/*): one JSON shape, a stable code, the field at fault for
// 400s, and never internals: an unexposed error answers 503 with the request id only.
import { z } from 'zod';
import { KnowledgeError } from '../../connectors/contract/errors.js';

export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().describe('Stable code: INVALID_ARGUMENT, INVALID_CURSOR, UNAUTHORIZED, NOT_FOUND, RATE_LIMITED, SOURCE_TIMEOUT, INTERNAL, …'),
      message: z.string().describe('One line meant for people; names the field for 400s.'),
      field: z.string().optional().describe('The query parameter or path segment at fault (400 only).'),
    }),
    request_id: z.string().describe('Also sent as the x-request-id header; quote it when reporting a problem.'),
  })
  .describe('An error answer of the REST API.');

export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

/** A 4xx that names the request field at fault. */
export class ApiInputError extends KnowledgeError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('INVALID_ARGUMENT', message, { status: 400 });
  }
}

export interface ApiErrorAnswer {
  status: number;
  body: ApiErrorBody;
  /** True when the detail must go to the log (the caller saw only the request id). */
  internal: boolean;
}

const FIELD_OF_MESSAGE = /^([a-z_]+): /;

/** How one endpoint presents the service's errors. */
export interface ErrorPresentation {
  /** Tool argument → query parameter (query → q), so a message names what the caller sent. */
  renames?: Record<string, string>;
  /** Status per error code where the endpoint differs from the error's own. */
  statusOf?: Partial<Record<string, number>>;
  /** The parameter an error code is about (INVALID_CURSOR → cursor). */
  fieldOf?: Partial<Record<string, string>>;
}

/** The answer for an error thrown by a handler. */
export function apiErrorFor(error: unknown, requestId: string, presentation: ErrorPresentation = {}): ApiErrorAnswer {
  const { renames = {}, statusOf: overrides = {}, fieldOf = {} } = presentation;
  if (error instanceof KnowledgeError && error.expose) {
    let message = error.message;
    let field = error instanceof ApiInputError ? error.field : fieldOf[error.code];
    const named = FIELD_OF_MESSAGE.exec(message)?.[1];
    if (field === undefined && named !== undefined) field = renames[named] ?? named;
    if (named !== undefined && renames[named] !== undefined) message = `${renames[named]}${message.slice(named.length)}`;
    const status = overrides[error.code] ?? error.status;
    const body: ApiErrorBody = { error: { code: error.code, message, ...(status === 400 && field !== undefined ? { field } : {}) }, request_id: requestId };
    // Errors with a 5xx status (a source down) keep it; only unexposed ones become the generic 503.
    return { status, body, internal: false };
  }
  return {
    status: 503,
    body: { error: { code: 'INTERNAL', message: `internal error (request id ${requestId})` }, request_id: requestId },
    internal: true,
  };
}
