// The OpenAPI 3.1 document of the REST API, generated from the same zod schemas as the tools'
// JSON Schemas (z.toJSONSchema), so the two surfaces cannot drift apart.
import { z } from 'zod';
import { getDocumentInput, getDocumentOutput, searchDocumentsInput, searchDocumentsOutput } from '../tools/schemas.js';
import { SERVER_NAME, SERVER_VERSION } from '../version.js';
import { apiErrorSchema } from './api-errors.js';

export const API_ROUTES = {
  search: '/api/search',
  /** The router's form of the document path; `documentPath` is OpenAPI's. */
  documentRoute: '/api/documents/:id',
  documentPath: '/api/documents/{id}',
  openApi: '/openapi.json',
} as const;

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; description?: string };

function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function property(schema: JsonSchema, name: string): JsonSchema {
  const found = schema.properties?.[name];
  if (found === undefined) throw new Error(`openapi: the tool schema has no property ${name}`);
  return found;
}

/** A query parameter whose schema is the tool argument's own. */
function queryParameter(name: string, schema: JsonSchema, options: { required?: boolean; note?: string } = {}): Record<string, unknown> {
  const { description, ...rest } = schema;
  const parameter: Record<string, unknown> = {
    name,
    in: 'query',
    required: options.required ?? false,
    schema: rest,
  };
  const text = [description, options.note].filter(Boolean).join(' ');
  if (text) parameter.description = text;
  return parameter;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });

const ERROR_RESPONSES = {
  '401': json(ref('ApiError'), 'No valid API key: send `x-api-key: KEY` or `Authorization: Bearer KEY` (WWW-Authenticate says so too).'),
  '403': json(ref('EdgeError'), 'Host or Origin not allowed (DNS-rebinding protection); answered by the edge in JSON-RPC error form.'),
  '429': json(ref('ApiError'), "The key's rate limit is spent; Retry-After says when to try again."),
  '503': json(ref('ApiError'), 'An unexpected failure; the message carries only the request id (details are in the server log).'),
};

export function buildOpenApiDocument(options: { authRequired: boolean }): Record<string, unknown> {
  const searchInput = jsonSchemaOf(searchDocumentsInput, 'input');
  const documentInput = jsonSchemaOf(getDocumentInput, 'input');
  const security = options.authRequired ? [{ apiKey: [] }, { bearer: [] }] : [{}, { apiKey: [] }, { bearer: [] }];
  const { description: idDescription, ...idSchema } = property(documentInput, 'document_id');

  return {
    openapi: '3.1.0',
    info: {
      title: `${SERVER_NAME} REST API`,
      version: SERVER_VERSION,
      description:
        'The search_documents and get_document MCP tools over plain HTTP GET: the same auth, key scopes, rate limits, cache and structured output (the JSON an MCP client gets as structuredContent).',
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: [{ url: '/' }],
    paths: {
      [API_ROUTES.search]: {
        get: {
          operationId: 'searchDocuments',
          summary: 'Search every source at once (the search_documents tool)',
          security,
          parameters: [
            queryParameter('q', property(searchInput, 'query'), { required: true }),
            queryParameter('limit', property(searchInput, 'limit')),
            {
              ...queryParameter('source', property(searchInput, 'sources'), {
                note: 'Repeat the parameter (source=a&source=b) or separate names with commas.',
              }),
              style: 'form',
              explode: true,
            },
            queryParameter('updated_after', property(searchInput, 'updated_after')),
            queryParameter('cursor', property(searchInput, 'cursor')),
          ],
          responses: {
            '200': json(ref('SearchDocumentsOutput'), 'Ranked results across the sources, with a per-source report; `partial` when a source did not answer.'),
            '400': json(ref('ApiError'), 'A parameter is missing or invalid (`error.field` names it), an unknown source, or a forged/stale cursor.'),
            ...ERROR_RESPONSES,
          },
        },
      },
      [API_ROUTES.documentPath]: {
        get: {
          operationId: 'getDocument',
          summary: 'Read one document (the get_document tool)',
          security,
          parameters: [
            {
              name: 'id',
              in: 'path',
              required: true,
              description: `${idDescription ?? 'A document ID.'} URL-encode it (\`:\` and \`/\` included).`,
              schema: idSchema,
            },
            queryParameter('max_chars', property(documentInput, 'max_chars')),
            queryParameter('offset', property(documentInput, 'offset')),
          ],
          responses: {
            '200': json(ref('GetDocumentOutput'), 'The document; when `truncated`, ask again with offset = next_offset.'),
            '400': json(ref('ApiError'), 'A malformed ID or an invalid max_chars/offset (`error.field` names it).'),
            '404': json(ref('ApiError'), 'No such document, or none this key may read (the two are indistinguishable).'),
            ...ERROR_RESPONSES,
            '502': json(ref('ApiError'), "The document's source failed."),
            '504': json(ref('ApiError'), "The document's source did not answer in time."),
          },
        },
      },
    },
    components: {
      schemas: {
        SearchDocumentsOutput: jsonSchemaOf(searchDocumentsOutput, 'output'),
        GetDocumentOutput: jsonSchemaOf(getDocumentOutput, 'output'),
        ApiError: jsonSchemaOf(apiErrorSchema, 'output'),
        EdgeError: {
          type: 'object',
          description: 'A refusal by the HTTP edge, shaped as a JSON-RPC error (the same answer /mcp gives).',
          required: ['jsonrpc', 'id', 'error'],
          properties: {
            jsonrpc: { const: '2.0' },
            id: { type: 'null' },
            error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'integer' }, message: { type: 'string' } } },
          },
        },
      },
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'An API key from API_KEYS or the config file.' },
        bearer: { type: 'http', scheme: 'bearer', description: 'The same API key as a bearer token.' },
      },
    },
  };
}
